package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Session 21 attacker's review of the report parsers: the sender of a report is the attacker.
 */
class ReviewS21ReportTest {
    private static final String FORGED_STATUS = "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
            + "Reporting-MTA: dns; mx.victim.example\r\n\r\nFinal-Recipient: rfc822; ceo@victim.example\r\n"
            + "Action: failed\r\nStatus: 5.1.1\r\n";

    /**
     * A text part holding "--b" inside a line, then what looks like a delivery-status part. Every RFC 2046 §5.1.1
     * reader (a mail client) sees one text/plain part: a delimiter starts a line. mime4j 0.8.9 takes the
     * occurrence for a delimiter where its buffer is refilled, and MimeScan then read a message/delivery-status
     * part that no client shows: a forged bounce for ceo@victim.example. Every length of the text before it is
     * tried around the refill point (4,063 octets here). (The fields in a text part are read as a DSN
     * all the same, as DsnParser reads a common malformation: the report is what the text a client shows says.)
     */
    @Test
    void aDelimiterInsideALineNeverSplitsAReport() {
        for (int n = 3_800; n < 4_400; n++) {
            String message = "From: someone@sender.example\r\nTo: a@example.com\r\nSubject: Undelivered mail\r\n"
                    + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
                    + "--b\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(n) + FORGED_STATUS + "\r\n--b--\r\n";
            byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
            MimeScan scan = MimeScan.of(bytes, ReportLimits.DEFAULTS);
            assertThat(scan.parts()).as("text of %d octets", n).extracting(MimeScan.Part::mimeType)
                    .containsExactly("text/plain");
            assertThat(scan.parts().get(0).text()).as("text of %d octets", n)
                    .contains("Final-Recipient: rfc822; ceo@victim.example");
            // the report read is the one read from the text a client shows (the delimiter's "--" made "-~")
            byte[] shown = message.replace("x" + FORGED_STATUS, "x-~" + FORGED_STATUS.substring(2))
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertThat(new ReportParser().parse(bytes, "")).as("text of %d octets", n)
                    .isEqualTo(new ReportParser().parse(shown, ""));
        }
    }

