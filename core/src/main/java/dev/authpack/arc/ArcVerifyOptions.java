package dev.authpack.arc;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link ArcVerifier}. Immutable; start from {@link #defaults()} and use the {@code with...} methods.
 *
 * @param maxSets           the most ARC Sets a chain may have; more make it {@code fail} without any DNS lookup or
 *                          signature check; default and upper bound {@value #MAX_SETS} (RFC 8617 §4.2.1, §5.2 step 1)
 * @param minRsaKeyBits     smaller RSA keys do not validate; default {@value #DEFAULT_MIN_RSA_KEY_BITS} (RFC 8301
 *                          §3.2, as for DKIM)
 * @param maxRsaKeyBits     larger RSA keys do not validate (bounds the CPU a chain costs); default
 *                          {@value #DEFAULT_MAX_RSA_KEY_BITS}
 * @param allowEd25519      accept {@code a=ed25519-sha256} on ARC-Seal and ARC-Message-Signature fields; default
 *                          false: RFC 8617 defines ARC with {@code rsa-sha256} only (Ed25519 for ARC is the unfinished
 *                          ARC-MULTI draft), and a chain with another algorithm fails
 * @param computeOldestPass validate the older ARC-Message-Signatures of a passing chain to give
 *                          {@code header.oldest-pass} (RFC 8617 §5.2 step 5, optional); default true. Off saves their
 *                          key lookups and signature checks.
 * @param clockSkew         tolerance for an ARC-Message-Signature's {@code x=} (expired this long after x=); default
 *                          300 seconds. {@code t=} in the future is not held against a signature.
 * @param keyLookupTimeout  a key lookup not answered in this time counts as failed; default 20 seconds
 * @param clock             the time for {@code x=}
 */
public record ArcVerifyOptions(int maxSets, int minRsaKeyBits, int maxRsaKeyBits, boolean allowEd25519,
                               boolean computeOldestPass, Duration clockSkew, Duration keyLookupTimeout,
                               Clock clock) {
    /** RFC 8617 §4.2.1: instance values range from 1 to 50. */
    public static final int MAX_SETS = 50;
    public static final int DEFAULT_MIN_RSA_KEY_BITS = 1024;
    public static final int DEFAULT_MAX_RSA_KEY_BITS = 8192;
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(300);
    public static final Duration DEFAULT_KEY_LOOKUP_TIMEOUT = Duration.ofSeconds(20);

    public ArcVerifyOptions {
        if (maxSets < 1 || maxSets > MAX_SETS) {
            throw new IllegalArgumentException("maxSets must be between 1 and " + MAX_SETS);
        }
        if (minRsaKeyBits < 512 || maxRsaKeyBits < minRsaKeyBits || maxRsaKeyBits > 16384) {
            throw new IllegalArgumentException("RSA key sizes must satisfy 512 <= min <= max <= 16384");
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(keyLookupTimeout, "keyLookupTimeout");
        Objects.requireNonNull(clock, "clock");
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative");
        }
        if (keyLookupTimeout.isNegative() || keyLookupTimeout.isZero()) {
            throw new IllegalArgumentException("keyLookupTimeout must be positive");
        }
    }

    /** The safe defaults described above. */
    public static ArcVerifyOptions defaults() {
        return new ArcVerifyOptions(MAX_SETS, DEFAULT_MIN_RSA_KEY_BITS, DEFAULT_MAX_RSA_KEY_BITS, false, true,
                DEFAULT_CLOCK_SKEW, DEFAULT_KEY_LOOKUP_TIMEOUT, Clock.systemUTC());
    }

    public ArcVerifyOptions withMaxSets(int max) {
        return new ArcVerifyOptions(max, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass, clockSkew,
                keyLookupTimeout, clock);
    }

    public ArcVerifyOptions withRsaKeyBits(int min, int max) {
        return new ArcVerifyOptions(maxSets, min, max, allowEd25519, computeOldestPass, clockSkew, keyLookupTimeout,
                clock);
    }

    public ArcVerifyOptions withAllowEd25519(boolean allow) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allow, computeOldestPass, clockSkew,
                keyLookupTimeout, clock);
    }

    public ArcVerifyOptions withComputeOldestPass(boolean compute) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, compute, clockSkew,
                keyLookupTimeout, clock);
    }

    public ArcVerifyOptions withClockSkew(Duration skew) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass, skew,
                keyLookupTimeout, clock);
    }

    public ArcVerifyOptions withKeyLookupTimeout(Duration timeout) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass,
                clockSkew, timeout, clock);
    }

    public ArcVerifyOptions withClock(Clock time) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass,
                clockSkew, keyLookupTimeout, time);
    }
}
