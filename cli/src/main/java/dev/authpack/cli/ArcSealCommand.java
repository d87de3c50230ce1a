package dev.authpack.cli;

import dev.authpack.arc.ArcAuthResults;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSealOptions;
import dev.authpack.arc.ArcSealResult;
import dev.authpack.arc.ArcSealer;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckerSettings;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.check.Envelope;
import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.sign.SignSettings;
import dev.authpack.dns.DnsResolver;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code authpack arc-seal MESSAGE}: validates the message's ARC chain, then prints the message with the next ARC
 * Set on top (RFC 8617 §5.1; CLI.md). The rest of the input, line ends included, is printed as it was read; when
 * RFC 8617 says not to seal (the chain already ended with {@code cv=fail}, or has 50 sets) the input is printed
 * unchanged and the reason goes to standard error.
 */
@Command(name = "arc-seal", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Validates the message's ARC chain (RFC 8617), then adds the next ARC set: ARC-Seal,"
                + " ARC-Message-Signature and ARC-Authentication-Results, rsa-sha256, on top of the message.",
                "The ARC-Authentication-Results records --auth-results, or with --use-existing-auth-results the"
                        + " message's Authentication-Results of --authserv-id, or else the results of the checks"
                        + " that `check` runs (SPF and iprev only with --client-ip).",
                "Prints the sealed message; prints it unchanged, with the reason on standard error, when RFC 8617"
                        + " says not to seal (the chain already failed)."},
        footer = {"", "Exit status: 0 printed (sealed or not); 2 usage error, or a message or key that cannot be"
                + " read."})
final class ArcSealCommand implements Callable<Integer> {

