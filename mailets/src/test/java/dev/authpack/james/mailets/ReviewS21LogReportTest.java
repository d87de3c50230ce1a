package dev.authpack.james.mailets;

import dev.authpack.james.MailReports;
import dev.authpack.james.ReportSamples;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 21 review: LogReport repeats the report's shared fields (the returned original's Subject, From, To,
 * the reporting MTA) on every recipient's line. A DSN of 80 KB with 1000 recipients and 1,900-character
 * returned fields wrote 8.1 MB of log per mail (100 times its size, any number of mails; measured below): the lines of
 * one mail are now bounded by {@link LogReport#MAX_OCTETS_PER_MAIL}.
 */
class ReviewS21LogReportTest {
    @Test
    void theLogOfOneMailIsBounded() throws Exception {
        StringBuilder groups = new StringBuilder("Reporting-MTA: dns; mx.example.net\n\n");
        for (int i = 0; i < 1000; i++) {
            groups.append("Final-Recipient: rfc822; u").append(i).append("@example.net\nAction: failed\n")
                    .append("Status: 5.1.1\n\n");
        }
        String dsn = "From: MAILER-DAEMON@mx.example.net\nTo: bounces@bounce.example.com\nSubject: Undelivered\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
                + "--b\nContent-Type: text/plain\n\nfailed\n"
                + "--b\nContent-Type: message/delivery-status\n\n" + groups
                + "--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <" + "m".repeat(1900) + "@x>\n"
                + "From: " + "f".repeat(1900) + "@example.com\nTo: " + "t".repeat(1900) + "@example.net\n"
                + "Subject: " + "s".repeat(1900) + "\n\n--b--\n";
        assertThat(dsn.length()).isBetween(79_000, 81_000);
        Mail mail = FakeMail.builder().name("m1").recipients("bounces@bounce.example.com")
                .sender(MaybeSender.nullSender()).mimeMessage(ReportSamples.message(dsn)).build();
        List<String> lines = LogReport.lines(mail, MailReports.of(mail), 0);
        long octets = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
        assertThat(lines).hasSizeGreaterThan(100);
        assertThat(octets).isLessThanOrEqualTo(LogReport.MAX_OCTETS_PER_MAIL);
        // what the 1000 recipients' lines would have written unbounded (the figure docs/LogReport.md gives)
        long unbounded = 1000L * (lines.get(0).getBytes(StandardCharsets.UTF_8).length + 1L);
        assertThat(unbounded).isBetween(8_000_000L, 8_300_000L);
        assertThat(lines.get(lines.size() - 1)).contains("\"type\":\"Truncated\"", "\"lines_dropped\":");
    }
}
