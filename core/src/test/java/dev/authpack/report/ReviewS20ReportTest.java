package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 20 review of the report parsers: what a bounce's sender writes reaches the log line of LogReport. A DSN
 * labelled ISO-8859-1 decodes octet 0x85 to U+0085 (NEL, a line end to readers that split at Unicode line ends) and
 * 0x9B to U+009B (the 8-bit CSI of terminals); both went into the JSON line raw.
 */
class ReviewS20ReportTest {
    private static final String DSN = "From: MAILER-DAEMON@mx.example.net\r\nTo: a@example.com\r\n"
            + "Subject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n"
            + "\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
            + "--b\r\nContent-Type: message/delivery-status; charset=iso-8859-1\r\n\r\n"
            + "Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; user@example.com\r\n"
            + "Action: failed\r\nStatus: 5.1.1\r\n"
            + "Diagnostic-Code: smtp; 550 no such user\u0085{\"forged\":true}\u009b2J\r\n\r\n--b--\r\n";

    @Test
    void c1ControlsFromAReportAreEscapedInTheLogLine() {
        Report report = new ReportParser().parse(DSN.getBytes(StandardCharsets.ISO_8859_1), "");
        assertThat(report).isInstanceOf(DeliveryReport.class);
        String line = JsonLine.of(ReportFields.of(report));
        assertThat(line).contains("550 no such user\\u0085{\\\"forged\\\":true}\\u009b2J")
                .doesNotContain("\u0085", "\u009b");
    }

    @Test
    void everyC1ControlIsEscaped() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x80; c <= 0x9f; c++) {
            all.append(c);
        }
        String json = JsonLine.of(Map.of("k", List.of(all.toString())));
        for (char c = 0x80; c <= 0x9f; c++) {
            assertThat(json).doesNotContain(String.valueOf(c)).contains(String.format("\\u%04x", (int) c));
        }
        assertThat(JsonLine.of("caf\u00e9 \u00a0")).isEqualTo("\"caf\u00e9 \u00a0\""); // printable Latin-1 stays
    }
}
