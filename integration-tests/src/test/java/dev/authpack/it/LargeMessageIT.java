package dev.authpack.it;

import static dev.authpack.it.Expectations.SERVER_ID;
import static dev.authpack.it.Expectations.ourField;
import static dev.authpack.it.RawMail.dkimSummary;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message over MailAuthCheck's {@code maxCheckedSize} (64 KiB here; 64 MiB by default), sent over SMTP to a real
 * James: it is not read whole (James keeps it in a file, being over its 100 KiB threshold, and so does our rewrite):
 * its header section is read, and its body streamed once for the DKIM and ARC body hashes. So it gets its real
 * verdicts: a signature made by {@code bin/authpack dkim-sign} passes, the same message with its body changed fails,
 * a made-up one gets the verdict it would get in a small message; SPF and iprev as usual, ARC {@code none} for a
 * message without ARC fields; forged fields claiming our id go, and it is delivered with its body intact.
 */
class LargeMessageIT {
    private static final String BH = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private static final String SIGNING_DOMAIN = "large-signed.example";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b.edit("mailetcontainer.xml", xml -> xml
            .replace("<serverId>mx.james.test</serverId>",
                    "<serverId>mx.james.test</serverId>\n<maxCheckedSize>64K</maxCheckedSize>")));

    @TempDir
    static Path keys;
    /** Signed by bin/authpack dkim-sign (Ed25519, relaxed/relaxed), a body of about 300 KB. */
    private static String signed;

    @BeforeAll
    static void signWithTheCli() throws IOException {
        signed = signedLarge(JAMES, keys, SIGNING_DOMAIN);
    }

    /**
     * A message from carol@{@code domain} to alice with {@link #body()}, signed by bin/authpack dkim-sign (Ed25519,
     * relaxed/relaxed, selector {@code big}) with a key made in {@code keys} and published in {@code james}' DNS.
     */
    static String signedLarge(JamesExtension james, Path keys, String domain) throws IOException {
        DkimTestKey key = DkimTestKey.ed25519(keys, domain, "big");
        james.dns().addZone(key.zoneLine());
        Path unsigned = keys.resolve("large.eml");
        Files.writeString(unsigned, "From: Carol <carol@" + domain + ">\r\n"
                + "To: alice@james.test\r\n"
                + "Subject: a large signed message\r\n"
                + "Message-ID: <large-signed@" + domain + ">\r\n"
                + "\r\n" + body(), StandardCharsets.US_ASCII);
        String signed = AuthpackScript.run("dkim-sign", unsigned.toString(), "--domain", domain,
                "--selector", key.selector(), "--key", key.pemFile().toString()).ok();
        assertThat(signed).startsWith("DKIM-Signature:").endsWith(body());
        return signed;
    }

    /** About 300 KB of lines, with runs of white space and empty lines at the end (canonicalization has work). */
    static String body() {
        StringBuilder body = new StringBuilder();
        for (int line = 0; body.length() < 300_000; line++) {
            body.append("line ").append(line).append(" of a message  larger than\tthe configured limit \r\n");
        }
        return body.append("\r\n\r\n").toString();
    }

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
        // verified over the body streamed: the made-up signature has no key, as it would in a small message
        assertThat(dkim.result()).as(mail.headerSection()).isEqualTo("permerror");
        assertThat(dkim.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .doesNotContain("maxCheckedSize").contains("no key"));
        assertThat(Expectations.spfMailFrom(field).result()).isEqualTo("pass");
        assertThat(field.result("arc")).hasValue("none");
        assertThat(RawMail.dkimAttribute(mail)).hasSize(1);
        assertThat(RawMail.dkimAttribute(mail).get(0).toString()).contains("permerror");
        assertThat(mail.body()).isEqualTo(body.toString());
        // the sender's signature as received, below our field
        assertThat(mail.headerSection()).containsOnlyOnce("DKIM-Signature: v=1; a=rsa-sha256;")
                .containsOnlyOnce("Authentication-Results: " + SERVER_ID);
        assertThat(mail.headerSection().indexOf("Authentication-Results: " + SERVER_ID))
                .isLessThan(mail.headerSection().indexOf("DKIM-Signature:"));
    }

    @Test
    void aSignedMessageOverMaxCheckedSizePassesDkim() {
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(), signed);

        assertThat(dkimSummary(mail)).as(mail.headerSection())
                .containsExactly(SIGNING_DOMAIN + "/big/ed25519-sha256=pass");
        assertThat(ourField(mail).method("dkim").orElseThrow().reason()).isEmpty();
        assertThat(mail.body()).isEqualTo(body());
    }

    @Test
    void aSignedMessageOverMaxCheckedSizeWithItsBodyChangedFailsDkim() {
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(),
                signed.replace("line 4000 of", "line 4001 of"));

        assertThat(dkimSummary(mail)).as(mail.headerSection())
                .containsExactly(SIGNING_DOMAIN + "/big/ed25519-sha256=fail");
        assertThat(ourField(mail).method("dkim").orElseThrow().reason()).hasValue("body hash did not verify");
    }
}
