package dev.authpack.james.mailets;

import dev.authpack.james.MailReports;
import dev.authpack.james.ReportSamples;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogReportTest {
    private static Mail mail(String message) throws Exception {
        return FakeMail.builder().name("m1").recipients("bounces+1@bounce.example.com")
                .sender(MaybeSender.nullSender()).remoteAddr("192.0.2.7")
                .mimeMessage(ReportSamples.message(message)).build();
    }

    @Test
    void oneLinePerFailedRecipientOfABounce() throws Exception {
        Mail mail = mail(ReportSamples.DSN);
        List<String> lines = LogReport.lines(mail, MailReports.of(mail), 1_765_000_000L);
        assertThat(lines).containsExactly("{\"type\":\"Bounce\",\"timestamp\":1765000000,\"id\":\"m1\","
                + "\"sender\":\"\",\"reception_recipients\":[\"bounces+1@bounce.example.com\"],"
                + "\"peer_address\":\"192.0.2.7\",\"recipient\":\"gone@example.net\",\"original_recipient\":null,"
                + "\"action\":\"failed\",\"response\":{\"code\":550,\"enhanced_code\":\"5.1.1\",\"content\":"
                + "\"550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\"},"
                + "\"bounce_classification\":\"userunknown\",\"hard_bounce\":true,\"remote_mta\":null,"
                + "\"reporting_mta\":\"mx.example.net\",\"source\":\"rfc3464\",\"original_envelope_id\":null,"
                + "\"original_message_id\":\"<news-1@example.com>\",\"original_from\":\"news@example.com\","
                + "\"original_to\":\"gone@example.net\",\"original_subject\":\"Our news\"}");
        Mail text = mail(ReportSamples.TEXT_BOUNCE);
        assertThat(LogReport.lines(text, MailReports.of(text), 0)).singleElement().asString()
                .contains("\"recipient\":\"full@example.net\"", "\"enhanced_code\":\"5.2.2\"",
                        "\"bounce_classification\":\"mailboxfull\"", "\"hard_bounce\":false", "\"source\":\"text\"");
    }

    @Test
    void oneLinePerFeedbackReport() throws Exception {
        Mail mail = mail(ReportSamples.ARF);
        assertThat(LogReport.lines(mail, MailReports.of(mail), 0)).singleElement().asString()
                .startsWith("{\"type\":\"Feedback\"")
                .contains("\"feedback_report\":{\"feedback_type\":\"abuse\",\"user_agent\":\"SomeGenerator/1.0\"",
                        "\"source_ip\":\"192.0.2.1\"", "\"original_rcpt_to\":[\"<user@isp.example>\"]",
                        "\"original_message_id\":\"<news-3@example.com>\"");
    }

    @Test
    void oneSummaryLinePerDmarcAggregateReport() throws Exception {
        Mail mail = mail(ReportSamples.DMARC);
        assertThat(LogReport.lines(mail, MailReports.of(mail), 1_765_000_000L)).containsExactly(
                "{\"type\":\"DmarcAggregate\",\"timestamp\":1765000000,\"id\":\"m1\",\"sender\":\"\","
                + "\"reception_recipients\":[\"bounces+1@bounce.example.com\"],\"peer_address\":\"192.0.2.7\","
                + "\"org_name\":\"receiver.example\",\"report_id\":\"rid-7\",\"email\":\"dmarc@receiver.example\","
                + "\"date_range\":{\"begin\":1700000000,\"end\":1700086399},\"policy_domain\":\"example.com\","
                + "\"policy\":{\"p\":\"reject\",\"sp\":null,\"np\":null,\"adkim\":\"r\",\"aspf\":\"r\","
                + "\"pct\":null,\"testing\":null},\"records\":2,\"total_messages\":10,\"dkim_unaligned\":7,"
                + "\"spf_unaligned\":10,\"dmarc_failing\":7,"
                + "\"top_failing_sources\":[{\"source_ip\":\"192.0.2.66\",\"count\":7}],\"truncated\":false,"
                + "\"problem\":null}");
        // the same line from the stored attribute (a matcher parsed it first)
        Mail again = mail(ReportSamples.DMARC);
        MailReports.of(again);
        again.setMessage(ReportSamples.message(ReportSamples.ORDINARY));
        assertThat(LogReport.lines(again, MailReports.of(again), 1_765_000_000L))
                .isEqualTo(LogReport.lines(mail, MailReports.of(mail), 1_765_000_000L));
    }

    @Test
    void hostileAggregateValuesStayOnOneEscapedLine() throws Exception {
        String hostile = ReportSamples.DMARC_XML
                .replace("<org_name>receiver.example", "<org_name>evil&#13;&#10;{\"type\":\"Bounce\"}\u2028x")
                .replace("<source_ip>192.0.2.66", "<source_ip>1.2.3.4\"}],\"x\":\"&#10;");
        Mail mail = mail(ReportSamples.dmarcMail(hostile));
        List<String> lines = LogReport.lines(mail, MailReports.of(mail), 0);
        assertThat(lines).singleElement().asString()
                .doesNotContain("\n", "\r", "\u2028")
                .contains("\"org_name\":\"evil\\r\\n{\\\"type\\\":\\\"Bounce\\\"}\\u2028x\"")
                .contains("\"source_ip\":\"1.2.3.4\\\"}],\\\"x\\\":\\\"\"");
        // at most ReportFields.TOP_FAILING_SOURCES sources
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            many.append("<record><row><source_ip>198.51.100.").append(i).append("</source_ip><count>1</count>")
                    .append("<policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row></record>");
        }
        Mail big = mail(ReportSamples.dmarcMail(ReportSamples.DMARC_XML.replace("</feedback>", many + "</feedback>")));
        String line = LogReport.lines(big, MailReports.of(big), 0).get(0);
        assertThat(line.split("\"source_ip\"", -1)).hasSize(1 + dev.authpack.report.ReportFields.TOP_FAILING_SOURCES);
    }

    @Test
    void notReportsAreNotLogged() throws Exception {
        for (String message : List.of(ReportSamples.ORDINARY, ReportSamples.VACATION)) {
            Mail mail = mail(message);
            assertThat(LogReport.lines(mail, MailReports.of(mail), 0)).isEmpty();
        }
    }

    @Test
    void hostileFieldsStayInsideOneLine() throws Exception {
        Mail mail = mail(ReportSamples.DSN);
        Map<String, Object> report = Map.of("type", "dsn", "recipients", List.of(Map.of(
                "final_recipient", "a@b\n{\"type\":\"Bounce\",\"recipient\":\"forged\"}",
                "diagnostic_code", "550 \u0000\u001b[2J\r\u2028\"\\", "reply_code", "550\"")));
        String line = LogReport.lines(mail, report, 0).get(0);
        assertThat(line).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u2028");
        assertThat(line).contains("\"recipient\":\"a@b\\n{\\\"type\\\":\\\"Bounce\\\",\\\"recipient\\\":\\\"forged\\\"}\"",
                "\"content\":\"550 \\u0000\\u001b[2J\\r\\u2028\\\"\\\\\"", "\"code\":\"550\\\"\"");
    }

    @Test
    void serviceNeverThrowsAndLeavesTheMailAlone() throws Exception {
        LogReport mailet = new LogReport();
        mailet.init(FakeMailetConfig.builder().mailetName("LogReport").mailetContext(FakeMailContext.defaultContext())
                .setProperty("logger", "authpack.report.test").build());
        Mail mail = mail(ReportSamples.DSN);
        mailet.service(mail);
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("bounces+1@bounce.example.com"));
        Mail broken = FakeMail.builder().name("b").recipients("b@bounce.example.com").build();
        mailet.service(broken);
    }

    @Test
    void verpConfiguredNamesTheRecipientOfOurBounceAddress() throws Exception {
        Mail mail = FakeMail.builder().name("m2").recipients("bounces+gone=example.net@bounce.example.com")
                .sender(MaybeSender.nullSender()).remoteAddr("192.0.2.7")
                .mimeMessage(ReportSamples.message(ReportSamples.DSN)).build();
        assertThat(LogReport.lines(mail, MailReports.of(mail), 0, LogReport.verp("bounces", "+")))
                .singleElement().asString().contains("\"verp_recipient\":\"gone@example.net\"");
        // not one of ours (another prefix): named as null; without VERP configured: no such field
        assertThat(LogReport.lines(mail, MailReports.of(mail), 0, LogReport.verp("other", "+")))
                .singleElement().asString().contains("\"verp_recipient\":null");
        assertThat(LogReport.lines(mail, MailReports.of(mail), 0)).singleElement().asString()
                .doesNotContain("verp_recipient");
    }

    @Test
    void badVerpSettingsFailInit() {
        for (Map<String, String> bad : List.of(Map.of("verpPrefix", "bounces", "verpDelimiter", "@"),
                Map.of("verpPrefix", "bounces", "verpDelimiter", "++"), Map.of("verpPrefix", "a@b"))) {
            FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("LogReport")
                    .mailetContext(FakeMailContext.defaultContext());
            bad.forEach(config::setProperty);
            assertThatThrownBy(() -> new LogReport().init(config.build())).as(bad.toString())
                    .isInstanceOf(MessagingException.class).hasMessageContaining("accepted");
        }
    }

    @Test
    void aMisspeltParameterFailsInitInsteadOfTurningVerpOff() {
        // <verpprefix> for <verpPrefix>: without the check, VERP decoding would be silently off
        assertThatThrownBy(() -> new LogReport().init(FakeMailetConfig.builder().mailetName("LogReport")
                .mailetContext(FakeMailContext.defaultContext()).setProperty("verpprefix", "bounces").build()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("verpprefix");
    }

    @Test
    void badLoggerNameFailsInit() {
        assertThatThrownBy(() -> new LogReport().init(FakeMailetConfig.builder().mailetName("LogReport")
                .mailetContext(FakeMailContext.defaultContext()).setProperty("logger", "a b\nc").build()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("accepted");
    }
}
