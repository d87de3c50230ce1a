package dev.authpack.james.mailets;

import dev.authpack.james.MailReports;
import dev.authpack.james.ReportSamples;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review of session 21 (helper 85), attacker's test: the author of the returned original (its Subject).
 * docs/LogReport.md promises "at most 1 MiB of lines per mail"; LogReport.bounded counts characters, and JsonLine
 * keeps non-ASCII text as it is: a Subject of CJK characters (three UTF-8 octets each) repeated on each of 1000
 * recipients' lines writes up to 3 MiB per mail.
 */
class ReviewS21FinalLogBytesTest {
    @Test
    void theLogOfOneMailIsAtMostOneMebibyteOfOctets() throws Exception {
        StringBuilder groups = new StringBuilder("Reporting-MTA: dns; mx.example.net\n\n");
        for (int i = 0; i < 1000; i++) {
            groups.append("Final-Recipient: rfc822; r").append(i).append("@example.net\nAction: failed\n")
                    .append("Status: 5.1.1\n\n");
        }
        String word = "=?UTF-8?B?" + Base64.getEncoder().encodeToString("漢".repeat(15)
                .getBytes(StandardCharsets.UTF_8)) + "?=";
        StringBuilder subject = new StringBuilder();
        for (int i = 0; i < 130; i++) {
            subject.append(i == 0 ? "" : "\n ").append(word);
        }
        String dsn = "From: MAILER-DAEMON@mx.example.net\nTo: bounces@bounce.example.com\nSubject: Undelivered\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
                + "--b\nContent-Type: text/plain\n\nfailed\n"
                + "--b\nContent-Type: message/delivery-status\n\n" + groups
                + "--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <x@example.com>\n"
                + "From: a@example.com\nTo: b@example.net\nSubject: " + subject + "\n\n--b--\n";
        Mail mail = FakeMail.builder().name("m1").recipients("bounces@bounce.example.com")
                .sender(MaybeSender.nullSender()).mimeMessage(ReportSamples.message(dsn)).build();
        List<String> lines = LogReport.lines(mail, MailReports.of(mail), 0);
        assertThat(lines.get(0)).contains("漢漢漢漢漢漢漢漢漢漢");
        long octets = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
        assertThat(octets).as("octets of log written for one mail").isLessThanOrEqualTo(1024 * 1024);
    }
}
