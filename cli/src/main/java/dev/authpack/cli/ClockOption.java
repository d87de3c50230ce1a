package dev.authpack.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import picocli.CommandLine.Option;

/** {@code --now EPOCH_SECONDS} (CLI.md "Common"): a fixed clock for reproducible output. */
final class ClockOption {
    @Option(names = "--now", paramLabel = "EPOCH_SECONDS",
            description = {"The clock to use, in seconds since 1970 (for the SPF %%{t} macro; default: now)."})
    Long epochSeconds;

    Clock clock() {
        if (epochSeconds == null) {
            return Clock.systemUTC();
        }
        if (epochSeconds < 0 || epochSeconds > 253_402_300_799L) { // up to 9999-12-31T23:59:59Z
            throw new UsageException("--now must be between 0 and 253402300799: " + epochSeconds);
        }
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }
}
