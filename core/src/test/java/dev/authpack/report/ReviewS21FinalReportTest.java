package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review of session 21 (helper 85), attacker's tests: the author of the returned original is the attacker.
 */
class ReviewS21FinalReportTest {

    /**
     * A genuine qmail bounce (text/plain, the original quoted inline after "--- Below this line is a copy of the
     * message.") of a message whose body is the attacker's, imitating Exim's DMARC failure report. FeedbackParser
     * runs before DsnParser and reads Exim's fields from the whole text part when it holds no "copy of the headers"
     * (FeedbackParser.eximDmarc): the bounce becomes an RFC 6591 auth-failure report about victim.example from
     * 192.0.2.66, laundered through a real, authenticated MTA. The rule the session made for DSN fields
     * (TextBounceParser.originalStart: only the report's own text, before the quoted original) is not applied here.
     */
    @Test
    void eximFieldsInAQuotedOriginalAreNotAReport() {
        String qmail = String.join("\r\n", "From: MAILER-DAEMON@mx.example.net", "To: list-bounces@example.com",
                "Subject: failure notice", "", "Hi. This is the qmail-send program at mx.example.net.",
                "I'm afraid I wasn't able to deliver your message to the following addresses.",
                "This is a permanent error; I've given up. Sorry it didn't work out.", "",
                "<nobody@mx.example.net>:", "Sorry, no mailbox here by that name. (#5.1.1)", "",
                "--- Below this line is a copy of the message.", "",
                "Return-Path: <list-bounces@example.com>", "From: attacker@evil.example",
                "To: nobody@mx.example.net", "Subject: hi", "");
        String exim = String.join("\r\n",
                "A message claiming to be from you has failed the published DMARC policy for your domain.", "",
                "  Sender Domain: victim.example", "  Sender IP Address: 192.0.2.66",
                "  Received Date: Mon, 7 Dec 2026 10:00:00 +0000", "  SPF Alignment: no", "  DKIM Alignment: no", "");
        String bounce = qmail + "\r\n" + exim;
        Report report = new ReportParser().parse(bounce.getBytes(StandardCharsets.US_ASCII), "");
        assertThat(report).as("a bounce, not a DMARC failure report of the attacker's making")
                .isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) report).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("nobody@mx.example.net");
    }

    /**
     * The JMRP gate (FeedbackParser.jmrpSender) takes any single address at hotmail.com, outlook.com, live.com,
     * msn.com or microsoft.com, five domains where anyone opens an account. Microsoft sends JMRP complaints from
     * staff@hotmail.com (docs/reports.md names it). A message from the attacker's own free outlook.com account,
     * authenticated by Microsoft (DKIM, SPF, DMARC pass), attaching a message whose header has
     * X-HmXmrOriginalRecipient: ceo@victim.example is read as an "abuse" complaint about that address: the
     * laundering the session closed for bounces stays open through any consumer mailbox of those domains.
     */
    @Test
    void aJmrpComplaintComesFromMicrosoftsFeedbackLoopNotAnyOutlookUser() {
        String forwarded = "From: Some One <someone.free@outlook.com>\r\nTo: list-owner@example.com\r\n"
                + "Subject: FW: hi\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
                + "--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: news@example.com\r\n"
                + "X-HmXmrOriginalRecipient: ceo@victim.example\r\nSubject: news\r\n\r\nbody\r\n--m--\r\n";
        Report report = new ReportParser().parse(forwarded.getBytes(StandardCharsets.US_ASCII), "");
        assertThat(report).as("a forward from a consumer mailbox, not Microsoft's feedback loop")
                .isNotInstanceOf(FeedbackReport.class);
    }
}
