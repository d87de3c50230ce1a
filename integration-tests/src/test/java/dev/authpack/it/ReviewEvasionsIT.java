package dev.authpack.it;

import static dev.authpack.it.Expectations.SERVER_ID;
import static dev.authpack.it.Expectations.ourField;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review of issue 9, over SMTP into a real James: forged fields of ours that James' own header reader (javax.mail)
 * or a mail client sees as {@code Authentication-Results} do not survive MailAuthCheck.
 */
class ReviewEvasionsIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension();

    @Test
    void forgedFieldsJamesOrAClientReadAsOursAreRemoved() throws Exception {
        String id = UUID.randomUUID().toString();
        String message = "\u000bAuthentication-Results: " + SERVER_ID + "; dmarc=pass forged\r\n"
                + "Authentication-Results\u000c: " + SERVER_ID + "; dmarc=pass forged\r\n"
                + "Authentication-Results\r\n : " + SERVER_ID + "; dmarc=pass forged\r\n"
                + "Authentication-Results: =?utf-8?q?" + SERVER_ID + "?=; dmarc=pass forged\r\n"
                + "Authentication-Results: upstream.example; dmarc=pass header.from=x.example\r\n"
                + "From: bob@spf-fail.example\r\nTo: alice@james.test\r\nSubject: review " + id + "\r\n"
                + "Message-ID: <" + id + "@spf-fail.example>\r\n\r\nbody\r\n";
        RawMail raw = RawMail.create().mailFrom("review-" + id + "@spf-fail.example");
        DeliveredMail mail = raw.deliver(JAMES.server(), message);

        MimeMessage reread = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(mail.rawMessage().getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(reread.getHeader("Authentication-Results")).as(mail.headerSection()).hasSize(2)
                .noneMatch(v -> v.contains("forged"));
        assertThat(mail.headerSection()).doesNotContain("forged");
        assertThat(ourField(mail).result("dmarc")).isNotEqualTo(java.util.Optional.of("pass"));
    }
}
