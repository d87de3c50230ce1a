package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23 attacker's review (reviewA) of the session's report parser fixes: variants of the attacks the fixes
 * answered. These tests fail on s23-lead (b822533c); each names the finding in REVIEW-A.md.
 */
class ReviewS23AttackReportTest {
    private static Report parse(String message) {
        return new ReportParser().parse(message.getBytes(StandardCharsets.UTF_8), "");
    }

    /**
     * A genuine Exchange (Internet Mail Connector) text bounce, as sisimai's lhost-exchange2003-04: its own notice
     * repeats the original's To and Subject fields, above its per-recipient section, whatever the original's sender
     * wrote there.
     */
    private static String exchangeBounce(String originalTo, String originalSubject) {
        return "Return-Path: <>\n"
                + "Message-ID: <00000000.00000000@mx8.remote.example>\n"
                + "From: System Administrator <postmaster@remote.example>\n"
                + "To: <bounces+alice=example.com@bounce.example.com>\n"
                + "Subject: Undeliverable: " + originalSubject + "\n"
                + "Date: Thu, 29 Apr 2021 23:34:45 +0900\n"
                + "X-Mailer: Microsoft Exchange Server Internet Mail Connector Version 4.0.994.63\n"
                + "\n"
                + "Your message did not reach some or all of the intended recipients.\n"
                + "\n"
                + "      To:\t" + originalTo + "\n"
                + "      Subject:\t" + originalSubject + "\n"
                + "      Sent:\t4/29/21 11:34:45 PM\n"
                + "\n"
                + "The following recipient(s) could not be reached:\n"
                + "\n"
                + "      nouser@remote.example on 4/29/21 11:34:45 PM\n"
                + "            Recipient Not Found\n"
                + "            MSEXCH:IMC:REMOTE:NOUSER:CAT\n";
    }

    /**
     * Finding R1 (High). Backscatter through a notice that quotes the original's fields in its own text: the
     * attacker sends to nouser@remote.example with our VERP address as MAIL FROM, writing {@code To:
     * victim@example.com} and a Subject holding an address and a 5.1.1 reply. The session's fix reads the family and
     * the section only from the bounce's own text, but here the attacker's words ARE in the bounce's own text (the
     * To:/Subject: lines of the notice, above the start phrase): victim@example.com became a failed, hard-bounced
     * recipient. A mail client shows these as the original's fields, not as recipients.
     */
    @Test
    void theOriginalsFieldsRepeatedInAnExchangeNoticeAreNotFailedRecipients() {
        Report plain = parse(exchangeBounce("nouser@remote.example", "Nyaan"));
        Report attacked = parse(exchangeBounce("victim@example.com",
                "victim2@example.com 550 5.1.1 User unknown"));

        assertThat(plain).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) plain).recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("nouser@remote.example");
        assertThat(attacked).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) attacked).recipients()).extracting(RecipientReport::finalRecipient)
                .doesNotContain("victim@example.com", "victim2@example.com")
                .containsExactly("nouser@remote.example");
    }

    /**
     * Finding R1, its worst form: with a 5.1.1 reply in the original's subject, the address the attacker wrote there
     * is reported as a hard bounce (what a list manager unsubscribes on).
     */
    @Test
    void anAddressInTheOriginalsSubjectIsNoHardBounce() {
        DeliveryReport attacked = (DeliveryReport) parse(exchangeBounce("nouser@remote.example",
                "victim@example.com 550 5.1.1 User unknown"));

        assertThat(attacked.recipients()).filteredOn(RecipientReport::hardBounce)
                .extracting(RecipientReport::finalRecipient).containsExactly("nouser@remote.example");
    }

    /**
     * Finding R3 (Low). RFC 6533 decoding: DsnParser.embeddedUnicode promises "decoding never makes a control
     * character", but only code points below U+0080 are kept encoded: {@code \x{0085}} (NEL) and the rest of the C1
     * controls (U+0080..U+009F), and the bidi overrides (U+202E), are decoded into the address that is logged and
     * compared (LogReport, IsOobBounce).
     */
    @Test
    void embeddedUnicodeNeverDecodesAControlOrFormatCharacter() {
        for (String hex : new String[] {"0085", "009b", "202e", "2028"}) {
            String decoded = DsnParser.embeddedUnicode("a\\x{" + hex + "}b@example.com");
            assertThat(decoded.codePoints().filter(c -> Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR))
                    .as("\\x{%s} decoded", hex).isEmpty();
        }
    }

    /**
     * Finding R3 (Low), second form: RFC 6533's HEXPOINT is ASCII HEXDIG, but Character.digit takes fullwidth and
     * other Unicode digits and letters: {@code \x{00ｅ９}} (fullwidth e and 9) decoded to U+00E9, one more spelling of
     * an address that is not the RFC's.
     */
    @Test
    void embeddedUnicodeReadsAsciiHexDigitsOnly() {
        String written = "j\\x{00\uff45\uff19}rg@example.com";
        assertThat(DsnParser.embeddedUnicode(written)).isEqualTo(written);
    }

    /**
     * Finding R4 (Medium, not new this session). The bounce's own text quotes the reply of the server that refused
     * the message, which whoever runs that server writes: the attacker sends through a relay that bounces
     * genuinely (a forwarding address, an ESP) to a server of their own answering
     * {@code 550 5.1.1 mail undeliverable to victim@example.com}; RCPT_TO's "undeliverable to" (anywhere in a line)
     * makes victim@example.com a failed, hard-bounced recipient besides the one refused.
     */
    @Test
    void anAddressInTheRemoteServersReplyTextIsNotAFailedRecipient() {
        String bounce = "Return-Path: <>\n"
                + "From: MAILER-DAEMON@relay.example\n"
                + "To: bounces+alice=example.com@bounce.example.com\n"
                + "Subject: failure notice\n"
                + "Message-ID: <bounce-2@relay.example>\n"
                + "\n"
                + "Hi. This is the qmail-send program at relay.example.\n"
                + "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                + "This is a permanent error; I've given up. Sorry it didn't work out.\n"
                + "\n"
                + "<nouser@attacker.example>:\n"
                + "192.0.2.1 does not like recipient.\n"
                + "Remote host said: 550 5.1.1 mail undeliverable to victim@example.com\n"
                + "Giving up on 192.0.2.1.\n"
                + "\n"
                + "--- Below this line is a copy of the message.\n"
                + "\n"
                + "Return-Path: <bounces+alice=example.com@bounce.example.com>\n"
                + "Message-ID: <attack-2@attacker.example>\n"
                + "Subject: hello\n"
                + "\n"
                + "Hello.\n";
        DeliveryReport report = (DeliveryReport) parse(bounce);
        assertThat(report.recipients()).extracting(RecipientReport::finalRecipient)
                .containsExactly("nouser@attacker.example");
    }
}
