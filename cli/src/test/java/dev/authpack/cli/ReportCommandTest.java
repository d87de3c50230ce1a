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
    static final String DMARC_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
              <report_metadata><org_name>receiver.example</org_name><email>dmarc@receiver.example</email>
                <report_id>rid-9</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range>
                <generator>Gen 2</generator></report_metadata>
              <policy_published><domain>example.com</domain><p>reject</p><np>quarantine</np><testing>n</testing>
                <discovery_method>treewalk</discovery_method></policy_published>
              <record><row><source_ip>192.0.2.66</source_ip><count>4</count><policy_evaluated>
                <disposition>reject</disposition><dkim>FAIL</dkim><spf>fail</spf></policy_evaluated></row>
                <identifiers><header_from>example.com</header_from></identifiers>
                <auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>fail</result></dkim>
                <spf><domain>evil.example</domain><scope>mfrom</scope><result>pass</result></spf></auth_results></record>
            </feedback>
            """;

    private static void assertAggregate(JsonNode json, String compression) {
        assertThat(json.get("type").asText()).isEqualTo("dmarc_aggregate");
        assertThat(json.get("compression").asText()).isEqualTo(compression);
        assertThat(json.get("xml_namespace").asText()).isEqualTo("urn:ietf:params:xml:ns:dmarc-2.0");
        assertThat(json.at("/report_metadata/org_name").asText()).isEqualTo("receiver.example");
        assertThat(json.at("/report_metadata/date_range/begin").isNumber()).isTrue();
        assertThat(json.at("/report_metadata/date_range/begin").asLong()).isEqualTo(1700000000L);
        assertThat(json.at("/policy_published/np").asText()).isEqualTo("quarantine");
        assertThat(json.at("/policy_published/discovery_method").asText()).isEqualTo("treewalk");
        assertThat(json.at("/records/0/count").asLong()).isEqualTo(4);
        assertThat(json.at("/records/0/policy_evaluated/dkim").asText()).isEqualTo("fail");
        assertThat(json.at("/records/0/auth_results/spf/0/scope").asText()).isEqualTo("mfrom");
        assertThat(json.at("/summary/dmarc_failing").asLong()).isEqualTo(4);
        assertThat(json.at("/summary/top_failing_sources/0/source_ip").asText()).isEqualTo("192.0.2.66");
    }

    @Test
    void bareAggregateReportFilesXmlGzipAndZip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] xml = DMARC_XML.getBytes(StandardCharsets.UTF_8);
        java.nio.file.Path plain = java.nio.file.Files.write(dir.resolve("r.xml"), xml);
        assertAggregate(ok(run("report", plain.toString())), "none");
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(xml);
        }
        java.nio.file.Path gzip = java.nio.file.Files.write(dir.resolve("r.xml.gz"), gz.toByteArray());
        assertAggregate(ok(run("report", gzip.toString())), "gzip");
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zipped)) {
            out.putNextEntry(new java.util.zip.ZipEntry("r.xml"));
            out.write(xml);
            out.closeEntry();
        }
        assertAggregate(ok(runWithInput(zipped.toByteArray(), "report", "-")), "zip");
        // a report e-mail with the gzip attached
        String mail = "From: noreply-dmarc-support@receiver.example\r\nSubject: Report Domain: example.com"
                + " Submitter: receiver.example Report-ID: rid-9\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(gz.toByteArray()) + "\r\n";
        JsonNode fromMail = ok(runWithInput(mail.getBytes(StandardCharsets.US_ASCII), "report", "-"));
        assertAggregate(fromMail, "gzip");
    }

    @Test
    void emptyOrBombedAggregateFilesAreNotReports(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.write(dir.resolve("empty.xml"), new byte[0]);
        JsonNode json = ok(run("report", empty.toString()));
        assertThat(json.get("type").asText()).isEqualTo("none");
        assertThat(json.get("kind").asText()).isEqualTo("unparseable");
        assertThat(json.get("reason").asText()).isEqualTo("empty file");
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(new byte[32 * 1024 * 1024]);
        }
        JsonNode bomb = ok(runWithInput(gz.toByteArray(), "report", "-"));
        assertThat(bomb.get("kind").asText()).isEqualTo("unparseable");
        assertThat(bomb.get("reason").asText()).contains("decompression bomb");
    }
}
