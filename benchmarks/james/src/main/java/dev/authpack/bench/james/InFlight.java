package dev.authpack.bench.james;

/**
 * The messages a round has in flight (accepted or being sent, not yet seen delivered), integrated over time, for
 * Little's law: the mean time a message spends in flight is the integral over the round divided by the messages it
 * delivered. A closed loop with a window of W messages cannot go faster than W divided by that time, so a server
 * that adds latency per message (a DNS round trip) loses rate at a given window even when its CPU has room.
 * Not thread-safe: one poller observes.
 */
final class InFlight {
    private final long start;
    private long last;
    private int current;
    private double integral; // message-nanoseconds

    InFlight(long startNanos) {
        this.start = startNanos;
        this.last = startNanos;
    }

    /**
     * A poll at {@code nanos}: {@code before} messages were in flight as it looked, {@code after} once it let the
     * delivered ones go. Between polls the count only grows (senders take a place; places are given back at polls
     * only), from the last poll's {@code after} to this one's {@code before}: the interval counts their mean.
     */
    void poll(long nanos, int before, int after) {
        if (nanos > last) {
            integral += (current + before) / 2.0 * (nanos - last);
            last = nanos;
        }
        current = after;
    }

    /** The mean number in flight from the start to the last observation. */
    double mean() {
        return last > start ? integral / (last - start) : 0;
    }

    /** The mean time in flight of {@code messages} messages, in milliseconds (Little's law). */
    double millisEach(long messages) {
        return messages > 0 ? integral / messages / 1e6 : 0;
    }
}
