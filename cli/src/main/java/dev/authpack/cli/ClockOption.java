package dev.authpack.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * {@code --now EPOCH_SECONDS} (CLI.md "Common"): a fixed clock for reproducible output. Each command declares the
 * option itself, with the help text saying what its clock is for (check: DKIM/ARC t= and x=, SPF %{t}; spf: %{t};
 * fix: a new Date; dkim-sign and arc-seal: t= of what they write).
 */
final class ClockOption {
    private ClockOption() {
    }

    /** The system clock without {@code --now}, else that fixed instant. */
    static Clock clock(Long epochSeconds) {
        if (epochSeconds == null) {
            return Clock.systemUTC();
        }
        if (epochSeconds < 0 || epochSeconds > 253_402_300_799L) { // up to 9999-12-31T23:59:59Z
            throw new UsageException("--now must be between 0 and 253402300799: " + epochSeconds);
        }
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }
}
