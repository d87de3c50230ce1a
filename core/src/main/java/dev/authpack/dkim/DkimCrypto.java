package dev.authpack.dkim;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * The signature operations: RSASSA-PKCS1-v1_5 through the JDK, Ed25519 through Bouncy Castle's lightweight API
 * (several times faster than the JDK's on JDK 17). ed25519-sha256 signs the SHA-256 of the header data, not the
 * data itself (RFC 8463 §3).
 */
public final class DkimCrypto {
    private static final ThreadLocal<Signature> RSA_SHA256 = ThreadLocal.withInitial(() -> signature("SHA256withRSA"));
    private static final ThreadLocal<Signature> RSA_SHA1 = ThreadLocal.withInitial(() -> signature("SHA1withRSA"));
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

    public static boolean verifyEd25519(Ed25519PublicKeyParameters key, byte[] data, int length, byte[] signature) {
        if (signature.length != ED25519_SIGNATURE_OCTETS) {
            return false;
        }
        byte[] hash = sha256(data, length);
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(hash, 0, hash.length);
        return verifier.verifySignature(signature);
    }

    static byte[] signRsa(PrivateKey key, byte[] data, int length) throws GeneralSecurityException {
        Signature signer = RSA_SHA256.get();
        signer.initSign(key);
        signer.update(data, 0, length);
        return signer.sign();
    }

    static byte[] signEd25519(Ed25519PrivateKeyParameters key, byte[] data, int length) {
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
