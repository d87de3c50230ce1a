package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ReportParserTest {
    private static final ReportParser PARSER = new ReportParser();

    private static Report parse(String message) {
        return PARSER.parse(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private static final String DSN = """
            From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
            To: sender@example.org
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            I'm sorry to have to inform you that your message could not be delivered.

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net
            Original-Envelope-Id: env-42
            Arrival-Date: Sat, 5 Dec 2026 10:00:00 +0000

            Final-Recipient: rfc822; gone@example.com
            Original-Recipient: rfc822;Gone@example.com
            Action: failed
            Status: 5.1.1
            Remote-MTA: dns; mx.example.com
            Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: Recipient address
                rejected: User unknown in local recipient table
            Last-Attempt-Date: Sat, 5 Dec 2026 10:00:01 +0000

            Final-Recipient: rfc822; full@example.com
            Action: delayed
            Status: 4.2.2
            Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

            Final-Recipient: rfc822; fine@example.com
            Action: delivered
            Status: 2.0.0

            --B
            Content-Type: text/rfc822-headers

            Message-ID: <orig-1@example.org>
            From: sender@example.org
            To: gone@example.com
            Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=

            --B--
            """;

    @Test
    void rfc3464FieldsPerMessageAndPerRecipient() {
        DeliveryReport dsn = (DeliveryReport) parse(DSN);
        assertThat(dsn.source()).isEqualTo(Source.RFC3464);
        assertThat(dsn.reportingMta()).isEqualTo("mx.example.net");
        assertThat(dsn.originalEnvelopeId()).isEqualTo("env-42");
        assertThat(dsn.arrivalDate()).isEqualTo("Sat, 5 Dec 2026 10:00:00 +0000");
        assertThat(dsn.recipients()).hasSize(3);
        RecipientReport gone = dsn.recipients().get(0);
        assertThat(gone.finalRecipient()).isEqualTo("gone@example.com");
        assertThat(gone.originalRecipient()).isEqualTo("gone@example.com");
        assertThat(gone.action()).isEqualTo("failed");
        assertThat(gone.status()).isEqualTo("5.1.1");
        assertThat(gone.remoteMta()).isEqualTo("mx.example.com");
        assertThat(gone.diagnosticCode()).startsWith("550 5.1.1").endsWith("local recipient table");
        assertThat(gone.replyCode()).isEqualTo("550");
        assertThat(gone.lastAttemptDate()).isEqualTo("Sat, 5 Dec 2026 10:00:01 +0000");
        assertThat(gone.reason()).isEqualTo(Reason.USERUNKNOWN);
        assertThat(gone.hardBounce()).isTrue();
        RecipientReport full = dsn.recipients().get(1);
        assertThat(full.reason()).isEqualTo(Reason.MAILBOXFULL);
        assertThat(full.hardBounce()).isFalse();
        assertThat(dsn.recipients().get(2).reason()).isEqualTo(Reason.DELIVERED);
        assertThat(dsn.failedRecipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("gone@example.com", "full@example.com");
        assertThat(dsn.original()).isEqualTo(new ReturnedMessage("<orig-1@example.org>", "sender@example.org",
                "gone@example.com", "Grüße"));
    }

    @Test
    void successNotificationIsAReportWithoutFailures() {
        DeliveryReport dsn = (DeliveryReport) parse(DSN.replace("Action: failed", "Action: relayed")
                .replace("Action: delayed", "Action: expanded").replace("Status: 5.1.1", "Status: 2.0.0")
                .replace("Status: 4.2.2", "Status: 2.0.0"));
        assertThat(dsn.failedRecipients()).isEmpty();
        assertThat(dsn.recipients()).extracting(RecipientReport::reason).containsOnly(Reason.DELIVERED);
    }

    @Test
    void arfWithAuthFailureFields() {
        FeedbackReport arf = (FeedbackReport) parse("""
                From: abuse@provider.example
                To: fbl@example.org
                Subject: Authentication failure report
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="F"

                --F
                Content-Type: text/plain

                An authentication failure report.
                --F
                Content-Type: message/feedback-report

                Feedback-Type: auth-failure
                User-Agent: SomeGenerator/1.0
                Version: 1
                Original-Mail-From: <bounce@example.org>
                Original-Rcpt-To: <user@provider.example>
                Arrival-Date: Sat, 5 Dec 2026 10:00:00 +0000
                Source-IP: 192.0.2.1
                Reported-Domain: example.org
                Reported-URI: http://example.org/x
                Incidents: 3
                Authentication-Results: provider.example; dkim=fail header.d=example.org
                Auth-Failure: signature
                DKIM-Domain: example.org
                DKIM-Selector: s1
                DKIM-Identity: @example.org
                SPF-DNS: txt; example.org
                Delivery-Result: reject
                Identity-Alignment: dkim

                --F
                Content-Type: message/rfc822

                Message-ID: <m1@example.org>
                From: news@example.org
                Subject: hello

                body
                --F--
                """);
        assertThat(arf.feedbackType()).isEqualTo("auth-failure");
        assertThat(arf.standard()).isTrue();
        assertThat(arf.userAgent()).isEqualTo("SomeGenerator/1.0");
        assertThat(arf.version()).isEqualTo("1");
        assertThat(arf.originalMailFrom()).isEqualTo("<bounce@example.org>");
        assertThat(arf.originalRcptTo()).containsExactly("<user@provider.example>");
        assertThat(arf.sourceIp()).isEqualTo("192.0.2.1");
        assertThat(arf.reportedDomains()).containsExactly("example.org");
        assertThat(arf.reportedUris()).containsExactly("http://example.org/x");
        assertThat(arf.incidents()).isEqualTo("3");
        assertThat(arf.authenticationResults()).hasSize(1);
        assertThat(arf.authFailure()).isEqualTo("signature");
        assertThat(arf.dkimDomain()).isEqualTo("example.org");
        assertThat(arf.dkimSelector()).isEqualTo("s1");
        assertThat(arf.dkimIdentity()).isEqualTo("@example.org");
        assertThat(arf.spfDns()).isEqualTo("txt; example.org");
        assertThat(arf.deliveryResult()).isEqualTo("reject");
        assertThat(arf.identityAlignment()).isEqualTo("dkim");
        assertThat(arf.original().messageId()).isEqualTo("<m1@example.org>");
    }

    @Test
    void textBounceWithInferredStatus() {
        DeliveryReport bounce = (DeliveryReport) parse("""
                From: MAILER-DAEMON@mx.example.net
                To: sender@example.org
                Subject: failure notice

                Hi. This is the qmail-send program at mx.example.net.
                I'm afraid I wasn't able to deliver your message to the following addresses.
                This is a permanent error; I've given up. Sorry it didn't work out.

                <nobody-here@example.com>:
                192.0.2.2 does not like recipient.
                Remote host said: 550 sorry, no mailbox here by that name
                Giving up on 192.0.2.2.

                --- Below this line is a copy of the message.

                Return-Path: <sender@example.org>
                To: nobody-here@example.com
                """);
        assertThat(bounce.source()).isEqualTo(Source.TEXT);
        assertThat(bounce.recipients()).hasSize(1);
        RecipientReport r = bounce.recipients().get(0);
        assertThat(r.finalRecipient()).isEqualTo("nobody-here@example.com");
        assertThat(r.replyCode()).isEqualTo("550");
        assertThat(r.reason()).isEqualTo(Reason.USERUNKNOWN);
        assertThat(r.status()).isEqualTo("5.1.1");
        assertThat(r.hardBounce()).isTrue();
    }

    @Test
    void xFailedRecipientsNamesTheRecipients() {
        DeliveryReport bounce = (DeliveryReport) parse("""
                From: Mail Delivery System <Mailer-Daemon@mx.example.net>
                To: sender@example.org
                Subject: Mail delivery failed: returning message to sender
                X-Failed-Recipients: a@example.com

                This message was created automatically by mail delivery software.

                A message that you sent could not be delivered to one or more of its
                recipients. This is a permanent error. The following address(es) failed:

                  a@example.com
                    host mx.example.com [192.0.2.3]
                    SMTP error from remote mail server after RCPT TO:<a@example.com>:
                    552 5.2.2 Mailbox quota exceeded
                """);
        assertThat(bounce.recipients()).extracting(RecipientReport::finalRecipient).containsExactly("a@example.com");
        assertThat(bounce.recipients().get(0).status()).isEqualTo("5.2.2");
        assertThat(bounce.recipients().get(0).reason()).isEqualTo(Reason.MAILBOXFULL);
    }

    @Test
    void daemonWithoutKnownWordingNeedsAnSmtpReplyNearTheAddress() {
        String head = "From: \"Gateway\" <postmaster@gw.example.net>\nTo: s@example.org\nSubject: =?UTF-8?B?5L+h?=\n\n";
        DeliveryReport bounce = (DeliveryReport) parse(head + "Sent <<< RCPT TO:<u@example.com>\n"
                + "Received >>> 550 5.1.1 <u@example.com>... user unknown\n");
        assertThat(bounce.recipients()).extracting(RecipientReport::finalRecipient).containsExactly("u@example.com");
        assertThat(bounce.recipients().get(0).status()).isEqualTo("5.1.1");
        assertThat(parse(head + "Please write to u@example.com about the meeting.\n"))
                .isInstanceOf(NotAReport.class);
    }

    @Test
    void ordinaryMailAndAutoRepliesAreNotReports() {
        assertThat(parse("From: a@example.org\nTo: b@example.com\nSubject: lunch\n\nsee you at noon\n"))
                .isEqualTo(new NotAReport(NotAReport.Kind.ORDINARY, "no report markers in the header"));
        Report vacation = parse("""
                From: b@example.com
                To: a@example.org
                Subject: Out of office
                Auto-Submitted: auto-replied

                I am away until Monday. Your message could not be read. 550 5.1.1 <c@example.com> user unknown
                """);
        assertThat(vacation).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) vacation).kind()).isEqualTo(NotAReport.Kind.AUTO_REPLY);
    }

    @Test
    void ordinaryMailQuotingABounceIsNotAReport() {
        Report report = parse("""
                From: colleague@example.org
                To: me@example.org
                Subject: Re: lunch

                Did you see this?
                > 550 5.1.1 <someone@example.com>: User unknown
                """);
        assertThat(report).isInstanceOf(NotAReport.class);
    }

    @Test
    void envelopeNullSenderMarksACandidate() {
        String plain = "From: x@example.net\nTo: a@example.org\nSubject: hello\n\n"
                + "Delivery to the following recipient failed permanently:\n\n     z@example.com\n\n"
                + "550 5.1.1 The email account that you tried to reach does not exist.\n";
        byte[] bytes = plain.getBytes(StandardCharsets.UTF_8);
        assertThat(PARSER.parse(bytes)).isInstanceOf(NotAReport.class);
        assertThat(PARSER.parse(bytes, "")).isInstanceOf(DeliveryReport.class);
    }

    @Test
    void headerOnlyPreCheck() {
        java.util.Map<String, String> ordinary = java.util.Map.of("from", "a@example.org", "subject", "lunch",
                "content-type", "text/plain");
        java.util.function.Function<String, String> lookup = name -> ordinary.get(name.toLowerCase());
        assertThat(ReportParser.mayBeReport(lookup, "a@example.org")).isFalse();
        assertThat(ReportParser.mayBeReport(lookup, null)).isFalse();
        assertThat(ReportParser.mayBeReport(lookup, "")).isTrue();
        assertThat(ReportParser.mayBeReport(name -> name.equals("Content-Type")
                ? "multipart/report;\r\n report-type=feedback-report; boundary=x" : null, null)).isTrue();
        assertThat(ReportParser.mayBeReport(name -> name.equals("From")
                ? "Mail Delivery System <MAILER-DAEMON@mx.example.net>" : null, null)).isTrue();
        assertThat(ReportParser.mayBeReport(name -> name.equals("Subject")
                ? "=?UTF-8?Q?Undeliverable:_hello?=" : null, null)).isTrue();
        assertThat(ReportParser.mayBeReport(name -> name.equals("X-Failed-Recipients") ? "x@example.com" : null,
                null)).isTrue();
    }

    // ---- hostile input: never throws, bounded ----

    @Test
    void garbageAndEmptyInputNeverThrow() {
        assertThat(PARSER.parse(new byte[0])).isInstanceOf(NotAReport.class);
        byte[] noise = new byte[100_000];
        new java.util.Random(7).nextBytes(noise);
        assertThat(PARSER.parse(noise)).isInstanceOf(NotAReport.class);
        assertThat(PARSER.parse(noise, "")).isNotNull();
    }

    @Test
    void deepNestingStopsAtTheDepthLimit() {
        StringBuilder m = new StringBuilder("From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
                + "report-type=delivery-status; boundary=\"b0\"\n\n");
        int levels = ReportLimits.DEFAULT_MAX_DEPTH + 50;
        for (int i = 1; i <= levels; i++) {
            m.append("--b").append(i - 1).append("\nContent-Type: multipart/mixed; boundary=\"b").append(i)
                    .append("\"\n\n");
        }
        m.append("--b").append(levels).append("\nContent-Type: message/delivery-status\n\n")
                .append("Final-Recipient: rfc822; deep@example.com\nAction: failed\nStatus: 5.1.1\n");
        Report report = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> parse(m.toString()));
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).reason()).contains("nesting deeper than");
    }

    @Test
    void manyPartsStopAtThePartLimit() {
        StringBuilder m = new StringBuilder("From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
                + "report-type=delivery-status; boundary=\"b\"\n\n");
        for (int i = 0; i < ReportLimits.DEFAULT_MAX_PARTS + 10; i++) {
            m.append("--b\nContent-Type: text/plain\n\npart ").append(i).append('\n');
        }
        m.append("--b\nContent-Type: message/delivery-status\n\n")
                .append("Final-Recipient: rfc822; late@example.com\nAction: failed\nStatus: 5.1.1\n--b--\n");
        Report report = parse(m.toString());
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).reason()).contains("more than " + ReportLimits.DEFAULT_MAX_PARTS);
    }

    @Test
    void hugePartIsReadOnlyUpToTheTextLimit() {
        ReportLimits small = new ReportLimits(ReportLimits.DEFAULT_MAX_OCTETS, 8, 64, 1000, 1000, 10);
        String filler = "x".repeat(1_000_000);
        String message = "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
                + "report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n" + filler
                + "\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; r@example.com\n"
                + "Action: failed\nStatus: 5.2.2\n--b--\n";
        MimeScan scan = MimeScan.of(message.getBytes(StandardCharsets.US_ASCII), small);
        assertThat(scan.parts()).allSatisfy(p -> assertThat(p.text().length()).isLessThanOrEqualTo(2000));
        DeliveryReport dsn = (DeliveryReport) new ReportParser(small).parse(message.getBytes(StandardCharsets.US_ASCII));
        assertThat(dsn.recipients().get(0).reason()).isEqualTo(Reason.MAILBOXFULL);
    }

    @Test
    void octetLimitTruncatesTheMessage() {
        ReportLimits small = new ReportLimits(200, 8, 64, 1000, 1000, 10);
        String message = "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
                + "report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
                + "y".repeat(500) + "\n--b\nContent-Type: message/delivery-status\n\n"
                + "Final-Recipient: rfc822; r@example.com\nAction: failed\nStatus: 5.2.2\n--b--\n";
        assertThat(new ReportParser(small).parse(message.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(NotAReport.class);
        assertThat(PARSER.parse(message.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(DeliveryReport.class);
    }

    @Test
    void recipientLimit() {
        StringBuilder fields = new StringBuilder("Reporting-MTA: dns; x.example\n");
        for (int i = 0; i < 20; i++) {
            fields.append("\nFinal-Recipient: rfc822; r").append(i).append("@example.com\nAction: failed\n")
                    .append("Status: 5.1.1\n");
        }
        String message = "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
                + "report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: message/delivery-status\n\n"
                + fields + "--b--\n";
        ReportLimits five = new ReportLimits(ReportLimits.DEFAULT_MAX_OCTETS, 8, 64, 1000, 1000, 5);
        assertThat(((DeliveryReport) new ReportParser(five).parse(message.getBytes(StandardCharsets.US_ASCII)))
                .recipients()).hasSize(5);
    }

    @Test
    void recipientLimitAppliesToFeedbackReports() {
        // found by ReportParserFuzzTest: a feedback report's original recipients were not bounded by maxRecipients
        ReportLimits two = new ReportLimits(ReportLimits.DEFAULT_MAX_OCTETS, 8, 64, 1000, 1000, 2);
        String arf = "From: abuse@x.example\nContent-Type: multipart/report; report-type=feedback-report; "
                + "boundary=\"b\"\n\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
                + "Original-Rcpt-To: a@example.com\nOriginal-Rcpt-To: b@example.com\nOriginal-Rcpt-To: c@example.com\n"
                + "--b--\n";
        String apple = "From: u@example.com\nTo: a@example.com, b@example.com, c@example.com\n"
                + "X-Apple-Unsubscribe: true\n\n\n";
        for (String message : List.of(arf, apple)) {
            Report report = new ReportParser(two).parse(message.getBytes(StandardCharsets.US_ASCII));
            assertThat(((FeedbackReport) report).originalRcptTo()).hasSize(2);
        }
    }

    @Test
    void headerFieldLimit() {
        StringBuilder m = new StringBuilder("From: MAILER-DAEMON@x.example\n");
        for (int i = 0; i < ReportLimits.DEFAULT_MAX_HEADER_FIELDS + 10; i++) {
            m.append("X-Filler-").append(i).append(": v\n");
        }
        m.append("\nbody\n");
        Report report = parse(m.toString());
        assertThat(report).isInstanceOf(NotAReport.class);
    }

    @Test
    void malformedHeadersAndMissingBoundaryNeverThrow() {
        assertThat(parse("From MAILER-DAEMON\n::::\n\u0000\u0001: x\nContent-Type: multipart/report\n\n--\n--\n"))
                .isInstanceOf(NotAReport.class);
        // report content type without a boundary parameter: the body is read as text
        Report noBoundary = parse("From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
                + "report-type=delivery-status\n\nReporting-MTA: dns; x.example\n\nFinal-Recipient: rfc822; "
                + "nb@example.com\nAction: failed\nStatus: 5.1.1\n");
        assertThat(noBoundary).isNotNull();
        assertThat(parse("Content-Type: text/plain; charset=no-such-charset\nFrom: postmaster@x.example\n"
                + "Subject: Undeliverable\n\nDelivery has failed to these recipients or groups:\n\n"
                + "u@example.com\n550 5.1.1 user unknown\n")).isInstanceOf(DeliveryReport.class);
    }

    @Test
    void manyRecipientsWithLongTextStayFast() {
        StringBuilder text = new StringBuilder("From: MAILER-DAEMON@x.example\nTo: s@example.org\n"
                + "Subject: Undeliverable\n\nDelivery has failed to these recipients or groups:\n\n");
        for (int i = 0; i < ReportLimits.DEFAULT_MAX_RECIPIENTS; i++) {
            text.append("r").append(i).append("@example.com\n");
        }
        text.append("zz ".repeat(40_000)).append('\n');
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        DeliveryReport report = (DeliveryReport) assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> PARSER.parse(bytes));
        assertThat(report.recipients()).hasSize(ReportLimits.DEFAULT_MAX_RECIPIENTS);
        assertThat(report.recipients()).extracting(RecipientReport::reason).containsOnly(Reason.ONHOLD);
    }

    @Test
    void manyDsnRecipientsWithLongTextStayFast() {
        StringBuilder fields = new StringBuilder("Reporting-MTA: dns; x.example\n");
        for (int i = 0; i < ReportLimits.DEFAULT_MAX_RECIPIENTS; i++) {
            fields.append("\nFinal-Recipient: rfc822; r").append(i).append("@example.com\nAction: failed\n")
                    .append("Status: 5.0.0\n");
        }
        String message = "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
                + "report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
                + "zz ".repeat(40_000) + "\n--b\nContent-Type: message/delivery-status\n\n" + fields + "--b--\n";
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        DeliveryReport report = (DeliveryReport) assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> PARSER.parse(bytes));
        assertThat(report.recipients()).hasSize(ReportLimits.DEFAULT_MAX_RECIPIENTS);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ReportLimits(0, 1, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseTimeIsBounded() {
        assertThat(ReportLimits.DEFAULTS.maxParseTime()).isEqualTo(ReportLimits.DEFAULT_MAX_PARSE_TIME);
        ReportLimits instant = new ReportLimits(ReportLimits.DEFAULT_MAX_OCTETS, 8, 64, 1000, 1000, 10,
                Duration.ofNanos(1));
        Report report = new ReportParser(instant).parse(DSN.getBytes(StandardCharsets.UTF_8));
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).kind()).isEqualTo(NotAReport.Kind.UNPARSEABLE);
        assertThat(((NotAReport) report).reason()).startsWith("parse took longer than");
        // the same message within the default bound
        assertThat(PARSER.parse(DSN.getBytes(StandardCharsets.UTF_8))).isInstanceOf(DeliveryReport.class);
        assertThatThrownBy(() -> new ReportLimits(1, 1, 1, 1, 1, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void undeclaredIso2022JpBodyIsDecoded() {
        // "このアドレスは存在しません" (this address does not exist) with "user unknown" in Japanese mail's usual
        // ISO-2022-JP, no charset parameter (mime4j assumes us-ascii)
        String japanese = "宛先ユーザーが見つかりません";
        byte[] jis = japanese.getBytes(java.nio.charset.Charset.forName("ISO-2022-JP"));
        byte[] head = ("From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\nContent-Type: text/plain\n\n"
                + "Delivery has failed to these recipients or groups:\n\nu@example.com\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[head.length + jis.length + 1];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(jis, 0, message, head.length, jis.length);
        message[message.length - 1] = '\n';
        MimeScan scan = MimeScan.of(message, ReportLimits.DEFAULTS);
        assertThat(scan.parts().get(0).text()).contains(japanese);
        DeliveryReport report = (DeliveryReport) PARSER.parse(message);
        assertThat(report.recipients().get(0).diagnosticCode()).contains(japanese);
    }

    @Test
    void undeclaredCharsetFallsBackFromUtf8ToWindows1252() {
        byte[] utf8 = "naïve é".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(utf8, MimeScan.charset(null, utf8))).isEqualTo("naïve é");
        byte[] latin = "naïve é".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(new String(latin, MimeScan.charset("us-ascii", latin))).isEqualTo("naïve é");
        assertThat(MimeScan.charset("no-such-charset", "abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(StandardCharsets.UTF_8);
        assertThat(MimeScan.charset("iso-8859-2", latin).name()).isEqualTo("ISO-8859-2");
    }

    @Test
    void charsetNamesAreRememberedUpToTheBound() {
        byte[] latin = "naïve é".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < MimeScan.MAX_CACHED_CHARSET_NAMES + 50; i++) {
            // unknown names from the sender: the answer stays right, the memory bounded
            assertThat(MimeScan.charset("x-unknown-" + i, latin).name()).isEqualTo("windows-1252");
        }
        assertThat(MimeScan.cachedCharsetNames()).isEqualTo(MimeScan.MAX_CACHED_CHARSET_NAMES);
        assertThat(MimeScan.charset("iso-8859-2", latin).name()).isEqualTo("ISO-8859-2");
        assertThat(MimeScan.lookup("no such charset!")).isEmpty();
    }
}
