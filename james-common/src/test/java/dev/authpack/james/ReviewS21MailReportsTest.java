package dev.authpack.james;

import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.OutputStream;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 21 review: a report whose message cannot be written had the exception's text, which may quote the
 * message, put into the mail attribute and the warning line whole (CR, LF, bidi controls, any length).
 */
class ReviewS21MailReportsTest {
    @Test
    void anUnreadableReportsReasonIsItsExceptionClassOnly() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            public void writeTo(OutputStream os) throws MessagingException {
                throw new MessagingException("Unknown encoding: x\r\n2026-12-07 INFO forged line \u202Eevil"
                        + "y".repeat(10_000));
            }
        };
        message.setHeader("Content-Type", "multipart/report; report-type=delivery-status; boundary=b");
        message.setText("x");
        message.setHeader("Content-Type", "multipart/report; report-type=delivery-status; boundary=b");
        Mail mail = FakeMail.builder().name("m").recipients("b@bounce.example.com").sender(MaybeSender.nullSender())
                .mimeMessage(message).build();
        Map<String, Object> report = MailReports.of(mail);
        assertThat(report).containsEntry("type", "none").containsEntry("kind", "unparseable");
        assertThat(String.valueOf(report.get("reason"))).isEqualTo("message unreadable: MessagingException");
        assertThat(MailReports.describe(new MessagingException("a\r\nb\u202Ec" + "y".repeat(10_000))))
                .doesNotContain("\r", "\n", "\u202E").hasSizeLessThan(600);
    }
}
