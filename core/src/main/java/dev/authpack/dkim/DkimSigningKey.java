package dev.authpack.dkim;

import dev.authpack.dkim.internal.DkimCrypto;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Objects;

/**
 * A private key to sign with: RSA (rsa-sha256) or Ed25519 (ed25519-sha256). Made by {@link DkimKeys}. Immutable
 * and thread-safe.
 */
public final class DkimSigningKey {
    private final DkimAlgorithm algorithm;
    private final PrivateKey rsaKey;
    private final Ed25519PrivateKeyParameters ed25519Key;
    private final byte[] publicKey;
    private final int bits;

    private DkimSigningKey(DkimAlgorithm algorithm, PrivateKey rsaKey, Ed25519PrivateKeyParameters ed25519Key,
                           byte[] publicKey, int bits) {
        this.algorithm = algorithm;
        this.rsaKey = rsaKey;
        this.ed25519Key = ed25519Key;
        this.publicKey = publicKey;
        this.bits = bits;
    }

    static DkimSigningKey rsa(PrivateKey key, byte[] subjectPublicKeyInfo, int bits) {
        return new DkimSigningKey(DkimAlgorithm.RSA_SHA256, Objects.requireNonNull(key), null,
                subjectPublicKeyInfo.clone(), bits);
    }

    static DkimSigningKey ed25519(Ed25519PrivateKeyParameters key) {
        return new DkimSigningKey(DkimAlgorithm.ED25519_SHA256, null, key, key.generatePublicKey().getEncoded(),
                256);
    }

    /** {@code rsa-sha256} or {@code ed25519-sha256}. */
    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** The RSA modulus size, or 256 for Ed25519. */
    public int bits() {
        return bits;
    }

    /** The {@code p=} value: base64 of the SubjectPublicKeyInfo (RSA) or of the raw 32-octet key (Ed25519). */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    /** The TXT record to publish at {@code selector._domainkey.domain}, e.g. {@code v=DKIM1; k=rsa; p=MIIB...}. */
    public String publicKeyRecord() {
        return "v=DKIM1; k=" + algorithm.keyType().tag() + "; p=" + publicKeyBase64();
    }

    public byte[] sign(byte[] data, int length) {
        if (algorithm == DkimAlgorithm.ED25519_SHA256) {
            return DkimCrypto.signEd25519(ed25519Key, data, length);
        }
        try {
            return DkimCrypto.signRsa(rsaKey, data, length);
        } catch (GeneralSecurityException e) {
            // the key was checked when loaded: this is not expected
            throw new IllegalStateException("RSA signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "DkimSigningKey[" + algorithm.tag() + ", " + bits + " bits]";
    }
}
