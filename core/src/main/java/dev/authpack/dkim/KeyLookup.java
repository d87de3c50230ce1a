package dev.authpack.dkim;

import dev.authpack.dns.Deadlines;
import dev.authpack.dkim.internal.DkimCrypto;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The key record lookup shared by the DKIM and ARC verifiers (RFC 6376 §3.6.2, §6.1.2): the TXT query with its own
 * timeout, the answer once it is there, and the key records worth trying. What a failure means (temperror for
 * DKIM, fail for ARC) stays with each verifier.
 */
public final class KeyLookup {
    /** TXT records looked at per key name. */
    private static final int MAX_TXT_RECORDS = 16;

    private KeyLookup() {
    }

    /** Starts the TXT lookup of {@code name}; a resolver that throws or does not answer in time gives a failure. */
    public static CompletableFuture<DnsLookup<String>> start(DnsResolver dns, String name, Duration timeout) {
        CompletableFuture<DnsLookup<String>> future;
        try {
            future = dns.txt(name);
        } catch (RuntimeException e) {
            future = CompletableFuture.completedFuture(
                    DnsLookup.failed(name, DnsType.TXT, DnsOutcome.TEMP_FAILURE, e.toString()));
        }
        if (future.isDone()) {
            return future;
        }
        long millis = timeout.toMillis();
        // a copy: the resolver's own future may be shared (cache) and must not be completed by us
        return Deadlines.completeOnTimeout(future.copy(), DnsLookup.failed(name, DnsType.TXT, DnsOutcome.TIMEOUT,
                "no answer within " + millis + " ms"), timeout);
    }

    /** The answer of a finished lookup; a missing, unfinished or failed future gives a temporary failure. */
    public static DnsLookup<String> answer(String name, CompletableFuture<DnsLookup<String>> future) {
        DnsLookup<String> lookup = null;
        if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
            lookup = future.getNow(null);
        }
        return lookup != null ? lookup
                : DnsLookup.failed(name, DnsType.TXT, DnsOutcome.TEMP_FAILURE, "the lookup failed");
    }

    /**
     * The key records to try, in DNS order: those that parse, at most {@code maxUsable} of the first 16 TXT records;
     * {@code firstUnparsable}, the first that does not (or null), reports a syntax error when none parses.
     */
    public record Candidates(List<KeyRecord> usable, KeyRecord firstUnparsable) {
    }

    public static Candidates candidates(List<String> texts, KeyRecordCache cache, int maxUsable) {
        List<KeyRecord> usable = new ArrayList<>(1);
        KeyRecord firstUnparsable = null;
        for (int i = 0; i < texts.size() && i < MAX_TXT_RECORDS && usable.size() < maxUsable; i++) {
            KeyRecord record = cache.get(texts.get(i));
            if (record.syntaxOk()) {
                usable.add(record);
            } else if (firstUnparsable == null) {
                firstUnparsable = record;
            }
        }
        return new Candidates(usable, firstUnparsable);
    }

    /**
     * The largest RSA public exponent accepted, in bits: odd exponents from 3 to 2^32-1. Real keys use 65537 (or 3);
     * the cost of a verification grows with the exponent's length, and a key with a 3,067-bit exponent costs some
     * 27 normal verifications.
     */
    public static final int MAX_RSA_EXPONENT_BITS = 32;

    /**
     * Why an RSA key is not used, or null: the RFC 8301 §3.2 floor and a local ceiling on the modulus size, and an
     * odd public exponent of 3 to {@value #MAX_RSA_EXPONENT_BITS} bits. Verifiers report these as local policy; the
     * signer refuses to load such a key.
     */
    public static String rsaKeyProblem(RSAPublicKey key, int minBits, int maxBits) {
        int bits = key.getModulus().bitLength();
        if (bits < minBits) {
            return "RSA key of " + bits + " bits is below the minimum of " + minBits + " (RFC 8301 section 3.2)";
        }
        if (bits > maxBits) {
            return "RSA key of " + bits + " bits is above the maximum of " + maxBits;
        }
        BigInteger exponent = key.getPublicExponent();
        if (exponent.bitLength() > MAX_RSA_EXPONENT_BITS) {
            return "RSA public exponent of " + exponent.bitLength() + " bits is above the maximum of "
                    + MAX_RSA_EXPONENT_BITS + " bits";
        }
        if (!exponent.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0) {
            return "RSA public exponent " + exponent + " is not an odd number of at least 3";
        }
        return null;
    }

    /** The signature check with the record's key (RSA or Ed25519, as the algorithm says). */
    public static boolean verify(DkimAlgorithm algorithm, KeyRecord record, ByteBuilder data, byte[] signature) {
        return algorithm.keyType() == DkimAlgorithm.KeyType.RSA
                ? DkimCrypto.verifyRsa(algorithm, record.rsaKey(), data.array(), data.length(), signature)
                : DkimCrypto.verifyEd25519(record.ed25519Key(), data.array(), data.length(), signature);
    }

    /** {@link #verify} for data hashed by the caller with SHA-256 ({@code rsa-sha256}, {@code ed25519-sha256}). */
    public static boolean verifySha256(DkimAlgorithm algorithm, KeyRecord record, byte[] sha256, byte[] signature) {
        if (!algorithm.digestName().equals("SHA-256")) {
            throw new IllegalArgumentException(algorithm.tag() + " does not hash with SHA-256");
        }
        return algorithm.keyType() == DkimAlgorithm.KeyType.RSA
                ? DkimCrypto.verifyRsaSha256Digest(record.rsaKey(), sha256, signature)
                : DkimCrypto.verifyEd25519Sha256Digest(record.ed25519Key(), sha256, signature);
    }
}
