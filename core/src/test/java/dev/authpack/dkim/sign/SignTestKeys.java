package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dns.ZoneFileResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** Keys made once per test run, written as PEM files where a test wants them, and a verifier for the result. */
final class SignTestKeys {
    static final byte[] RSA_PKCS8 = generate("RSA", 2048);
    static final byte[] ED25519_PKCS8 = generate("Ed25519", 0);

    private SignTestKeys() {
    }

    private static byte[] generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair().getPrivate().getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }

    static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path rsa(Path file) {
        return write(file, pem(RSA_PKCS8));
    }

    static Path ed25519(Path file) {
        return write(file, pem(ED25519_PKCS8));
    }

    /**
     * A signer with the default settings over the tables written in {@code dir}: the RSA key at {@code rsa.pem},
     * {@code keyTable} naming it, and {@code signingTable}.
     */
    static TableSigner rsaTableSigner(Path dir, String keyTable, String signingTable) throws Exception {
        rsa(dir.resolve("rsa.pem"));
        KeyTable keys = KeyTable.load(write(dir.resolve("keytable"), keyTable), KeyFileLocator.PATHS_ONLY);
        return new TableSigner(SigningTable.load(write(dir.resolve("signingtable"), signingTable), keys),
                SignSettings.defaults());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Verifies with our verifier against zone lines (as {@link KeyRecordText#zoneLine} writes them). */
    static DkimReport verify(byte[] message, String... zoneLines) {
        try {
            return new DkimVerifier(new ZoneFileResolver(String.join("\n", zoneLines) + "\n"),
                    DkimVerifyOptions.defaults()).verify(message).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
