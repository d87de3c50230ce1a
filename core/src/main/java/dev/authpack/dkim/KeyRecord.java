package dev.authpack.dkim;


import dev.authpack.dkim.internal.TagSyntaxException;
import dev.authpack.dkim.internal.TagList;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;

import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A DKIM key record (RFC 6376 §3.6.1) as parsed from one TXT record, independent of any signature so it can be
 * cached by its text. What makes it unusable for a given signature is decided by {@link #problemFor}.
 *
 * <p>{@code p=} may be a SubjectPublicKeyInfo (what §3.6.1 specifies for RSA) or a bare PKCS#1 RSAPublicKey
 * (which some publishers use and other verifiers accept); for Ed25519 it is the raw 32-octet key (RFC 8463 §4).
 * {@code v=}, when present, must be {@code DKIM1}; we do not insist that it comes first. {@code g=} (RFC 4871,
 * removed by RFC 6376) and other unknown tags are ignored.
 */
public final class KeyRecord {
    private static final int ED25519_KEY_OCTETS = 32;

    private final String syntaxError;
    private final String keyTypeTag;
    private final DkimAlgorithm.KeyType keyType;
    private final Set<String> hashes;
    private final String services;
    private final boolean email;
    private final boolean testing;
    private final boolean strict;
    private final boolean revoked;
    private final String keyError;
    private final RSAPublicKey rsaKey;
    private final int rsaBits;
    private final Ed25519PublicKeyParameters ed25519Key;

    private KeyRecord(String syntaxError, String keyTypeTag, DkimAlgorithm.KeyType keyType, Set<String> hashes,
                      String services, boolean email, boolean testing, boolean strict, boolean revoked,
                      String keyError, RSAPublicKey rsaKey, int rsaBits, Ed25519PublicKeyParameters ed25519Key) {
        this.syntaxError = syntaxError;
        this.keyTypeTag = keyTypeTag;
        this.keyType = keyType;
        this.hashes = hashes;
        this.services = services;
        this.email = email;
        this.testing = testing;
        this.strict = strict;
        this.revoked = revoked;
        this.keyError = keyError;
        this.rsaKey = rsaKey;
        this.rsaBits = rsaBits;
        this.ed25519Key = ed25519Key;
    }

    private static KeyRecord syntaxError(String reason) {
        return new KeyRecord(reason, null, null, null, null, false, false, false, false, null, null, 0, null);
    }

    public static KeyRecord parse(String text) {
        TagList tags;
        try {
            tags = TagList.parse(text);
        } catch (TagSyntaxException e) {
            return syntaxError(e.getMessage());
        }
        String version = tags.get("v");
        if (version != null && !version.equals("DKIM1")) {
            return syntaxError("v=" + version + " is not DKIM1");
        }
        String p = tags.get("p");
        if (p == null) {
            return syntaxError("no p= tag");
        }
        String k = tags.get("k");
        String keyTypeTag = k == null ? "rsa" : k.toLowerCase(Locale.ROOT);
        DkimAlgorithm.KeyType keyType = null;
        for (DkimAlgorithm.KeyType t : DkimAlgorithm.KeyType.values()) {
            if (t.tag().equals(keyTypeTag)) {
                keyType = t;
            }
        }
        Set<String> hashes = null;
        String h = tags.get("h");
        if (h != null) {
            hashes = new HashSet<>();
            for (String name : TagList.withoutSpace(h).split(":", -1)) {
                hashes.add(name.toLowerCase(Locale.ROOT));
            }
        }
        String s = tags.get("s");
        boolean email = s == null;
        if (s != null) {
            for (String service : TagList.withoutSpace(s).split(":", -1)) {
                email |= service.equals("*") || service.equalsIgnoreCase("email");
            }
        }
        boolean testing = false;
        boolean strict = false;
        String t = tags.get("t");
        if (t != null) {
            for (String flag : TagList.withoutSpace(t).split(":", -1)) {
                testing |= flag.equalsIgnoreCase("y");
                strict |= flag.equalsIgnoreCase("s");
            }
        }
        String keyData = TagList.withoutSpace(p);
        boolean revoked = keyData.isEmpty();
        String keyError = null;
        RSAPublicKey rsaKey = null;
        int rsaBits = 0;
        Ed25519PublicKeyParameters ed25519Key = null;
        if (!revoked && keyType != null) {
            byte[] der = null;
            try {
                der = Base64.getDecoder().decode(keyData);
            } catch (IllegalArgumentException e) {
                keyError = "p= is not valid base64";
            }
            if (der != null && keyType == DkimAlgorithm.KeyType.RSA) {
                try {
                    rsaKey = (RSAPublicKey) rsaPublicKey(der);
                    rsaBits = rsaKey.getModulus().bitLength();
                } catch (GeneralSecurityException | RuntimeException e) {
                    keyError = "p= is not an RSA public key (neither SubjectPublicKeyInfo nor PKCS#1)";
                }
            } else if (der != null && der.length != ED25519_KEY_OCTETS) {
                keyError = "an ed25519 key has " + ED25519_KEY_OCTETS + " octets, p= has " + der.length;
            } else if (der != null) {
                try {
                    ed25519Key = new Ed25519PublicKeyParameters(der, 0);
                } catch (RuntimeException e) {
                    keyError = "p= is not an ed25519 public key";
                }
            }
        }
        return new KeyRecord(null, keyTypeTag, keyType, hashes, s, email, testing, strict, revoked, keyError, rsaKey,
                rsaBits, ed25519Key);
    }

    private static PublicKey rsaPublicKey(byte[] der) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("RSA");
        try {
            return factory.generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException spkiProblem) {
            org.bouncycastle.asn1.pkcs.RSAPublicKey pkcs1 = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
            BigInteger modulus = pkcs1.getModulus();
            BigInteger exponent = pkcs1.getPublicExponent();
            if (modulus.signum() <= 0 || exponent.signum() <= 0) {
                throw spkiProblem;
            }
            return factory.generatePublic(new RSAPublicKeySpec(modulus, exponent));
        }
    }

    /**
     * Why this record cannot verify {@code signature}, in the order of RFC 6376 §6.1.2, or null if it can.
     * Returns the status with the reason.
     */
    Problem problemFor(DkimSignature signature) {
        return problem(signature.algorithm(), signature);
    }

    /**
     * Why this record cannot verify a signature made with {@code algorithm} that has no AUID (an ARC-Seal or
     * ARC-Message-Signature, RFC 8617 §4.1: their i= is an instance number, so t=s does not apply), or null if
     * it can. The same checks and order as for a DKIM signature otherwise.
     */
    public Problem problemFor(DkimAlgorithm algorithm) {
        return problem(algorithm, null);
    }

    private Problem problem(DkimAlgorithm algorithm, DkimSignature signature) {
        if (syntaxError != null) {
            return new Problem(DkimStatus.PERMERROR, "key syntax error: " + syntaxError);
        }
        if (hashes != null && !hashes.contains(algorithm.hashTag())) {
            return new Problem(DkimStatus.PERMERROR, "inappropriate hash algorithm: the key record allows h="
                    + String.join(":", hashes) + " only, the signature uses " + algorithm.hashTag());
        }
        if (keyType == null) {
            return new Problem(DkimStatus.PERMERROR, "unknown key type k=" + keyTypeTag);
        }
        if (keyType != algorithm.keyType()) {
            return new Problem(DkimStatus.PERMERROR, "inappropriate key algorithm: k=" + keyTypeTag + " but a="
                    + algorithm.tag());
        }
        if (!email) {
            return new Problem(DkimStatus.PERMERROR, "inappropriate service type: key record s=" + services);
        }
        if (strict && signature != null) {
            String identity = signature.identity();
            String idDomain = identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!idDomain.equals(signature.domain())) {
                return new Problem(DkimStatus.PERMERROR, "key has t=s but the i= domain " + idDomain
                        + " is not d= " + signature.domain());
            }
        }
        if (revoked) {
            return new Problem(DkimStatus.PERMERROR, "key revoked (empty p=)");
        }
        if (keyError != null) {
            return new Problem(DkimStatus.PERMERROR, "unusable key: " + keyError);
        }
        return null;
    }

    /** A reason not to use a key record for a signature. */
    public record Problem(DkimStatus status, String reason) {
    }

    public boolean testing() {
        return testing;
    }

    /** The RSA key, for a usable RSA record. */
    public RSAPublicKey rsaKey() {
        return rsaKey;
    }

    public int rsaBits() {
        return rsaBits;
    }

    /** The Ed25519 key, for a usable Ed25519 record. */
    public Ed25519PublicKeyParameters ed25519Key() {
        return ed25519Key;
    }

    public boolean syntaxOk() {
        return syntaxError == null;
    }
}
