package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23, fixes of review A's report findings (REVIEW-A.md R1, R4): variants the reviewer's tests do not cover.
 */
class ReviewS23FixReportTest {
    /** The failed recipients of a bounce from MAILER-DAEMON@relay.example to our VERP address. */
    private static List<String> recipients(String subject, String ownText) {
        String message = "From: MAILER-DAEMON@relay.example\n"
                + "To: bounces+alice=example.com@bounce.example.com\n"
                + "Subject: " + subject + "\n\n" + ownText;
        Report report = new ReportParser().parse(message.getBytes(StandardCharsets.UTF_8), "");
        assertThat(report).isInstanceOf(DeliveryReport.class);
        return ((DeliveryReport) report).recipients().stream().map(RecipientReport::finalRecipient).toList();
    }

    /**
     * R1: Exchange's Internet Mail Connector notice repeats the original's fields between its greeting ("did not
     * reach some or all ...") and its list ("could not be reached"). A field whose value runs onto a second line
     * (a long subject, a Cc list) puts the sender's words at a line start with no field label: the section must start
     * at the list, not the greeting.
     */
    @Test
    void theOriginalsFieldsContinuedOnAnotherLineAreNotFailedRecipients() {
        assertThat(recipients("Undeliverable: hello", "Your message did not reach some or all of the intended recipients.\n"
                + "\n"
                + "      To:\tnouser@remote.example\n"
                + "      Cc:\tvictim1@example.com\n"
                + "      From:\tvictim2@example.com\n"
                + "      Subject:\ta long subject wrapped by the notice\n"
                + "      victim3@example.com 550 5.1.1 User unknown\n"
                + "      Sent:\t4/29/21 11:34:45 PM\n"
                + "\n"
                + "The following recipient(s) could not be reached:\n"
                + "\n"
                + "      nouser@remote.example on 4/29/21 11:34:45 PM\n"
                + "            Recipient Not Found\n")).containsExactly("nouser@remote.example");
    }

    /**
     * R4: the remote's reply may quote SMTP words too ("RCPT TO:&lt;victim@...&gt;"): after the reply code they are
     * the remote server's text, not the MTA's transcript.
     */
    @Test
    void rcptToWordsInTheRemoteServersReplyAreNotAFailedRecipient() {
        assertThat(recipients("failure notice", "This is the qmail-send program at relay.example.\n"
                + "I wasn't able to deliver your message to the following addresses.\n\n<nouser@attacker.example>:\n"
                + "Remote host said: 550 5.1.1 refused RCPT TO:<victim@example.com> user unknown\n"))
                .containsExactly("nouser@attacker.example");
    }

    /**
     * R4: Postfix wraps a long remote reply onto indented lines; the attacker's own server's reply puts an address at
     * the start of such a continuation line. It is still the remote's reply text, not a recipient the MTA names.
     */
    @Test
    void anAddressOpeningAWrappedLineOfTheRemoteReplyIsNotAFailedRecipient() {
        assertThat(recipients("Undelivered Mail Returned to Sender", "This is the mail system at host relay.example.\n"
                + "\n                   The mail system\n\n"
                + "<nouser@attacker.example>: host mx.attacker.example[192.0.2.1] said: 550 5.1.1\n"
                + "    mailbox unavailable, the mail was meant for\n"
                + "    victim@example.com: User unknown (in reply to RCPT TO command)\n"
                + "\n"
                + "<other@remote.example>: host mx.remote.example[192.0.2.2] said: 550 5.1.1\n"
                + "    <other@remote.example>: Recipient address rejected: User unknown (in reply to RCPT TO\n"
                + "    command)\n")).containsExactly("nouser@attacker.example", "other@remote.example");
    }
}
