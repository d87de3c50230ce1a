package dev.authpack.cli;

import static dev.authpack.cli.CliRun.run;
import static dev.authpack.cli.CliRun.runWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReportCommandTest {
    static final String DSN = """
            From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
            To: bounces@bounce.example.com
            Subject: Undelivered Mail Returned to Sender
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net
            Original-Envelope-Id: env-42

            Final-Recipient: rfc822; gone@example.net
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 user unknown (in reply to RCPT TO command)

            --B--
            """.replace("\n", "\r\n");

    static final String ARF = """
            From: fbl@isp.example
            Content-Type: multipart/report; report-type=feedback-report; boundary="F"

            --F
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: Gen/1.0
            Version: 1
            Original-Mail-From: <b@bounce.example.com>
            Original-Rcpt-To: <u@isp.example>
            Source-IP: 192.0.2.1
            Reported-Domain: example.com

            --F--
            """;

    private static JsonNode ok(CliRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).as(run.toString()).isEmpty();
        return run.json();
    }

    @Test
    void dsnWithReasonAndHardBounce() {
        JsonNode json = ok(runWithInput(DSN.getBytes(StandardCharsets.UTF_8), "report", "-", "--mail-from", ""));
        assertThat(json.get("type").asText()).isEqualTo("dsn");
        assertThat(json.get("source").asText()).isEqualTo("rfc3464");
        assertThat(json.get("reporting_mta").asText()).isEqualTo("mx.example.net");
        assertThat(json.get("original_envelope_id").asText()).isEqualTo("env-42");
        JsonNode r = json.get("recipients").get(0);
        assertThat(r.get("final_recipient").asText()).isEqualTo("gone@example.net");
        assertThat(r.get("original_recipient").isNull()).isTrue();
        assertThat(r.get("action").asText()).isEqualTo("failed");
        assertThat(r.get("status").asText()).isEqualTo("5.1.1");
        assertThat(r.get("reason").asText()).isEqualTo("userunknown");
        assertThat(r.get("hard_bounce").asBoolean()).isTrue();
        assertThat(r.has("diagnostic_code")).isTrue();
        assertThat(r.has("remote_mta")).isTrue();
    }

    @Test
    void arfFields() {
        JsonNode json = ok(runWithInput(ARF.getBytes(StandardCharsets.UTF_8), "report", "-"));
        assertThat(json.get("type").asText()).isEqualTo("arf");
        assertThat(json.get("feedback_type").asText()).isEqualTo("abuse");
        assertThat(json.get("user_agent").asText()).isEqualTo("Gen/1.0");
        assertThat(json.get("version").asText()).isEqualTo("1");
        assertThat(json.get("original_mail_from").asText()).isEqualTo("<b@bounce.example.com>");
        assertThat(json.get("original_rcpt_to").get(0).asText()).isEqualTo("<u@isp.example>");
        assertThat(json.get("source_ip").asText()).isEqualTo("192.0.2.1");
        assertThat(json.get("reported_domain").get(0).asText()).isEqualTo("example.com");
        assertThat(json.has("arrival_date")).isTrue();
        assertThat(json.has("authentication_results")).isTrue();
    }

    @Test
    void ordinaryMailIsNone() {
        JsonNode json = ok(runWithInput("From: a@example.org\nSubject: hi\n\nhello\n".getBytes(StandardCharsets.UTF_8),
                "report", "-"));
        assertThat(json.get("type").asText()).isEqualTo("none");
        assertThat(json.get("kind").asText()).isEqualTo("ordinary");
    }

    @Test
    void unreadableInputExitsTwo() {
        CliRun run = run("report", "/nonexistent/message.eml");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).isNotEmpty();
    }
}
