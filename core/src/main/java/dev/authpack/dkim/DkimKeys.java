package dev.authpack.dkim;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * Reads signing keys: PEM {@code PRIVATE KEY} (PKCS#8, RSA or Ed25519), PEM {@code RSA PRIVATE KEY} (PKCS#1), or a
 * bare base64 Ed25519 seed of 32 octets (as in RFC 8463 A.1). Encrypted keys are refused with advice. RSA keys
 * must have at least {@value #MIN_RSA_BITS} bits (RFC 8301 §3.2).
 */
public final class DkimKeys {
    /** RFC 8301 §3.2: signers must use RSA keys of at least 1024 bits (2048 recommended). */
    public static final int MIN_RSA_BITS = 1024;
    private static final int MAX_KEY_TEXT = 64 * 1024;
    private static final String RSA_OID = "1.2.840.113549.1.1.1";
    private static final String ED25519_OID = "1.3.101.112";
    private static final int ED25519_SEED_OCTETS = 32;

    private DkimKeys() {
    }

    /** Reads a key file. */
    public static DkimSigningKey load(Path file) throws DkimKeyException {
        String text;
        try {
            if (Files.size(file) > MAX_KEY_TEXT) {
                throw new DkimKeyException(file + ": too large for a key file");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new DkimKeyException(file + ": cannot read the key file: " + e, e);
        }
        try {
            return parse(text);
        } catch (DkimKeyException e) {
            throw new DkimKeyException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a key from its text (PEM or base64 Ed25519 seed). */
    public static DkimSigningKey parse(String text) throws DkimKeyException {
        String trimmed = text.strip();
        if (!trimmed.contains("-----BEGIN ")) {
            return ed25519Seed(trimmed);
        }
        int begin = trimmed.indexOf("-----BEGIN ");
        int labelEnd = trimmed.indexOf("-----", begin + 11);
        if (labelEnd < 0) {
            throw new DkimKeyException("malformed PEM: no end of the BEGIN line");
        }
        String label = trimmed.substring(begin + 11, labelEnd);
        String endLine = "-----END " + label + "-----";
        int end = trimmed.indexOf(endLine, labelEnd);
        if (end < 0) {
            throw new DkimKeyException("malformed PEM: no " + endLine + " line");
        }
        String body = trimmed.substring(labelEnd + 5, end);
        if (body.contains("Proc-Type:") || body.contains("DEK-Info:") || label.equals("ENCRYPTED PRIVATE KEY")) {
            throw new DkimKeyException("the key is encrypted; store it unencrypted (e.g. openssl pkey -in KEY"
                    + " -out PLAIN) and protect the file instead");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new DkimKeyException("malformed PEM: the body is not base64");
        }
        switch (label) {
            case "PRIVATE KEY":
                return pkcs8(der);
            case "RSA PRIVATE KEY":
                return pkcs1(der);
            default:
                throw new DkimKeyException("unsupported PEM type \"" + label + "\": expected PRIVATE KEY (PKCS#8)"
                        + " or RSA PRIVATE KEY (PKCS#1)");
        }
    }

    /** An Ed25519 key from its 32-octet seed (the RFC 8032 private key). */
    public static DkimSigningKey ed25519(byte[] seed) throws DkimKeyException {
        if (seed.length != ED25519_SEED_OCTETS) {
            throw new DkimKeyException("an Ed25519 private key has " + ED25519_SEED_OCTETS + " octets, not "
                    + seed.length);
        }
        return DkimSigningKey.ed25519(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** An RSA key; it must be a CRT key (as every PKCS#8/PKCS#1 key is), so that its public key is known. */
    public static DkimSigningKey rsa(PrivateKey key) throws DkimKeyException {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new DkimKeyException("not an RSA private key with its public exponent (" + key.getAlgorithm()
                    + ")");
        }
        int bits = crt.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw new DkimKeyException("the RSA key has " + bits + " bits; RFC 8301 requires at least "
                    + MIN_RSA_BITS + " (use 2048)");
        }
        RSAPublicKey publicKey;
        try {
            publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new DkimKeyException("unusable RSA key: " + e.getMessage(), e);
        }
        // what verifiers (ours by default) refuse: a too large modulus or public exponent
        String refused = KeyLookup.rsaKeyProblem(publicKey, MIN_RSA_BITS, DkimVerifyOptions.DEFAULT_MAX_RSA_KEY_BITS);
        if (refused != null) {
            throw new DkimKeyException("unusable RSA key: " + refused);
        }
        return DkimSigningKey.rsa(key, publicKey.getEncoded(), bits);
    }

    private static DkimSigningKey ed25519Seed(String base64) throws DkimKeyException {
        byte[] seed;
        try {
            seed = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new DkimKeyException("neither a PEM key nor a base64 Ed25519 seed");
        }
        if (seed.length != ED25519_SEED_OCTETS) {
            throw new DkimKeyException("neither a PEM key nor a base64 Ed25519 seed (" + seed.length
                    + " octets, a seed has " + ED25519_SEED_OCTETS + ")");
        }
        return ed25519(seed);
    }

    private static DkimSigningKey pkcs8(byte[] der) throws DkimKeyException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new DkimKeyException("malformed PKCS#8 key: " + e.getMessage(), e);
        }
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        if (RSA_OID.equals(oid)) {
            try {
                return rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
            } catch (GeneralSecurityException e) {
                throw new DkimKeyException("malformed RSA PKCS#8 key: " + e.getMessage(), e);
            }
        }
        if (ED25519_OID.equals(oid)) {
            try {
                return ed25519(ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets());
            } catch (IOException | RuntimeException e) {
                throw new DkimKeyException("malformed Ed25519 PKCS#8 key: " + e.getMessage(), e);
            }
        }
        throw new DkimKeyException("unsupported key algorithm " + oid + " (DKIM signs with RSA or Ed25519)");
    }

    private static DkimSigningKey pkcs1(byte[] der) throws DkimKeyException {
        RSAPrivateKey k;
        try {
            k = RSAPrivateKey.getInstance(der);
        } catch (RuntimeException e) {
            throw new DkimKeyException("malformed PKCS#1 RSA key: " + e.getMessage(), e);
        }
        try {
            return rsa(KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(),
                    k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(),
                    k.getExponent2(), k.getCoefficient())));
        } catch (GeneralSecurityException e) {
            throw new DkimKeyException("unusable PKCS#1 RSA key: " + e.getMessage(), e);
        }
    }
}
