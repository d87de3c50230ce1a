package dev.authpack.cli;

import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.sign.KeyRecordText;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code authpack dkim-key}: the DNS record that publishes a signing key, as a zone file line. An addition to
 * CLI.md.
 */
@Command(name = "dkim-key", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        // the first line is the command's summary in `authpack --help`: a whole sentence
        description = {"Prints the DNS TXT record that publishes the public half of a DKIM signing key.",
                "One zone file line, split into strings of at most 255 characters (DNS clients join them):",
                "  SELECTOR._domainkey.DOMAIN. IN TXT \"v=DKIM1; k=rsa; p=...\""},
        footer = {"", "Exit status: 0 printed; 2 usage error, or a key that cannot be read."})
final class DkimKeyCommand implements Callable<Integer> {

    @Option(names = "--key", required = true, paramLabel = "PEM-FILE",
            description = "The private key, as for dkim-sign.")
    String key;

    @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "The selector (s=).")
    String selector;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The signing domain (d=).")
    String domain;

    private final CliStreams streams;

    DkimKeyCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        DkimSigningKey signingKey = KeyFileArgument.load(key);
        String line;
        try {
            line = KeyRecordText.zoneLine(selector.strip(), domain.strip(), signingKey);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        streams.out().print(line + "\n");
        streams.out().flush();
        return ExitCodes.OK;
    }
}
