package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimStatus;
import org.junit.jupiter.api.Test;

import static dev.authpack.dkim.sign.SignTestKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRecordTextTest {

    @Test
    void longRecordsAreSplitInto255OctetStringsThatResolversJoin() throws Exception {
        DkimSigningKey rsa = DkimKeys.parse(SignTestKeys.pem(SignTestKeys.RSA_PKCS8));
        String line = KeyRecordText.zoneLine("Sel", "Example.COM", rsa);
        assertThat(line).startsWith("sel._domainkey.example.com. IN TXT \"v=DKIM1; k=rsa; p=MII");
        String record = rsa.publicKeyRecord();
        assertThat(record.length()).isGreaterThan(255);
        assertThat(line).contains("\"" + record.substring(0, 255) + "\" \"" + record.substring(255, 392));

        byte[] signed = new DkimSigner(rsa, DkimSignOptions.of("example.com", "sel"))
                .sign(bytes("From: a@example.com\r\n\r\nhi\r\n"));
        assertThat(SignTestKeys.verify(signed, line).results()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(DkimStatus.PASS));
    }

    @Test
    void shortRecordIsOneString() throws Exception {
        DkimSigningKey ed = DkimKeys.parse(SignTestKeys.pem(SignTestKeys.ED25519_PKCS8));
        assertThat(KeyRecordText.zoneLine("ed", "example.com", ed))
                .isEqualTo("ed._domainkey.example.com. IN TXT \"" + ed.publicKeyRecord() + "\"");
        assertThatThrownBy(() -> KeyRecordText.zoneLine("bad selector", "example.com", ed))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