    /** The same message with the delimiter at a line start is the genuine report: still read as one. */
    @Test
    void aDelimiterAtALineStartStillSplits() {
        String message = "From: MAILER-DAEMON@mx.victim.example\r\nTo: a@example.com\r\nSubject: Undelivered\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(5000) + "\r\n" + FORGED_STATUS + "\r\n--b--\r\n";
        Report report = new ReportParser().parse(message.getBytes(StandardCharsets.ISO_8859_1), "");
        assertThat(report).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) report).source()).isEqualTo(Source.RFC3464);
        assertThat(((DeliveryReport) report).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("ceo@victim.example");
    }

    /**
     * Only the delimiters a client sees count, also for a nested multipart whose boundary the mis-split hid, and
     * the text of a part keeps every octet but the neutralised delimiter's.
     */
    @Test
    void midLineDelimitersOfNestedMultipartsAreTextToo() {
        for (int n = 4_000; n < 4_200; n++) {
            String message = "From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"o\"\r\n\r\n"
                    + "--o\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
                    + "--b\r\nContent-Type: text/plain\r\n\r\n" + "y".repeat(n) + FORGED_STATUS
                    + "\r\n--b--\r\n\r\n--o--\r\n";
            MimeScan scan = MimeScan.of(message.getBytes(StandardCharsets.ISO_8859_1), ReportLimits.DEFAULTS);
            assertThat(scan.parts()).as("text of %d octets", n).extracting(MimeScan.Part::mimeType)
                    .containsExactly("text/plain");
            assertThat(scan.problem()).isNull();
        }
    }

    /**
     * More than MimeScan.MAX_BOUNDARIES distinct boundaries (33 empty multiparts after the report's parts) stopped
     * the search for delimiters inside lines but kept the scan: the mis-split part, here a forged
     * message/feedback-report no client shows, was read all the same. Such a scan now has no parts.
     */
    @Test
    void tooManyBoundariesFailClosed() {
        StringBuilder empties = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            empties.append("--b\r\nContent-Type: multipart/mixed; boundary=\"e").append(i).append("\"\r\n\r\nnothing\r\n");
        }
        for (int n = 3_800; n < 4_400; n++) {
            String message = "From: someone@sender.example\r\nTo: a@example.com\r\nSubject: complaint\r\n"
                    + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\r\n\r\n"
                    + "--b\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(n)
                    + "--b\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n"
                    + "Original-Rcpt-To: ceo@victim.example\r\n\r\n" + empties + "--b--\r\n";
            assertThat(new ReportParser().parse(message.getBytes(StandardCharsets.ISO_8859_1), ""))
                    .as("text of %d octets", n).isNotInstanceOf(FeedbackReport.class);
        }
    }

    /** The address after a match that ends inside a run of address characters is not read from mid-run. */
    @Test
    void anAddressIsReadFromTheStartOfItsRunOnly() {
        // "a@b" ends mid-run; the old pattern then found "d@e" after the second '@': neither a client nor the
        // pre-s20 pattern ("_c@d") reads that address
        assertThat(TextBounceParser.addresses("a@b_c@d@e")).containsExactly("a@b");
        assertThat(TextBounceParser.addresses("x@@y@z.example")).isEmpty();
        assertThat(TextBounceParser.addresses("a@b.example, c@d.example")).containsExactly("a@b.example",
                "c@d.example");
        assertThat(TextBounceParser.addresses("<a@b.example>,\"c@d.example\" e@f.example.")).containsExactly(
                "a@b.example", "c@d.example", "e@f.example");
    }

    @Test
    void anAddressRunIsReadInLinearTime() {
        String garbage = "a@b_".repeat(75_000) + "c@d";
        long start = System.nanoTime();
        assertThat(TextBounceParser.addresses(garbage)).containsExactly("a@b");
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    /**
     * ~100,000 empty gzip members: the JDK's GZIPInputStream reads the next member by calling itself, and its
     * stack overflowed (then caught as StackOverflowError). A bounded number of members is read, iteratively.
     */
    @Test
    void manyEmptyGzipMembersAreRejectedWithoutDeepRecursion() throws IOException {
        byte[] member = gzip(new byte[0]);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 100_000; i++) {
            all.write(member);
        }
        byte[] file = all.toByteArray();
        assertThatThrownBy(() -> ReportArchive.unpack(file, ReportLimits.DEFAULTS, Deadline.NONE))
                .isInstanceOf(ReportArchive.Rejected.class).hasMessageContaining("gzip members");
        Report report = new ReportParser().parseFile(file, null);
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).reason()).contains("gzip members");
    }

    @Test
    void gzipMembersAreJoinedAndTrailingJunkIgnored() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(gzip("<feedback><report_metadata><org_name>o".getBytes(StandardCharsets.US_ASCII)));
        all.write(gzip(new byte[0]));
        all.write(gzip("rg</org_name></report_metadata></feedback>".getBytes(StandardCharsets.US_ASCII)));
        all.write("\0\0junk".getBytes(StandardCharsets.US_ASCII));
        ReportArchive.Unpacked unpacked = ReportArchive.unpack(all.toByteArray(), ReportLimits.DEFAULTS,
                Deadline.NONE);
        assertThat(new String(unpacked.xml(), StandardCharsets.US_ASCII))
                .isEqualTo("<feedback><report_metadata><org_name>org</org_name></report_metadata></feedback>");
        assertThat(unpacked.compression()).isEqualTo("gzip");
    }

    @Test
    void aCorruptOrCutGzipIsRejected() throws IOException {
        byte[] good = gzip("<feedback/>".getBytes(StandardCharsets.US_ASCII));
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 6);
        assertThatThrownBy(() -> ReportArchive.unpack(cut, ReportLimits.DEFAULTS, Deadline.NONE))
                .isInstanceOf(ReportArchive.Rejected.class);
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 8] ^= 1;
        assertThatThrownBy(() -> ReportArchive.unpack(badCrc, ReportLimits.DEFAULTS, Deadline.NONE))
                .isInstanceOf(ReportArchive.Rejected.class);
        byte[] header = java.util.Arrays.copyOf(good, 5);
        assertThatThrownBy(() -> ReportArchive.unpack(header, ReportLimits.DEFAULTS, Deadline.NONE))
                .isInstanceOf(ReportArchive.Rejected.class);
    }

    /**
     * Bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C) from a report went into the LogReport line
     * raw: a log viewer shows the rest of the line reversed ("Trojan Source", CVE-2021-42574), so a recipient or
     * diagnostic can be made to read as something else.
     */
    @Test
    void bidiControlsAreEscapedInTheLogLine() {
        String forged = "user@example.com\u202E moc.live@liam \u2066x\u2069\u200E\u200F\u061C";
        String json = JsonLine.of(Map.of("recipient", List.of(forged)));
        for (char c : new char[] {'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068',
                '\u2069', '\u200E', '\u200F', '\u061C'}) {
            assertThat(JsonLine.of(String.valueOf(c))).isEqualTo(String.format("\"\\u%04x\"", (int) c));
        }
        assertThat(json).contains("user@example.com\\u202e moc.live@liam \\u2066x\\u2069\\u200e\\u200f\\u061c");
    }

    /**
     * A genuine qmail bounce quotes the original inline, and the original's body is the attacker's: DSN fields
     * there ("Final-Recipient: rfc822; ceo@victim.example", "Action: failed") were read by DsnParser's text-part
     * fallback as the report's own (source rfc3464), and the recipient the MTA named was lost: the attacker gets
     * any address marked as a hard bounce by a bounce that a real, authenticated MTA sent.
     */
    @Test
    void dsnFieldsInTheQuotedOriginalAreNotTheReport() {
        String bounce = "From: MAILER-DAEMON@mx.example.net\r\nTo: list-bounces@example.com\r\n"
                + "Subject: failure notice\r\n\r\n"
                + "Hi. This is the qmail-send program at mx.example.net.\r\n"
                + "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n"
                + "This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n"
                + "<nobody@mx.example.net>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n"
                + "--- Below this line is a copy of the message.\r\n\r\n"
                + "Return-Path: <list-bounces@example.com>\r\nFrom: attacker@evil.example\r\n"
                + "To: nobody@mx.example.net\r\nSubject: hi\r\n\r\n"
                + "Reporting-MTA: dns; mx.victim.example\r\n\r\nFinal-Recipient: rfc822; ceo@victim.example\r\n"
                + "Action: failed\r\nStatus: 5.1.1\r\n";
        Report report = new ReportParser().parse(bounce.getBytes(StandardCharsets.US_ASCII), "");
        assertThat(report).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) report).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("nobody@mx.example.net");
        assertThat(((DeliveryReport) report).source()).isEqualTo(Source.TEXT);
    }

    /**
     * Exim's DMARC failure report copies the received header section, the attacker's: a "Sender IP Address:" field
     * there stood in for the one Exim did not write (the fields are read once each, the first kept).
     */
    @Test
    void eximFieldsInTheCopiedHeadersAreNotTheReport() {
        String report = "From: no-reply@mx.example.net\nTo: dmarc@example.com\nSubject: DMARC Forensic Report\n"
                + "Content-Type: multipart/report; boundary=\"X\"\n\n--X\nContent-Type: text/plain\n\n"
                + "A message claiming to be from you has failed the published DMARC policy for your domain.\n\n"
                + "  Sender Domain: example.com\n\n------ This is a copy of the headers that were received before"
                + " the error was detected.\n\nFrom: <user@example.com>\nSender IP Address: 203.0.113.66\n"
                + "Subject: hi\n\n--X--\n";
        Report parsed = new ReportParser().parse(report.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed).isNotInstanceOf(FeedbackReport.class);
    }

    /**
     * A genuine DSN returns the original as message/rfc822, and the original's header is the attacker's: an
     * X-HmXmrOriginalRecipient field there (Microsoft's JMRP marks its complaints so) made the bounce an "abuse"
     * complaint about ceo@victim.example. JMRP is Microsoft's: From staff@hotmail.com, and no delivery-status part.
     */
    @Test
    void aBounceReturningAJmrpLookingOriginalIsNoComplaint() {
        String dsn = "From: MAILER-DAEMON@mx.example.net\r\nTo: list-bounces@example.com\r\nSubject: Undelivered\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
                + "Final-Recipient: rfc822; nobody@mx.example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: attacker@evil.example\r\n"
                + "X-HmXmrOriginalRecipient: ceo@victim.example\r\nSubject: hi\r\n\r\nbody\r\n--b--\r\n";
        Report report = new ReportParser().parse(dsn.getBytes(StandardCharsets.US_ASCII), "");
        assertThat(report).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) report).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("nobody@mx.example.net");
        String mixed = dsn.replace("MAILER-DAEMON@mx.example.net", "postmaster@mx.example.net")
                .replace("multipart/report; report-type=delivery-status", "multipart/mixed")
                .replace("message/delivery-status", "text/plain");
        assertThat(new ReportParser().parse(mixed.getBytes(StandardCharsets.US_ASCII), ""))
                .isNotInstanceOf(FeedbackReport.class);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }
}
