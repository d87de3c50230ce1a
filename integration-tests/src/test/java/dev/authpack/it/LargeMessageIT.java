package dev.authpack.it;

import static dev.authpack.it.Expectations.SERVER_ID;
import static dev.authpack.it.Expectations.ourField;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message over MailAuthCheck's {@code maxCheckedSize} (64 KiB here; 64 MiB by default), sent over SMTP to a real
 * James: it is not read whole (James keeps it in a file, being over its 100 KiB threshold, and so does our rewrite),
 * yet it gets its labels (DKIM {@code policy} naming the limit, SPF and iprev as usual, ARC {@code none} for a
 * message without ARC fields), forged fields claiming our id go, and it is delivered with its body intact.
 */
class LargeMessageIT {
    private static final String BH = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b.edit("mailetcontainer.xml", xml -> xml
            .replace("<serverId>mx.james.test</serverId>",
                    "<serverId>mx.james.test</serverId>\n<maxCheckedSize>64K</maxCheckedSize>")));

    @Test
    void aMessageOverMaxCheckedSizeIsLabelledAndDeliveredWithoutBeingReadWhole() {
        StringBuilder body = new StringBuilder();
        for (int line = 0; body.length() < 300_000; line++) {
            body.append("line ").append(line).append(" of a message larger than the configured limit\r\n");
        }
        TestMessage message = TestMessage.create().from("bob@spf-pass.example").body(body.toString())
                .header("Authentication-Results", SERVER_ID + "; dkim=pass header.d=spf-pass.example")
                .header("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=spf-pass.example; s=big;"
                        + " h=from:subject; bh=" + BH + "; b=dGVzdHNpZ25hdHVyZQ==");

        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-pass.example").message(message));

        assertThat(mail.headers("Authentication-Results")).as(mail.headerSection()).hasSize(1);
        AuthResultsField field = ourField(mail);
        AuthResultsField.Resinfo dkim = field.method("dkim").orElseThrow();
        assertThat(dkim.result()).isEqualTo("policy");
        assertThat(dkim.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("larger than maxCheckedSize (65536 octets)").contains("body not verified"));
        assertThat(Expectations.spfMailFrom(field).result()).isEqualTo("pass");
        assertThat(field.result("arc")).hasValue("none");
        assertThat(field.result("dkim")).hasValue("policy");
        assertThat(RawMail.dkimAttribute(mail)).hasSize(1);
        assertThat(RawMail.dkimAttribute(mail).get(0).toString()).contains("policy");
        assertThat(mail.body()).isEqualTo(body.toString());
        // the sender's signature as received, below our field
        assertThat(mail.headerSection()).containsOnlyOnce("DKIM-Signature: v=1; a=rsa-sha256;")
                .containsOnlyOnce("Authentication-Results: " + SERVER_ID);
        assertThat(mail.headerSection().indexOf("Authentication-Results: " + SERVER_ID))
                .isLessThan(mail.headerSection().indexOf("DKIM-Signature:"));
    }
}
