package dev.authpack.dkim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DkimKeysTest {
    /** The p= values published for the RFC 8463 keys (test._domainkey / brisbane._domainkey.football.example.com). */
    private static final String RFC8463_RSA_P = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6"
            + "wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO"
            + "2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
    private static final String RFC8463_ED25519_P = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    @Test
    void pkcs1RsaPemAndEd25519SeedOfRfc8463() throws Exception {
        DkimSigningKey rsa = DkimKeys.parse(DkimConformanceTest.text("cases/keys/rfc8463-rsa-private.pem"));
        assertThat(rsa.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(rsa.bits()).isEqualTo(1024);
        assertThat(rsa.publicKeyBase64()).isEqualTo(RFC8463_RSA_P);
        assertThat(rsa.publicKeyRecord()).isEqualTo("v=DKIM1; k=rsa; p=" + RFC8463_RSA_P);

        DkimSigningKey ed = DkimKeys.parse(DkimConformanceTest.text("cases/keys/rfc8463-ed25519.seed.b64"));
        assertThat(ed.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(ed.publicKeyRecord()).isEqualTo("v=DKIM1; k=ed25519; p=" + RFC8463_ED25519_P);
    }

    @Test
    void pkcs8RsaAndEd25519(@TempDir Path dir) throws Exception {
        KeyPair rsaPair = TestSignatures.RSA_2048;
        Path rsaFile = dir.resolve("rsa.pem");
        Files.writeString(rsaFile, pem("PRIVATE KEY", rsaPair.getPrivate().getEncoded()));
        DkimSigningKey rsa = DkimKeys.load(rsaFile);
        assertThat(rsa.bits()).isEqualTo(2048);
        assertThat(rsa.publicKeyBase64()).isEqualTo(Base64.getEncoder().encodeToString(rsaPair.getPublic().getEncoded()));

        KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        DkimSigningKey ed = DkimKeys.parse(pem("PRIVATE KEY", edPair.getPrivate().getEncoded()));
        assertThat(ed.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        byte[] spki = edPair.getPublic().getEncoded();
        byte[] raw = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        assertThat(ed.publicKeyBase64()).isEqualTo(Base64.getEncoder().encodeToString(raw));
    }

    @Test
    void rsaKeysOurVerifiersWouldRefuseAreRefused() throws Exception {
        RSAPublicKey hugePublic = TestSignatures.hugeExponentKey();
        BigInteger n = hugePublic.getModulus();
        BigInteger e = hugePublic.getPublicExponent();
        BigInteger d = BigInteger.valueOf(65537);
        // the private parameters need not be right: the key is refused before it signs
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        PrivateKey hugeExponent = rsa.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, BigInteger.TWO,
                BigInteger.TWO, BigInteger.ONE, BigInteger.ONE, BigInteger.ONE));
        assertThatThrownBy(() -> DkimKeys.rsa(hugeExponent))
                .hasMessage("unusable RSA key: RSA public exponent of 3067 bits is above the maximum of 32 bits");
        assertThatThrownBy(() -> DkimKeys.parse(pem("PRIVATE KEY", hugeExponent.getEncoded())))
                .hasMessageContaining("public exponent of 3067 bits");

        // a modulus above what verifiers accept (8192 bits by default); the numbers need not be a real key
        BigInteger large = BigInteger.ONE.shiftLeft(8200).add(BigInteger.ONE);
        PrivateKey tooLarge = rsa.generatePrivate(new RSAPrivateCrtKeySpec(large, BigInteger.valueOf(65537), d,
                BigInteger.TWO, BigInteger.TWO, BigInteger.ONE, BigInteger.ONE, BigInteger.ONE));
        assertThatThrownBy(() -> DkimKeys.rsa(tooLarge))
                .hasMessage("unusable RSA key: RSA key of 8201 bits is above the maximum of 8192");
    }

    @Test
    void clearErrors(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> DkimKeys.parse("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                + "-----END ENCRYPTED PRIVATE KEY-----")).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> DkimKeys.parse("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----")).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> DkimKeys.parse(pem("PUBLIC KEY", new byte[] {1, 2})))
                .hasMessageContaining("unsupported PEM type \"PUBLIC KEY\"");
        assertThatThrownBy(() -> DkimKeys.parse("-----BEGIN PRIVATE KEY-----\nAAAA\n"))
                .hasMessageContaining("no -----END PRIVATE KEY----- line");
        assertThatThrownBy(() -> DkimKeys.parse(pem("PRIVATE KEY", new byte[] {1, 2, 3})))
                .hasMessageContaining("malformed PKCS#8");
        assertThatThrownBy(() -> DkimKeys.parse(pem("RSA PRIVATE KEY", new byte[] {1, 2, 3})))
                .hasMessageContaining("malformed PKCS#1");
        assertThatThrownBy(() -> DkimKeys.parse("not a key at all"))
                .hasMessageContaining("neither a PEM key nor a base64 Ed25519 seed");
        assertThatThrownBy(() -> DkimKeys.parse("AAAA")).hasMessageContaining("3 octets");
        assertThatThrownBy(() -> DkimKeys.parse(pem("PRIVATE KEY", TestSignatures.RSA_512.getPrivate().getEncoded())))
                .hasMessageContaining("512 bits").hasMessageContaining("RFC 8301");
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThatThrownBy(() -> DkimKeys.parse(pem("PRIVATE KEY", ec.getPrivate().getEncoded())))
                .hasMessageContaining("unsupported key algorithm 1.2.840.10045.2.1");
        assertThatThrownBy(() -> DkimKeys.load(dir.resolve("missing.pem")))
                .hasMessageContaining("missing.pem").hasMessageContaining("cannot read");
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "garbage!");
        assertThatThrownBy(() -> DkimKeys.load(bad)).hasMessageStartingWith(bad + ": neither");
        assertThatThrownBy(() -> DkimKeys.ed25519(new byte[31])).hasMessageContaining("32 octets");
    }
}
