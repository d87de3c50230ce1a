package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Exim's DMARC failure report in text, without a message/feedback-report part (parsedmarc's exim sample). */
class EximDmarcFailureReportTest {
    private static byte[] report(String fields) {
        return ("From: no-reply@mx.example.net\nTo: dmarc@example.com\nSubject: DMARC Forensic Report for example.com\n"
                + "Auto-Submitted: auto-replied\nContent-Type: multipart/report; boundary=\"X\"\n\n--X\n"
                + "Content-Type: text/plain\n\nA message claiming to be from you has failed the published DMARC policy"
                + " for your domain.\n\n" + fields + "\n------ This is a copy of the headers that were received before"
                + " the error was detected.\n\nFrom: <user@example.com>\nAuthentication-Results: mx.example.net;\n"
                + "\tspf=softfail smtp.mailfrom=example.com\nSubject: hi\n\n--X--\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readAsAnAuthFailureReport() {
        Report report = new ReportParser().parse(report("  Sender Domain: example.com\n  Sender IP Address: 192.0.2.9\n"
                + "  Received date: x\n  SPF Alignment: no\n  DKIM Alignment: yes\n"));
        assertThat(report).isInstanceOf(FeedbackReport.class);
        FeedbackReport f = (FeedbackReport) report;
        assertThat(f.feedbackType()).isEqualTo("auth-failure");
        assertThat(f.authFailure()).isEqualTo("dmarc");
        assertThat(f.sourceIp()).isEqualTo("192.0.2.9");
        assertThat(f.reportedDomains()).containsExactly("example.com");
        assertThat(f.identityAlignment()).isEqualTo("dkim");
        assertThat(f.authenticationResults()).singleElement().asString().contains("spf=softfail");
        assertThat(f.standard()).isFalse();
    }

    @Test
    void withoutTheSenderIpItIsNotOne() {
        Report report = new ReportParser().parse(report("  Sender Domain: example.com\n"));
        assertThat(report).isNotInstanceOf(FeedbackReport.class);
    }
}
