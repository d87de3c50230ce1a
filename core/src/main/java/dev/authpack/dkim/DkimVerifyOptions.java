package dev.authpack.dkim;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link DkimVerifier}. Immutable; start from {@link #defaults()} and use the {@code with...} methods.
 * The defaults are the safe ones; each can be relaxed.
 *
 * @param maxSignatures            signatures verified per message (DNS lookup and cryptography); default
 *                                 {@value #DEFAULT_MAX_SIGNATURES}. Only signatures that get that far count:
 *                                 unreadable ones are reported without cost. Further signatures are reported as
 *                                 {@code policy} ("not verified: more than N signatures").
 * @param allowSha1                count {@code rsa-sha1} signatures that verify as {@code pass}; default false:
 *                                 RFC 8301 §3.1 says verifiers must not consider them valid, so they get
 *                                 {@code policy} (without a DNS lookup)
 * @param minRsaKeyBits            smaller RSA keys give {@code policy}; default {@value #DEFAULT_MIN_RSA_KEY_BITS}
 *                                 (RFC 8301 §3.2: keys under 1024 bits must not be considered valid)
 * @param maxRsaKeyBits            larger RSA keys give {@code policy}; default {@value #DEFAULT_MAX_RSA_KEY_BITS}
 *                                 (RFC 8301 requires up to 4096; bounding the size bounds the CPU a message costs)
 * @param allowUnsignedBodyContent let a signature pass whose {@code l=} leaves part of the body unsigned (RFC 6376
 *                                 §8.2: content can be appended); default false: such a signature that verifies
 *                                 gets {@code policy}
 * @param clockSkew                tolerance for {@code x=} (expired only this long after x=, then
 *                                 {@code permerror}) and {@code t=} (more than this in the future gives
 *                                 {@code policy}, RFC 6376 §3.5 lets verifiers ignore such signatures); default
 *                                 300 seconds
 * @param keyLookupTimeout         a key lookup not answered within this time counts as a DNS timeout
 *                                 ({@code temperror}); default 20 seconds (the resolver's own timeouts normally end
 *                                 it sooner)
 * @param clock                    the verifier's "now"
 */
public record DkimVerifyOptions(int maxSignatures, boolean allowSha1, int minRsaKeyBits, int maxRsaKeyBits,
                                boolean allowUnsignedBodyContent, Duration clockSkew, Duration keyLookupTimeout,
                                Clock clock) {
    public static final int DEFAULT_MAX_SIGNATURES = 10;
    public static final int DEFAULT_MIN_RSA_KEY_BITS = 1024;
    public static final int DEFAULT_MAX_RSA_KEY_BITS = 8192;
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(300);
    public static final Duration DEFAULT_KEY_LOOKUP_TIMEOUT = Duration.ofSeconds(20);
    /** Bounds {@link #maxSignatures}: each verified signature costs a DNS lookup and a public-key operation. */
    public static final int MAX_SIGNATURES_CEILING = 100;

    public DkimVerifyOptions {
        if (maxSignatures < 1 || maxSignatures > MAX_SIGNATURES_CEILING) {
            throw new IllegalArgumentException("maxSignatures must be between 1 and " + MAX_SIGNATURES_CEILING);
        }
        if (minRsaKeyBits < 512 || maxRsaKeyBits < minRsaKeyBits || maxRsaKeyBits > 16384) {
            throw new IllegalArgumentException("RSA key bounds must satisfy 512 <= min <= max <= 16384");
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative");
        }
        Objects.requireNonNull(keyLookupTimeout, "keyLookupTimeout");
        if (keyLookupTimeout.isNegative() || keyLookupTimeout.isZero()) {
            throw new IllegalArgumentException("keyLookupTimeout must be positive");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** The safe defaults described on each component. */
    public static DkimVerifyOptions defaults() {
        return new DkimVerifyOptions(DEFAULT_MAX_SIGNATURES, false, DEFAULT_MIN_RSA_KEY_BITS,
                DEFAULT_MAX_RSA_KEY_BITS, false, DEFAULT_CLOCK_SKEW, DEFAULT_KEY_LOOKUP_TIMEOUT, Clock.systemUTC());
    }

    public DkimVerifyOptions withMaxSignatures(int max) {
        return new DkimVerifyOptions(max, allowSha1, minRsaKeyBits, maxRsaKeyBits, allowUnsignedBodyContent,
                clockSkew, keyLookupTimeout, clock);
    }

    public DkimVerifyOptions withAllowSha1(boolean allow) {
        return new DkimVerifyOptions(maxSignatures, allow, minRsaKeyBits, maxRsaKeyBits, allowUnsignedBodyContent,
                clockSkew, keyLookupTimeout, clock);
    }

    public DkimVerifyOptions withRsaKeyBits(int min, int max) {
        return new DkimVerifyOptions(maxSignatures, allowSha1, min, max, allowUnsignedBodyContent, clockSkew,
                keyLookupTimeout, clock);
    }

    public DkimVerifyOptions withAllowUnsignedBodyContent(boolean allow) {
        return new DkimVerifyOptions(maxSignatures, allowSha1, minRsaKeyBits, maxRsaKeyBits, allow, clockSkew,
                keyLookupTimeout, clock);
    }

    public DkimVerifyOptions withClockSkew(Duration skew) {
        return new DkimVerifyOptions(maxSignatures, allowSha1, minRsaKeyBits, maxRsaKeyBits,
                allowUnsignedBodyContent, skew, keyLookupTimeout, clock);
    }

    public DkimVerifyOptions withKeyLookupTimeout(Duration timeout) {
        return new DkimVerifyOptions(maxSignatures, allowSha1, minRsaKeyBits, maxRsaKeyBits,
                allowUnsignedBodyContent, clockSkew, timeout, clock);
    }

    public DkimVerifyOptions withClock(Clock time) {
        return new DkimVerifyOptions(maxSignatures, allowSha1, minRsaKeyBits, maxRsaKeyBits,
                allowUnsignedBodyContent, clockSkew, keyLookupTimeout, time);
    }
}
