package dev.authpack.testkit.dns;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which fault {@link LoopbackDnsServer#faults} injects into each query for a name: one of {@link Fault} drawn at
 * random with these weights, per query (a retry over TCP after a truncated answer draws again). A {@link Fault#DELAY}
 * holds the normal answer back for a time drawn between {@code minDelay} and {@code maxDelay}.
 *
 * @param weights  relative weight of each fault (missing ones are 0); at least one positive
 * @param minDelay shortest delay, 0 to {@link #MAX_DELAY}
 * @param maxDelay longest delay, {@code minDelay} to {@link #MAX_DELAY}
 */
public record FaultMix(Map<Fault, Integer> weights, Duration minDelay, Duration maxDelay) {
    /** Longest delay a rule may ask for: a soak must never park an answer for minutes. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);

    /** What happens to one query. */
    public enum Fault {
        /** The normal answer, at once. */
        NONE,
        /** No answer at all (over UDP or TCP): the client times out. */
        DROP,
        /** RCODE SERVFAIL, no records. */
        SERVFAIL,
        /** Over UDP, the TC bit and no records, so the client asks again over TCP; over TCP, the normal answer. */
        TRUNCATE,
        /** The normal answer, sent later (other queries are not held back). */
        DELAY
    }

    public FaultMix {
        EnumMap<Fault, Integer> w = new EnumMap<>(Fault.class);
        for (Fault f : Fault.values()) {
            int weight = weights.getOrDefault(f, 0);
            if (weight < 0) {
                throw new IllegalArgumentException("negative weight for " + f + ": " + weight);
            }
            w.put(f, weight);
        }
        if (w.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
            throw new IllegalArgumentException("a fault mix needs a positive weight: " + weights);
        }
        checkDelay(minDelay);
        checkDelay(maxDelay);
        if (maxDelay.compareTo(minDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " below minDelay " + minDelay);
        }
        weights = java.util.Collections.unmodifiableMap(w);
    }

    /** Always this fault ({@link Fault#DELAY}: use {@link #delay}). */
    public static FaultMix only(Fault fault) {
        return new FaultMix(Map.of(fault, 1), Duration.ZERO, Duration.ZERO);
    }

    /** Every answer late by exactly {@code by}. */
    public static FaultMix delay(Duration by) {
        return new FaultMix(Map.of(Fault.DELAY, 1), by, by);
    }

    /** The fault for a draw {@code r} uniform in [0, 1). */
    Fault pick(double r) {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        double point = r * total;
        for (Fault f : Fault.values()) {
            point -= weights.get(f);
            if (point < 0) {
                return f;
            }
        }
        return Fault.NONE; // r * total rounded up to total: not reached with positive weights
    }

    /** The delay for a draw {@code r} uniform in [0, 1). */
    Duration delayFor(double r) {
        long span = maxDelay.toMillis() - minDelay.toMillis();
        return minDelay.plusMillis(Math.round(r * span));
    }

    private static void checkDelay(Duration d) {
        if (d == null || d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + MAX_DELAY + ": " + d);
        }
    }
}
