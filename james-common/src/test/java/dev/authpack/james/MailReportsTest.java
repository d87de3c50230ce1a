package dev.authpack.james;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MailReportsTest {
    private static Mail mail(String message, MaybeSender sender) throws Exception {
        return FakeMail.builder().name("m").recipients("bounces@bounce.example.com").sender(sender)
                .mimeMessage(ReportSamples.message(message)).build();
    }

    @Test
    void parsesOnceAndKeepsTheReportAsAnAttribute() throws Exception {
        Mail mail = mail(ReportSamples.DSN, MaybeSender.nullSender());
        Map<String, Object> report = MailReports.of(mail);
        assertThat(report).containsEntry("type", "dsn").containsEntry("source", "rfc3464");
        assertThat(mail.getAttribute(MailAttributes.REPORT)).isPresent();
        // read back from the attribute, not parsed again: the message can go, the tree stays the same
        mail.setMessage(ReportSamples.message(ReportSamples.ORDINARY));
        assertThat(MailReports.of(mail)).isEqualTo(MailReports.read(mail).orElseThrow());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recipients = (List<Map<String, Object>>) MailReports.of(mail).get("recipients");
        assertThat(recipients.get(0)).containsEntry("final_recipient", "gone@example.net")
                .containsEntry("reason", "userunknown").containsEntry("hard_bounce", true)
                .doesNotContainKey("original_recipient");
    }

    @Test
    void ordinaryMailIsDecidedFromTheHeaderAndGetsNoAttribute() throws Exception {
        Mail mail = mail(ReportSamples.ORDINARY, MaybeSender.of(new MailAddress("alice@example.org")));
        assertThat(MailReports.of(mail)).containsEntry("type", "none").containsEntry("kind", "ordinary");
        assertThat(mail.getAttribute(MailAttributes.REPORT)).isEmpty();
        assertThat(MailReports.envelopeSender(mail)).isEqualTo("alice@example.org");
    }

    @Test
    void unreadableMessageIsNotAReport() throws Exception {
        Mail mail = FakeMail.builder().name("m").recipients("b@bounce.example.com").build();
        assertThat(MailReports.of(mail)).containsEntry("type", "none");
    }
}
