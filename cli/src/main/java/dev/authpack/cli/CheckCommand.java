package dev.authpack.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckerSettings;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dns.DnsResolver;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code authpack check MESSAGE}: the {@code MailAuthCheck} mailet's work on a file (CLI.md). */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Runs the authentication checks the MailAuthCheck mailet runs, on a message file.",
                "Prints one JSON object with a member per check that ran (dkim, spf and spf_helo, iprev, smtp_auth,"
                        + " dmarc, arc)"
                        + " and the Authentication-Results field we would add (authentication_results)."},
        footer = {"", "Exit status: 0 the checks ran (whatever the results); 2 usage error or unreadable input."})
final class CheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "RFC 5322 message file, or - for standard input.")
    String message;

    @Option(names = "--client-ip", paramLabel = "IP",
            description = "The SMTP client's IP address (required when spf or iprev runs).")
    String clientIp;

    @Option(names = "--translator-prefixes", paramLabel = "LIST",
            description = {"Your own SIIT/NAT64 translator's IPv6 prefixes (64:ff9b::/96, ...; lengths 32, 40, 48,"
                    + " 56, 64, 96): a --client-ip inside one is checked as the IPv4 address it embeds (RFC 6052)."})
    String translatorPrefixes;

    @Option(names = "--helo", paramLabel = "NAME", description = "The HELO/EHLO name.")
    String helo = "";

    @Option(names = "--mail-from", paramLabel = "ADDR",
            description = "The MAIL FROM address; \"\" (or <>, or no option) for the null sender.")
    String mailFrom = "";

    @Option(names = "--auth-user", paramLabel = "USER", description = "The SMTP AUTH user, if the client authenticated.")
    String authUser;

    @Option(names = "--authserv-id", paramLabel = "ID",
            description = "The authserv-id of the Authentication-Results field (default: this host's name).")
    String authservId;

    @Option(names = "--checks", paramLabel = "LIST",
            description = {"Comma-separated subset of dkim,spf,iprev,smtp-auth,dmarc,arc (default: all this version"
                    + " has: all of them). spf runs both the MAIL FROM and the HELO check."})
    String checks;

    @Option(names = "--dmarc-mode", paramLabel = "MODE",
            description = "rfc9989 (default: organizational domain by DNS tree walk) or rfc7489 (Public Suffix List, pct).")
    String dmarcModeName = "rfc9989";

    @Option(names = "--trusted-arc-sealer", paramLabel = "DOMAIN",
            description = "An ARC sealer (d= of ARC-Seal) whose word overrides a failing DMARC result (repeatable).")
    List<String> trustedArcSealers = new java.util.ArrayList<>();

    @Mixin
    DnsOptions dns = new DnsOptions();

    @Option(names = "--now", paramLabel = "EPOCH_SECONDS",
            description = "The clock, in seconds since 1970, that DKIM and ARC signatures (t=, x=) and the SPF %%{t}"
                    + " macro are judged by (default: now).")
    Long now;

    private final CliStreams streams;

    CheckCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        Set<CheckName> selected = checks == null ? CheckName.allAvailable() : CheckName.parseList(checks);
        boolean dkim = selected.contains(CheckName.DKIM);
        boolean dmarc = selected.contains(CheckName.DMARC);
        boolean arc = selected.contains(CheckName.ARC);
        boolean spf = selected.contains(CheckName.SPF);
        boolean iprev = selected.contains(CheckName.IPREV);
        boolean smtpAuth = selected.contains(CheckName.SMTP_AUTH);
        if ((spf || iprev) && (clientIp == null || clientIp.isBlank())) {
            throw new UsageException("--client-ip is required when spf or iprev runs (or choose --checks smtp-auth)");
        }
        InetAddress client = IpArgument.client(clientIp, translatorPrefixes);
        String serverId = authservId == null ? HostName.local() : authservId.strip();
        if (serverId.isEmpty()) {
            throw new UsageException("--authserv-id must not be empty");
        }
        Envelope envelope = new Envelope(client, helo == null ? "" : helo.strip(),
                MailFromArgument.normalize(mailFrom), List.of(),
                Optional.ofNullable(authUser).map(String::strip).filter(u -> !u.isEmpty()));
        DmarcMode dmarcMode = DmarcMode.parse(dmarcModeName)
                .orElseThrow(() -> new UsageException("--dmarc-mode must be rfc9989 or rfc7489"));
        byte[] raw = MessageInput.read(message, streams.in());
        DnsResolver resolver = dns.resolver();

        MailAuthChecker checker = MailAuthChecker.create(resolver, CheckerSettings.defaults(serverId)
                .withClock(ClockOption.clock(now)).withDmarc(DmarcOptions.DEFAULT.withMode(dmarcMode)));
        AuthCheckReport report = Waiting.await(checker.check(envelope, raw,
                        new CheckOptions(dkim, spf, iprev, smtpAuth, dmarc, arc, Set.copyOf(trustedArcSealers))),
                checker.awaitLimit());

        ObjectNode out = JsonOutput.object();
        out.put("authserv_id", serverId);
        report.dkim().ifPresent(d -> out.set("dkim", ResultJson.dkim(d)));
        report.spf().ifPresent(v -> out.set("spf", ResultJson.spfMember(v)));
        report.spfHelo().ifPresent(v -> out.set("spf_helo", ResultJson.spfMember(v)));
        report.iprev().ifPresent(r -> out.set("iprev", ResultJson.iprev(r)));
        report.smtpAuth().ifPresent(a -> out.set("smtp_auth", ResultJson.smtpAuth(a)));
        report.dmarc().ifPresent(d -> out.set("dmarc", ResultJson.dmarc(d, report)));
        report.arc().ifPresent(a -> out.set("arc", ResultJson.arc(a)));
        out.put("authentication_results", AuthResultsWriter.unfolded(serverId, report.methodResults()));
        JsonOutput.write(out, streams.out());
        return ExitCodes.OK;
    }
}