    private static final CheckOptions ARC_ONLY = new CheckOptions(false, false, false, false, false, true, Set.of());

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "RFC 5322 message file, or - for standard input.")
    String message;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
            description = "The sealing domain (d= of ARC-Seal and ARC-Message-Signature).")
    String domain;

    @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "The selector (s=).")
    String selector;

    @Option(names = "--key", required = true, paramLabel = "PEM-FILE",
            description = "The private RSA key (RFC 8617 seals with rsa-sha256): PEM PKCS#8 or PKCS#1, 1024 bits"
                    + " or more.")
    String key;

    @Option(names = "--authserv-id", paramLabel = "ID",
            description = "The authserv-id of the ARC-Authentication-Results (default: this host's name).")
    String authservId;

    @Option(names = "--headers", paramLabel = "NAME:NAME:...",
            description = {"The ARC-Message-Signature h= list, written as given. Default: the usual fields that are"
                    + " present, every DKIM-Signature, and From."})
    String headers;

    @Option(names = "--auth-results", paramLabel = "TEXT",
            description = "Record this resinfo text (method=result ...; ...) in the ARC-Authentication-Results.")
    String authResults;

    @Option(names = "--use-existing-auth-results",
            description = {"Record the resinfos of the message's Authentication-Results fields whose authserv-id is"
                    + " --authserv-id (seal only; as the ValiMail signing suite expects). Without such a field"
                    + " nothing is sealed."})
    boolean useExistingAuthResults;

    @Option(names = "--client-ip", paramLabel = "IP",
            description = "With neither of the two above: the SMTP client's IP address (SPF and iprev run with it).")
    String clientIp;

    @Option(names = "--translator-prefixes", paramLabel = "LIST",
            description = {"With the checks: your own SIIT/NAT64 translator's IPv6 prefixes: a --client-ip inside"
                    + " one is checked as the IPv4 address it embeds (RFC 6052), as for check."})
    String translatorPrefixes;

    @Option(names = "--helo", paramLabel = "NAME", description = "With the checks: the HELO/EHLO name.")
    String helo;

    @Option(names = "--mail-from", paramLabel = "ADDR",
            description = "With the checks: the MAIL FROM address (\"\" or <> for the null sender).")
    String mailFrom;

    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "folded",
            description = {"folded (default): i= first, lines of at most 78 characters;"
                    + " standardized: the ValiMail suite's test format (tags sorted, one line), for conformance"
                    + " testing only."})
    String layout;

    @Option(names = "--now", paramLabel = "EPOCH_SECONDS",
            description = "t= of the new set and the clock of the validation, in seconds since 1970 (default: now).")
    Long now;

    @Mixin
    DnsOptions dns = new DnsOptions();

    private final CliStreams streams;

    ArcSealCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        checkSources();
        Clock clock = clock();
        ArcSealer sealer = sealer(clock);
        String id = authservId == null ? HostName.local() : authservId.strip();
        if (id.isEmpty()) {
            throw new UsageException("--authserv-id must not be empty");
        }
        try {
            sealer.trial(id);
        } catch (IllegalArgumentException e) {
            // a bad authserv-id is a usage error before any DNS question
            throw new UsageException("--authserv-id: " + e.getMessage());
        }
        byte[] input = MessageInput.read(message, streams.in());
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(input);
        } catch (MessageParseException e) {
            throw new UsageException("cannot seal " + message + ": " + e.getMessage());
        }
        DnsResolver resolver = dns.resolver();
        ArcSealResult result;
        try {
            result = seal(sealer, parsed, input, id, resolver, clock);
        } catch (IllegalArgumentException e) {
            // the authserv-id is not a token (the chain result is always this message's own)
            throw new UsageException(e.getMessage());
        }
        byte[] out = result.message();
        streams.out().write(out, 0, out.length);
        streams.out().flush();
        if (!result.sealed()) {
            streams.err().println("authpack arc-seal: not sealed: " + OneLine.of(result.reason()));
            streams.err().flush();
        }
        return ExitCodes.OK;
    }

    private ArcSealResult seal(ArcSealer sealer, RawMessage parsed, byte[] input, String id, DnsResolver resolver,
                               Clock clock) {
        MailAuthChecker checker = MailAuthChecker.create(resolver, CheckerSettings.defaults(id).withClock(clock));
        if (authResults != null) {
            return sealer.seal(parsed, validate(input, checker), id, authResults);
        }
        if (useExistingAuthResults) {
            Optional<String> existing = ArcAuthResults.consolidate(parsed, id);
            if (existing.isEmpty()) {
                // as the ValiMail suite and dkimpy: nothing to record, no set
                return new ArcSealResult(false, "no Authentication-Results field of " + id + " to record", 0, null,
                        null, null, null, input);
            }
            return sealer.seal(parsed, validate(input, checker), id, existing.get());
        }
        boolean withClient = clientIp != null && !clientIp.isBlank();
        InetAddress client = IpArgument.client(clientIp, translatorPrefixes);
        Envelope envelope = new Envelope(client, helo == null ? "" : helo.strip(),
                MailFromArgument.normalize(mailFrom == null ? "" : mailFrom), List.of(), Optional.empty());
        CheckOptions checks = new CheckOptions(true, withClient, withClient, false, true, true, Set.of());
        AuthCheckReport report = checks(checker, envelope, input, checks);
        ArcResult chain = report.arc().orElseThrow(() -> new IllegalStateException("ARC validation did not run"));
        return sealer.seal(parsed, chain, id, report.methodResults());
    }

    /** The chain validation alone: the checker's ARC check, within the checker's deadline. */
    private static ArcResult validate(byte[] input, MailAuthChecker checker) {
        return checks(checker, new Envelope(null, "", "", List.of(), Optional.empty()), input, ARC_ONLY).arc()
                .orElseThrow(() -> new IllegalStateException("ARC validation did not run"));
    }

    private static AuthCheckReport checks(MailAuthChecker checker, Envelope envelope, byte[] input,
                                          CheckOptions options) {
        return Waiting.await(checker.check(envelope, input, options), checker.awaitLimit());
    }

    /** The three sources of the ARC-Authentication-Results exclude each other; the envelope goes with the checks. */
    private void checkSources() {
        if (authResults != null && useExistingAuthResults) {
            throw new UsageException("--auth-results and --use-existing-auth-results exclude each other");
        }
        if ((authResults != null || useExistingAuthResults)
                && (clientIp != null || translatorPrefixes != null || helo != null || mailFrom != null)) {
            throw new UsageException("--client-ip, --translator-prefixes, --helo and --mail-from are for the checks, which do not run with "
                    + (authResults != null ? "--auth-results" : "--use-existing-auth-results"));
        }
    }

    private ArcSealer sealer(Clock clock) {
        DkimSigningKey signingKey = KeyFileArgument.load(key);
        if (signingKey.algorithm() != DkimAlgorithm.RSA_SHA256) {
            throw new UsageException("--key " + key + ": an RSA key is needed (RFC 8617 seals with rsa-sha256), not "
                    + signingKey.algorithm().tag());
        }
        ArcSealOptions.Style style = switch (layout.strip().toLowerCase(Locale.ROOT)) {
            case "folded" -> ArcSealOptions.Style.FOLDED;
            case "standardized" -> ArcSealOptions.Style.STANDARDIZED;
            default -> throw new UsageException("--layout must be folded or standardized, not '" + layout + "'");
        };
        try {
            ArcSealOptions options = ArcSealOptions.of(domain.strip(), selector.strip()).withStyle(style)
                    .withClock(clock);
            if (headers != null) {
                options = options.withSignedHeaders(SignSettings.parseHeaderNames(headers));
            }
            return new ArcSealer(signingKey, options);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private Clock clock() {
        return ClockOption.clock(now);
    }
}
