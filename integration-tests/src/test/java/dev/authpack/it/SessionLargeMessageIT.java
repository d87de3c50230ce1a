package dev.authpack.it;

import static dev.authpack.it.Expectations.ourField;
import static dev.authpack.it.RawMail.dkimSummary;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enforcing SessionAuthCheck hook in a real James, with MailAuthCheck, both with {@code maxCheckedSize} 64 KiB:
 * a signed message of about 300 KB is checked at the end of DATA from its header section, its body streamed once
 * for the DKIM body hash (taking one of the waits), and the SHA-256 of the message made in that pass binds the
 * results stored on the mail: MailAuthCheck writes them (the mail carries {@code authpack.checked-in-session})
 * instead of streaming the body through the DKIM canonicalisation again. Before session 20 such a message's results
 * were not stored, and MailAuthCheck checked it again. The same message with its body changed is refused: its
 * From domain's policy is {@code reject} and its signature fails.
 */
class SessionLargeMessageIT {
    private static final String SIGNING_DOMAIN = "session-large.example";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone("_dmarc." + SIGNING_DOMAIN + ". 300 TXT \"v=DMARC1; p=reject\"\n")
            .edit("mailetcontainer.xml", xml -> xml.replace("<serverId>mx.james.test</serverId>",
                    "<serverId>mx.james.test</serverId>\n<maxCheckedSize>64K</maxCheckedSize>"))
            .edit("smtpserver.xml", xml -> SessionEnforcementIT.withHook(xml,
                    "<maxCheckedSize>64K</maxCheckedSize>")));

    @TempDir
    static Path keys;
    /** Signed by bin/authpack dkim-sign (Ed25519, relaxed/relaxed), a body of about 300 KB. */
    private static String signed;

    @BeforeAll
    static void signWithTheCli() throws IOException {
        signed = LargeMessageIT.signedLarge(JAMES, keys, SIGNING_DOMAIN);
    }

    @Test
    void aSignedMessageOverMaxCheckedSizeIsVerifiedInTheSessionAndItsResultsReused() {
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(), signed);

        assertThat(dkimSummary(mail)).as(mail.headerSection())
                .containsExactly(SIGNING_DOMAIN + "/big/ed25519-sha256=pass");
        assertThat(ourField(mail).method("dmarc").orElseThrow().result()).as(mail.headerSection()).isEqualTo("pass");
        assertThat(mail.headers("Authentication-Results")).as(mail.headerSection()).hasSize(1);
        assertThat(mail.attribute("authpack.checked-in-session")).as("the session's results, reused").isPresent();
        assertThat(mail.body()).isEqualTo(LargeMessageIT.body());
    }

    @Test
    void theSameMessageWithItsBodyChangedIsRefusedInTheSession() {
        try (SmtpClient c = JAMES.server().smtp()) {
            c.ehlo("mail.spf-pass.example");
            c.mailFrom("raw-changed@spf-pass.example");
            c.rcptTo(JamesExtension.ALICE);
            SmtpReply reply = c.data(signed.replace("line 4000 of", "line 4001 of"));
            c.quit();

            assertThat(reply.code()).as(c.transcriptText()).isEqualTo(550);
            assertThat(reply.text()).as(c.transcriptText()).startsWith("5.7.1").contains(SIGNING_DOMAIN);
        }
    }
}
