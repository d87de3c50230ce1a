package dev.authpack.dmarc;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The random draw behind RFC 7489 {@code pct} sampling (§6.6.4): the policy is enacted when the draw is below
 * {@code pct}. Injectable so tests are deterministic.
 */
@FunctionalInterface
public interface PercentSampler {
    /** A value from 0 to 99 inclusive. */
    int nextPercent();

    /** Uniform, thread-safe. */
    PercentSampler RANDOM = () -> ThreadLocalRandom.current().nextInt(100);
}
