package dev.authpack.dkim.internal;

import dev.authpack.dkim.DkimAlgorithm;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;

/**
 * The signature operations: RSASSA-PKCS1-v1_5 through the JDK, Ed25519 through Bouncy Castle's lightweight API
 * (several times faster than the JDK's on JDK 17). ed25519-sha256 signs the SHA-256 of the header data, not the
 * data itself (RFC 8463 §3).
 */
public final class DkimCrypto {
    private static final ThreadLocal<Signature> RSA_SHA256 = ThreadLocal.withInitial(() -> signature("SHA256withRSA"));
    private static final ThreadLocal<Signature> RSA_SHA1 = ThreadLocal.withInitial(() -> signature("SHA1withRSA"));
    /** For data hashed by the caller: RSASSA-PKCS1-v1_5 over a DigestInfo the caller builds. */
    private static final ThreadLocal<Signature> RSA_RAW = ThreadLocal.withInitial(() -> signature("NONEwithRSA"));
    /** RFC 8017 §9.2 note 1: the DER encoding of a SHA-256 DigestInfo, before the 32 octets of the hash. */
    private static final byte[] SHA256_DIGEST_INFO = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48,
            0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    private static final int SHA256_OCTETS = 32;
    private static final int ED25519_SIGNATURE_OCTETS = 64;

    private DkimCrypto() {
    }

    private static Signature signature(String name) {
        try {
            return Signature.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + name, e);
        }
    }

    private static Signature rsa(DkimAlgorithm algorithm) {
        return algorithm == DkimAlgorithm.RSA_SHA1 ? RSA_SHA1.get() : RSA_SHA256.get();
    }

    public static boolean verifyRsa(DkimAlgorithm algorithm, PublicKey key, byte[] data, int length, byte[] signature) {
        Signature verifier = rsa(algorithm);
        try {
            verifier.initVerify(key);
            verifier.update(data, 0, length);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // wrong signature length and the like: the signature does not verify
            return false;
        }
    }

    /**
     * {@code rsa-sha256} for data the caller has hashed (the same check as {@link #verifyRsa}): ARC seals share the
     * hash of the sets they have in common, so a chain is hashed once, not once per seal.
     */
    public static boolean verifyRsaSha256Digest(PublicKey key, byte[] sha256, byte[] signature) {
        if (sha256.length != SHA256_OCTETS) {
            throw new IllegalArgumentException("a SHA-256 hash has " + SHA256_OCTETS + " octets");
        }
        byte[] digestInfo = Arrays.copyOf(SHA256_DIGEST_INFO, SHA256_DIGEST_INFO.length + SHA256_OCTETS);
        System.arraycopy(sha256, 0, digestInfo, SHA256_DIGEST_INFO.length, SHA256_OCTETS);
        Signature verifier = RSA_RAW.get();
        try {
            verifier.initVerify(key);
            verifier.update(digestInfo);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public static boolean verifyEd25519(Ed25519PublicKeyParameters key, byte[] data, int length, byte[] signature) {
        return verifyEd25519Sha256Digest(key, sha256(data, length), signature);
    }

    /** {@code ed25519-sha256} for data the caller has hashed: RFC 8463 §3 signs the SHA-256 of the data. */
    public static boolean verifyEd25519Sha256Digest(Ed25519PublicKeyParameters key, byte[] hash, byte[] signature) {
        if (signature.length != ED25519_SIGNATURE_OCTETS) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(hash, 0, hash.length);
        return verifier.verifySignature(signature);
    }

    public static byte[] signRsa(PrivateKey key, byte[] data, int length) throws GeneralSecurityException {
        Signature signer = RSA_SHA256.get();
        signer.initSign(key);
        signer.update(data, 0, length);
        return signer.sign();
    }

    public static byte[] signEd25519(Ed25519PrivateKeyParameters key, byte[] data, int length) {
        byte[] hash = sha256(data, length);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(hash, 0, hash.length);
        return signer.generateSignature();
    }

    private static byte[] sha256(byte[] data, int length) {
        MessageDigest digest = BodyHasher.digest("SHA-256");
        digest.update(data, 0, length);
        return digest.digest();
    }
}
