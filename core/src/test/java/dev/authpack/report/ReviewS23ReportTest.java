package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23 attacker's review of the report parsers. The sender of a report is the attacker; so is the sender of
 * the original a genuine bounce returns (backscatter: the attacker writes our VERP bounce address as MAIL FROM of a
 * message to a mailbox that does not exist, and a reputable MTA, whose bounce passes every authentication check,
 * returns the attacker's text to us).
 */
class ReviewS23ReportTest {
    /** A genuine qmail bounce (qmail-send's fixed wording) quoting the original after its separator line. */
    private static String qmailBounceOf(String originalBody) {
        return "Return-Path: <>\n"
                + "From: MAILER-DAEMON@mx.remote.example\n"
                + "To: bounces+alice=example.com@bounce.example.com\n"
                + "Subject: failure notice\n"
                + "Date: Mon, 1 Dec 2026 10:00:00 +0000\n"
                + "Message-ID: <bounce-1@mx.remote.example>\n"
                + "\n"
                + "Hi. This is the qmail-send program at mx.remote.example.\n"
                + "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                + "This is a permanent error; I've given up. Sorry it didn't work out.\n"
                + "\n"
                + "<nouser@remote.example>:\n"
                + "Sorry, I couldn't find any host named remote.example. (#5.1.2)\n"
                + "\n"
                + "--- Below this line is a copy of the message.\n"
                + "\n"
                + "Return-Path: <bounces+alice=example.com@bounce.example.com>\n"
                + "Received: (qmail 1234 invoked from network); 1 Dec 2026 10:00:00 -0000\n"
                + "Message-ID: <attack-1@evil.example>\n"
                + "From: someone@evil.example\n"
                + "To: nouser@remote.example\n"
                + "Subject: hello\n"
                + "\n"
                + originalBody;
    }

    private static Report parse(String message) {
        return new ReportParser().parse(message.getBytes(StandardCharsets.UTF_8), "");
    }

    /**
     * The attacker's original holds another family's wording (Postfix's "This is the mail system at host") and a
     * recipient line after it. The family was chosen from the first 16 Ki characters of the whole text, the
     * quoted original included, and the per-recipient section started at that family's start phrase wherever it
     * was: inside the original. The genuine bounce was read as a hard bounce (userunknown) of victim@example.com,
     * an address of the attacker's choosing, and the recipient that really failed was lost. Failed before the fix.
     */
    @Test
    void anotherFamilysWordingInTheQuotedOriginalDoesNotChooseTheRecipients() {
        String forged = "This is the mail system at host evil.example.\n\n"
                + "<victim@example.com>: host mx.example.com said: 550 5.1.1 <victim@example.com>:\n"
                + "    Recipient address rejected: User unknown in local recipient table\n";
        Report attacked = parse(qmailBounceOf(forged));
        Report plain = parse(qmailBounceOf("Hello there.\n"));

        assertThat(plain).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) plain).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("nouser@remote.example");
        assertThat(attacked).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) attacked).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("nouser@remote.example");
        assertThat(attacked).isEqualTo(plain);
    }

    /**
     * A delay warning's words ("will be retried") in the attacker's original made the genuine failure a delay:
     * action {@code delayed}, a hard bounce reported as a soft one. Failed before the fix.
     */
    @Test
    void aWarningsWordsInTheQuotedOriginalDoNotMakeAFailureADelay() {
        Report attacked = parse(qmailBounceOf("This is a warning only; your message will be retried.\n"));
        assertThat(attacked).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) attacked).recipients()).extracting(RecipientReport::action)
                .containsExactly("failed");
        assertThat(((DeliveryReport) attacked).recipients()).extracting(RecipientReport::hardBounce)
                .containsExactly(true);
    }

    /**
     * The same with a family whose every notice means one thing (Google Groups' help address: "rejected"): the
     * attacker's original chose the family, and with it the reason of a recipient whose text gives none.
     */
    @Test
    void aFamilysWordingInTheQuotedOriginalDoesNotChooseTheFamily() {
        String message = qmailBounceOf("See https://groups.google.com/support for help.\n");
        String body = message.substring(message.indexOf("\n\n") + 2);
        assertThat(TextBounceParser.family("failure notice", body)).extracting(TextBounceFamily::name)
                .isEqualTo("qmail");
    }

    /**
     * A DMARC aggregate report whose extension nests 100,000 elements (well-formed, 700 KB of XML, a few KB as a
     * gzip attachment). The JDK's StAX reader holds an entry per open element (about 45 octets each, measured: 90 MB
     * for 2 million levels, which 16 MiB of decompressed XML allow 2.8 times over), bounded only by the 1 s parse
     * time; the report was read. Nesting deeper than {@value AggregateXml#MAX_DEPTH} is now refused when it is met.
     * Failed before the fix (the report was read).
     */
    @Test
    void deeplyNestedAggregateXmlIsRefusedAtTheDepthBound() throws IOException {
        int depth = 100_000;
        String xml = "<?xml version=\"1.0\"?><feedback><report_metadata><org_name>r.example</org_name>"
                + "<report_id>1</report_id></report_metadata><policy_published><domain>example.com</domain>"
                + "<p>none</p></policy_published><extension>" + "<x>".repeat(depth) + "</x>".repeat(depth)
                + "</extension><record><row><source_ip>192.0.2.1</source_ip><count>1</count></row></record>"
                + "</feedback>";
        Report file = new ReportParser().parseFile(xml.getBytes(StandardCharsets.UTF_8), null);
        assertThat(file).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) file).kind()).isEqualTo(NotAReport.Kind.UNPARSEABLE);
        assertThat(((NotAReport) file).reason()).contains("nested deeper than " + AggregateXml.MAX_DEPTH);

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
        }
        String mail = "From: noreply-dmarc@r.example\r\nTo: rua@dmarc.example.com\r\n"
                + "Subject: Report Domain: example.com Submitter: r.example Report-ID: 1\r\n"
                + "Content-Type: application/gzip; name=\"r.example!example.com!1!2.xml.gz\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(gz.toByteArray()) + "\r\n";
        Report report = new ReportParser().parse(mail.getBytes(StandardCharsets.US_ASCII), "a@r.example");
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).reason()).contains("nested deeper than " + AggregateXml.MAX_DEPTH);
    }

    /** A real report's depth (feedback/record/auth_results/dkim/domain, in a wrapper) is far below the bound. */
    @Test
    void anOrdinaryAggregateReportInAWrapperIsStillRead() {
        String xml = "<?xml version=\"1.0\"?><wrap><wrap><feedback><report_metadata><org_name>r.example</org_name>"
                + "</report_metadata><record><row><source_ip>192.0.2.1</source_ip><count>3</count></row>"
                + "<auth_results><dkim><domain>example.com</domain><result>pass</result></dkim></auth_results>"
                + "</record></feedback></wrap></wrap>";
        Report report = new ReportParser().parseFile(xml.getBytes(StandardCharsets.UTF_8), null);
        assertThat(report).isInstanceOf(AggregateReport.class);
        assertThat(((AggregateReport) report).records()).singleElement()
                .satisfies(r -> assertThat(r.dkimResults()).hasSize(1));
    }

    /**
     * RFC 6533 §3: a {@code utf-8} address type writes a non-ASCII character as {@code \x{HHHH}}
     * (EmbeddedUnicodeChar), in message/delivery-status always and in message/global-delivery-status when the
     * generator chooses. The address was kept encoded ("j\x{00f6}rg@..."), so it never equalled the address the
     * mail was sent to (nor a VERP recipient). A code point below U+0080 is left as written: decoding may not
     * make a control character. Failed before the fix.
     */
    @Test
    void utf8AddressTypeEmbeddedCharactersAreDecoded() {
        String message = "From: MAILER-DAEMON@mx.example\r\nTo: bounces@bounce.example.com\r\n"
                + "Subject: Undelivered\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
                + "--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
                + "--B\r\nContent-Type: message/global-delivery-status\r\n\r\n"
                + "Reporting-MTA: dns; mx.example\r\n\r\n"
                + "Final-Recipient: utf-8; j\\x{00F6}rg@\\x{4F8B}.example\r\n"
                + "Original-Recipient: UTF-8; j\\x{F6}rg@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "Final-Recipient: utf-8; a\\x{000A}b\\x{D800}c\\x{110000}d@example.com\r\n"
                + "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "Final-Recipient: rfc822; j\\x{00F6}rg@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                + "\r\n--B--\r\n";
        Report report = parse(message);
        assertThat(report).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) report).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("jörg@例.example", "a\\x{000a}b\\x{d800}c\\x{110000}d@example.com",
                        "j\\x{00f6}rg@example.com");
        assertThat(((DeliveryReport) report).recipients().get(0).originalRecipient()).isEqualTo("jörg@example.com");
    }

    /**
     * Arrival-Date of RFC 5965 §3.2 under its earlier name Received-Date, which the drafts used and feedback loops
     * still send (sisimai's arf-01 sample): the date was lost. When both are given, Arrival-Date is read. Failed
     * before the fix.
     */
    @Test
    void aFeedbackReportsReceivedDateIsItsArrivalDate() {
        String report = "From: fbl@isp.example\r\nTo: fbl@fbl.example.com\r\nSubject: complaint\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"B\"\r\n\r\n"
                + "--B\r\nContent-Type: text/plain\r\n\r\nabuse report\r\n"
                + "--B\r\nContent-Type: message/feedback-report\r\n\r\n"
                + "Feedback-Type: abuse\r\nUser-Agent: SMP-FBL\r\nVersion: 1.0\r\n"
                + "Received-Date: Thu, 29 Apr 2009 00:00:00 -0000 (EST)\r\n%s"
                + "Source-IP: 192.0.2.89\r\n\r\n--B--\r\n";
        Report old = parse(report.formatted(""));
        assertThat(old).isInstanceOf(FeedbackReport.class);
        assertThat(((FeedbackReport) old).arrivalDate()).isEqualTo("Thu, 29 Apr 2009 00:00:00 -0000 (EST)");
        Report both = parse(report.formatted("Arrival-Date: Wed, 28 Apr 2009 23:59:00 -0000\r\n"));
        assertThat(((FeedbackReport) both).arrivalDate()).isEqualTo("Wed, 28 Apr 2009 23:59:00 -0000");
    }

    /**
     * The returned original of a text bounce, quoted after its own words (qmail's separator; Exim's; or its header
     * opening with Received:), is the one place a text bounce names the message it returns: the Message-ID a sender
     * binds the bounce to its own mail with (and here shows that the bounced message was not ours). It was not read
     * (original all null), though ReturnedMessage said "or the headers quoted in a text bounce". Failed before the
     * fix.
     */
    @Test
    void aTextBouncesQuotedOriginalIsItsReturnedMessage() {
        Report qmail = parse(qmailBounceOf("Hello there.\n"));
        assertThat(((DeliveryReport) qmail).original()).isEqualTo(new ReturnedMessage("<attack-1@evil.example>",
                "someone@evil.example", "nouser@remote.example", "hello"));
        String exim = "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
                + "To: bounces+42@bounce.example.com\nSubject: Mail delivery failed: returning message to sender\n\n"
                + "This message was created automatically by mail delivery software.\n\n"
                + "A message that you sent could not be delivered to one or more of its\n"
                + "recipients. This is a permanent error. The following address(es) failed:\n\n"
                + "  gone@example.net\n    SMTP error from remote mail server after RCPT TO:<gone@example.net>:\n"
                + "    550 5.1.1 User unknown\n\n"
                + "------ This is a copy of the message, including all the headers. ------\n\n"
                + "Return-path: <bounces+42@bounce.example.com>\nMessage-ID: <news-1@example.com>\n"
                + "From: =?utf-8?q?News?= <news@example.com>\nTo: gone@example.net\nSubject: Our news\n\nBody\n";
        Report report = parse(exim);
        assertThat(((DeliveryReport) report).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("gone@example.net");
        assertThat(((DeliveryReport) report).original()).isEqualTo(new ReturnedMessage("<news-1@example.com>",
                "News <news@example.com>", "gone@example.net", "Our news"));
    }
}
