package dev.authpack.it;

import java.time.Duration;

/**
 * How long and how hard the soak runs ({@link SoakIT}), from system properties (docs/soak.md):
 * {@code soak.minutes} (decimal; the long run) or {@code soak.seconds} (default {@value #DEFAULT_SECONDS}, the CI
 * run), {@code soak.connections} (concurrent SMTP clients; default {@value #DEFAULT_CONNECTIONS}, or
 * {@value #DEFAULT_LONG_CONNECTIONS} with {@code soak.minutes}), {@code soak.maxMessages}, {@code soak.dnsTimeoutMillis}
 * (MailAuthCheck's {@code dnsTimeout}), {@code soak.seed}.
 *
 * @param maxInFlight accepted messages not yet found in a repository before the clients wait
 */
record SoakSettings(Duration duration, int connections, long maxMessages, Duration dnsTimeout, int maxInFlight,
                    long seed) {
    static final long DEFAULT_SECONDS = 25;
    static final int DEFAULT_CONNECTIONS = 4;
    static final int DEFAULT_LONG_CONNECTIONS = 8;
    static final long DEFAULT_MAX_MESSAGES = 200_000;
    static final long DEFAULT_DNS_TIMEOUT_MILLIS = 3_000;
    /** Longest run accepted (a typo must not hold a machine for days). */
    static final Duration MAX_DURATION = Duration.ofHours(2);
    /** In-flight messages per spool thread (the sample configuration has 4). */
    static final int IN_FLIGHT_PER_SPOOL_THREAD = 8;
    static final int SPOOL_THREADS = 4;
    /** How long, after the traffic, every accepted message has to reach a repository and the spool to idle. */
    static final Duration DRAIN_BOUND = Duration.ofSeconds(60);
    /** Time the clients get beyond the run to finish their last transaction (SMTP read timeout is 30 s). */
    static final Duration CLIENT_GRACE = Duration.ofSeconds(45);
    static final long DRAIN_INTERVAL_MILLIS = 250;
    static final long SAMPLE_INTERVAL_MILLIS = 1_000;
    /** A thread is stuck when it is in the pack's code in this many dumps in a row, taken this far apart. */
    static final int STUCK_DUMPS = 3;
    static final long STUCK_INTERVAL_MILLIS = 500;
    /** Share of exact results required where DNS answered (late or over TCP); the rest may be temperror. */
    static final double MIN_EXACT_SHARE = 0.9;

    SoakSettings {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("soak duration must be above 0 and at most " + MAX_DURATION);
        }
        if (connections < 1 || maxMessages < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("connections, maxMessages and maxInFlight must be positive");
        }
    }

    static SoakSettings fromSystemProperties() {
        String minutes = System.getProperty("soak.minutes", "").trim();
        Duration duration = minutes.isEmpty()
                ? Duration.ofSeconds(Long.getLong("soak.seconds", DEFAULT_SECONDS))
                : Duration.ofMillis(Math.round(Double.parseDouble(minutes) * 60_000));
        int connections = Integer.getInteger("soak.connections",
                minutes.isEmpty() ? DEFAULT_CONNECTIONS : DEFAULT_LONG_CONNECTIONS);
        return new SoakSettings(duration, connections, Long.getLong("soak.maxMessages", DEFAULT_MAX_MESSAGES),
                Duration.ofMillis(Long.getLong("soak.dnsTimeoutMillis", DEFAULT_DNS_TIMEOUT_MILLIS)),
                IN_FLIGHT_PER_SPOOL_THREAD * SPOOL_THREADS, Long.getLong("soak.seed", System.nanoTime()));
    }
}
