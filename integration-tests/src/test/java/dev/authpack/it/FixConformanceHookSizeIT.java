package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review s22 in a real James: {@code FixConformanceHook} refusing {@code NAME_ENDS_WITH_SPACE} at the end of DATA,
 * its {@code maxCheckedSize} at 1K. A message over it is not read; before, it was accepted unchecked, so padding the
 * body got {@code From : ceo@victim.example} past the reject set. Now the hook refuses it, {@code 552 5.3.4}, and
 * a message within the bound is checked as before.
 */
class FixConformanceHookSizeIT {
    private static final String HOOK = "<handler class=\"dev.authpack.james.smtp.FixConformanceHook\">"
            + "<checks>NAME_ENDS_WITH_SPACE</checks><maxCheckedSize>1K</maxCheckedSize></handler>";
    private static final String HEADER = "To: alice@james.test\r\nSubject: pay\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <%s@spf-pass.example>\r\nMIME-Version: 1.0\r\n\r\n";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> {
        String core = "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>";
        b.edit("smtpserver.xml", xml -> {
            assertThat(xml).as("smtpserver.xml template").contains(core);
            return xml.replace(core, HOOK + "\n" + core);
        });
    });

    private static SmtpReply send(String message) {
        try (SmtpClient c = JAMES.server().smtp()) {
            c.ehlo("mail.spf-pass.example");
            c.mailFrom("bob@spf-pass.example");
            c.rcptTo(JamesExtension.ALICE);
            SmtpReply reply = c.data(message);
            c.quit();
            return reply;
        }
    }

    private static String padding() {
        return ("Pay now." + " ".repeat(60) + "\r\n").repeat(40);
    }

    @Test
    void aPaddedMessageOverMaxCheckedSizeIsRefusedUnread() {
        SmtpReply reply = send("From : ceo@victim.example\r\n" + HEADER.formatted("padded") + padding());
        assertThat(reply.code()).isEqualTo(552);
        assertThat(reply.text()).isEqualTo("5.3.4 Message too big to check its conformance (at most 1024 octets)");
    }

    @Test
    void aMessageWithinItIsCheckedAsBefore() {
        SmtpReply refused = send("From : ceo@victim.example\r\n" + HEADER.formatted("small") + "Pay now.\r\n");
        assertThat(refused.code()).isEqualTo(552);
        assertThat(refused.text()).isEqualTo("5.6.0 Message has conformance issues: NAME_ENDS_WITH_SPACE");
        SmtpReply accepted = send("From: bob@spf-pass.example\r\n" + HEADER.formatted("fine") + "Hello.\r\n");
        assertThat(accepted.code()).isEqualTo(250);
    }
}
