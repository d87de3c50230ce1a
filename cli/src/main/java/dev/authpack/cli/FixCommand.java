package dev.authpack.cli;

import dev.authpack.conformance.ConformanceConfig;
import dev.authpack.conformance.ConformanceOutcome;
import dev.authpack.conformance.ConformancePolicy;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code authpack fix MESSAGE --checks A|B --fixes C|D}: the {@code FixConformance} mailet on a file (CLI.md). The
 * message, rewritten or not, goes to standard output; a check failure exits 1 with KumoMTA's wording on standard
 * error.
 */
@Command(name = "fix", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Checks and repairs RFC 5322 / MIME conformance, as KumoMTA's check_fix_conformance: issues"
                + " in --checks reject, issues in --fixes are repaired (a label in both is repaired).",
                "Labels: LINE_TOO_LONG, MISSING_COLON_VALUE, MISSING_DATE_HEADER, MISSING_MESSAGE_ID_HEADER,"
                        + " MISSING_MIME_VERSION, NAME_ENDS_WITH_SPACE, NEEDS_TRANSFER_ENCODING,"
                        + " NON_CANONICAL_LINE_ENDINGS.",
                "Prints the message (repaired, or unchanged when there is nothing to fix)."},
        footer = {"", "Exit status: 0 the message was printed; 1 a check failed (\"Message has conformance issues:"
                + " LABEL, LABEL\" on standard error, nothing on standard output); 2 usage error or unreadable"
                + " input."})
final class FixCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "RFC 5322 message file, or - for standard input.")
    String message;

    @Option(names = "--checks", paramLabel = "LABEL|LABEL", description = "Issues that reject (default: none).")
    String checks;

    @Option(names = "--fixes", paramLabel = "LABEL|LABEL", description = "Issues that are repaired (default: none).")
    String fixes;

    @Option(names = "--detect-encoding",
            description = "Detect the charset of 8-bit text that has no usable one (default: lossy UTF-8).")
    boolean detectEncoding;

    @Option(names = "--include-encodings", paramLabel = "LIST",
            description = "Encodings detection chooses among (KumoMTA's labels, e.g. windows-1251,koi8-r; default: all 36).")
    String includeEncodings;

    @Option(names = "--exclude-encodings", paramLabel = "LIST", description = "Encodings detection leaves out.")
    String excludeEncodings;

    @Option(names = "--server-id", paramLabel = "HOST",
            description = "Right-hand side of a new Message-ID (default: this host's name).")
    String serverId;

    @Option(names = "--now", paramLabel = "EPOCH_SECONDS",
            description = "The time of a Date field added (MISSING_DATE_HEADER), in seconds since 1970 (default: now).")
    Long now;

    private final CliStreams streams;

    FixCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        ConformancePolicy policy;
        try {
            policy = ConformanceConfig.policy(checks, fixes, detectEncoding, includeEncodings, excludeEncodings,
                    serverId == null ? HostName.local() : serverId, ClockOption.clock(now));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        byte[] input = MessageInput.read(message, streams.in());
        ConformanceOutcome outcome = policy.apply(input);
        if (outcome instanceof ConformanceOutcome.Rejected rejected) {
            streams.err().println(rejected.reason());
            streams.err().flush();
            return ExitCodes.CHECK_FAILED;
        }
        byte[] out = outcome instanceof ConformanceOutcome.Repaired repaired ? repaired.message() : input;
        streams.out().write(out, 0, out.length);
        streams.out().flush();
        return ExitCodes.OK;
    }
}
