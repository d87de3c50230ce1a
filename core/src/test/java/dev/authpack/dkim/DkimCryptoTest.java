package dev.authpack.dkim;

import dev.authpack.dkim.internal.DkimCrypto;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks over a hash computed by the caller agree with the checks over the data. */
class DkimCryptoTest {
    private static final byte[] DATA = "from:Joe <joe@example.com>\r\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void rsaOverAHashAgreesWithRsaOverTheData() throws Exception {
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(TestSignatures.RSA_2048.getPrivate());
        signer.update(DATA);
        byte[] signature = signer.sign();
        var key = TestSignatures.RSA_2048.getPublic();
        assertThat(DkimCrypto.verifyRsa(DkimAlgorithm.RSA_SHA256, key, DATA, DATA.length, signature)).isTrue();
        assertThat(DkimCrypto.verifyRsaSha256Digest(key, sha256(DATA), signature)).isTrue();

        byte[] other = sha256("something else".getBytes(StandardCharsets.US_ASCII));
        assertThat(DkimCrypto.verifyRsaSha256Digest(key, other, signature)).isFalse();
        signature[10] ^= 1;
        assertThat(DkimCrypto.verifyRsaSha256Digest(key, sha256(DATA), signature)).isFalse();
        assertThat(DkimCrypto.verifyRsaSha256Digest(key, sha256(DATA), new byte[3])).isFalse();
        assertThatThrownBy(() -> DkimCrypto.verifyRsaSha256Digest(key, new byte[20], new byte[256]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ed25519OverAHashAgreesWithEd25519OverTheData() throws Exception {
        byte[] signature = DkimCrypto.signEd25519(TestSignatures.ED25519, DATA, DATA.length);
        var key = TestSignatures.ED25519.generatePublicKey();
        assertThat(DkimCrypto.verifyEd25519(key, DATA, DATA.length, signature)).isTrue();
        assertThat(DkimCrypto.verifyEd25519Sha256Digest(key, sha256(DATA), signature)).isTrue();
        assertThat(DkimCrypto.verifyEd25519Sha256Digest(key, sha256(new byte[1]), signature)).isFalse();
    }
}
