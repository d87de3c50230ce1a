package dev.authpack.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/**
 * A fresh DKIM key pair made with the JDK (not with the pack): the private key as a PKCS#8 PEM file for the
 * signer, the public key as the TXT record a verifier looks up (RFC 6376 §3.6.1, RFC 8463 §4).
 */
record DkimTestKey(String domain, String selector, String algorithm, Path pemFile, String recordValue) {
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it. */
    private static final int ED25519_SPKI_PREFIX = 12;
    /** Longest character-string in a TXT record (RFC 1035 §3.3). */
    private static final int TXT_STRING_MAX = 255;

    static DkimTestKey rsa(Path dir, String domain, String selector) {
        KeyPair pair = generate("RSA", 2048);
        String p = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        return new DkimTestKey(domain, selector, "rsa-sha256", writePem(dir, selector, pair),
                "v=DKIM1; k=rsa; p=" + p);
    }

    static DkimTestKey ed25519(Path dir, String domain, String selector) {
        KeyPair pair = generate("Ed25519", 0);
        byte[] spki = pair.getPublic().getEncoded();
        String p = Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX, spki.length));
        return new DkimTestKey(domain, selector, "ed25519-sha256", writePem(dir, selector, pair),
                "v=DKIM1; k=ed25519; p=" + p);
    }

    /** {@code selector._domainkey.domain} */
    String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The key record as a zone file line (strings split at 255 characters), TTL 0 so nothing caches it. */
    String zoneLine() {
        StringBuilder s = new StringBuilder(recordName()).append(". 0 TXT");
        for (int i = 0; i < recordValue.length(); i += TXT_STRING_MAX) {
            s.append(" \"").append(recordValue, i, Math.min(recordValue.length(), i + TXT_STRING_MAX)).append('"');
        }
        return s.append('\n').toString();
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " key generation", e);
        }
    }

    private static Path writePem(Path dir, String selector, KeyPair pair) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path file = dir.resolve(selector + ".pem");
        try {
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
