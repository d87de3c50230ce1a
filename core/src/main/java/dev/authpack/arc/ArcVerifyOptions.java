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
 * @param keyLookupTimeout  the time budget of all key lookups of one validation (they run one after another, in
 *                          validation order): a lookup not answered before the budget is spent counts as a DNS
 *                          timeout, so its signature fails; default 20 seconds
 * @param clock             the time for {@code x=} and for the key lookup budget
 * @param maxKeyLookups     the most distinct key names one validation looks up; a signature whose key would be one
 *                          more fails ("not validated"); default {@value #DEFAULT_MAX_KEY_LOOKUPS}, at most
 *                          {@value #MAX_KEY_LOOKUPS_CEILING} (a chain of 50 sets by 50 sealers needs 50, and each
 *                          older ARC-Message-Signature may name a key of its own)
 */
public record ArcVerifyOptions(int maxSets, int minRsaKeyBits, int maxRsaKeyBits, boolean allowEd25519,
                               boolean computeOldestPass, Duration clockSkew, Duration keyLookupTimeout,
                               Clock clock, int maxKeyLookups) {
    /** RFC 8617 §4.2.1: instance values range from 1 to 50. */
    public static final int MAX_SETS = 50;
    public static final int DEFAULT_MIN_RSA_KEY_BITS = 1024;
    public static final int DEFAULT_MAX_RSA_KEY_BITS = 8192;
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(300);
    public static final Duration DEFAULT_KEY_LOOKUP_TIMEOUT = Duration.ofSeconds(20);
    /** Real chains have a few sealers (an AMS and the seal of one set share a key); attackers may have 50. */
    public static final int DEFAULT_MAX_KEY_LOOKUPS = 10;
    /** Every signature of a 50-set chain with a key name of its own. */
    public static final int MAX_KEY_LOOKUPS_CEILING = 2 * MAX_SETS;

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
        if (maxKeyLookups < 1 || maxKeyLookups > MAX_KEY_LOOKUPS_CEILING) {
            throw new IllegalArgumentException("maxKeyLookups must be between 1 and " + MAX_KEY_LOOKUPS_CEILING);
        }
    }

    /** The settings of earlier releases: {@link #DEFAULT_MAX_KEY_LOOKUPS}. */
    public ArcVerifyOptions(int maxSets, int minRsaKeyBits, int maxRsaKeyBits, boolean allowEd25519,
                            boolean computeOldestPass, Duration clockSkew, Duration keyLookupTimeout, Clock clock) {
        this(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass, clockSkew, keyLookupTimeout,
                clock, DEFAULT_MAX_KEY_LOOKUPS);
    }

    /** The safe defaults described above. */
    public static ArcVerifyOptions defaults() {
        return new ArcVerifyOptions(MAX_SETS, DEFAULT_MIN_RSA_KEY_BITS, DEFAULT_MAX_RSA_KEY_BITS, false, true,
                DEFAULT_CLOCK_SKEW, DEFAULT_KEY_LOOKUP_TIMEOUT, Clock.systemUTC(), DEFAULT_MAX_KEY_LOOKUPS);
    }

    public ArcVerifyOptions withMaxSets(int max) {
        return new ArcVerifyOptions(max, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass, clockSkew,
                keyLookupTimeout, clock, maxKeyLookups);
    }

    public ArcVerifyOptions withRsaKeyBits(int min, int max) {
        return new ArcVerifyOptions(maxSets, min, max, allowEd25519, computeOldestPass, clockSkew, keyLookupTimeout,
                clock, maxKeyLookups);
    }

    public ArcVerifyOptions withAllowEd25519(boolean allow) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allow, computeOldestPass, clockSkew,
                keyLookupTimeout, clock, maxKeyLookups);
    }

    public ArcVerifyOptions withComputeOldestPass(boolean compute) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, compute, clockSkew,
                keyLookupTimeout, clock, maxKeyLookups);
    }

    public ArcVerifyOptions withClockSkew(Duration skew) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass, skew,
                keyLookupTimeout, clock, maxKeyLookups);
    }

    public ArcVerifyOptions withKeyLookupTimeout(Duration timeout) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass,
                clockSkew, timeout, clock, maxKeyLookups);
    }

    public ArcVerifyOptions withClock(Clock time) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass,
                clockSkew, keyLookupTimeout, time, maxKeyLookups);
    }

    public ArcVerifyOptions withMaxKeyLookups(int max) {
        return new ArcVerifyOptions(maxSets, minRsaKeyBits, maxRsaKeyBits, allowEd25519, computeOldestPass,
                clockSkew, keyLookupTimeout, clock, max);
    }
}
