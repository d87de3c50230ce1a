package dev.authpack.cli;

import dev.authpack.dns.DnsResolver;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfOptions;
import dev.authpack.spf.SpfResult;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code authpack spf}: RFC 7208 {@code check_host()} for the MAIL FROM identity (CLI.md). */
@Command(name = "spf", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"RFC 7208 check_host() for the MAIL FROM identity (for the null sender, postmaster@HELO).",
                "Prints {\"result\", \"domain\", \"mechanism\", \"explanation\", \"lookups\", \"void_lookups\","
                        + " \"reason\", \"local_overload\"} as JSON."},
        footer = {"", "Exit status: 0 the check ran (whatever the result); 2 usage error."})
final class SpfCommand implements Callable<Integer> {

    @Option(names = "--ip", required = true, paramLabel = "IP", description = "The SMTP client's IP address.")
    String ip;

    @Option(names = "--mail-from", required = true, paramLabel = "ADDR",
            description = "The MAIL FROM address; \"\" (or <>) for the null sender.")
    String mailFrom;

    @Option(names = "--helo", paramLabel = "NAME",
            description = "The HELO/EHLO name (required with the null sender).")
    String helo = "";

    @Mixin
    DnsOptions dns = new DnsOptions();

    @Option(names = "--now", paramLabel = "EPOCH_SECONDS",
            description = "The clock, in seconds since 1970, for the SPF %%{t} macro (default: now).")
    Long now;

    private final CliStreams streams;

    SpfCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        InetAddress client = IpArgument.parse("--ip", ip);
        String sender = MailFromArgument.normalize(mailFrom);
        String heloName = helo == null ? "" : helo.strip();
        if (sender.isEmpty() && heloName.isEmpty()) {
            throw new UsageException("--helo is required with the null sender (SPF checks postmaster@HELO)");
        }
        SpfOptions options = SpfOptions.defaults().withReceiver(HostName.local()).withClock(ClockOption.clock(now));
        DnsResolver resolver = dns.resolver();
        SpfChecker checker = new SpfChecker(resolver, options);
        SpfResult verdict = Waiting.await(checker.checkMailFrom(client, sender, heloName),
                options.timeout().plus(dns.timeout()).plusSeconds(10));
        JsonOutput.write(ResultJson.spfCommand(verdict), streams.out());
        return ExitCodes.OK;
    }
}
