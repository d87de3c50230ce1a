package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.authpack.report.Classifier.Command;
import static org.assertj.core.api.Assertions.assertThat;

class ClassifierTest {
    @Test
    void commandIsTheFirstStepTheTextNames() {
        assertThat(Classifier.command("550 5.1.1 <a@b>: Recipient address rejected (in reply to RCPT TO command)"))
                .isEqualTo(Command.RCPT);
        assertThat(Classifier.command("host x said: 550 user unknown (in reply to end of DATA command)"))
                .isEqualTo(Command.DATA);
        assertThat(Classifier.command("SMTP error from remote mail server after MAIL FROM:<s@x>: 550 no"))
                .isEqualTo(Command.MAIL);
        assertThat(Classifier.command("Connected to 192.0.2.1 but my name was rejected.")).isEqualTo(Command.HELO);
        assertThat(Classifier.command("192.0.2.1 does not like recipient.")).isEqualTo(Command.RCPT);
        assertThat(Classifier.command("550 user unknown")).isEqualTo(Command.UNKNOWN);
        assertThat(Classifier.command(null)).isEqualTo(Command.UNKNOWN);
    }

    @Test
    void unknownUserOrFilterDependsOnTheStep() {
        assertThat(Classifier.byCommand(Reason.USERUNKNOWN, "5.0.0", Command.RCPT)).isEqualTo(Reason.USERUNKNOWN);
        assertThat(Classifier.byCommand(Reason.USERUNKNOWN, "5.0.0", Command.DATA)).isEqualTo(Reason.FILTERED);
        assertThat(Classifier.byCommand(Reason.USERUNKNOWN, "5.1.1", Command.DATA)).isEqualTo(Reason.USERUNKNOWN);
        assertThat(Classifier.byCommand(Reason.USERUNKNOWN, "5.2.1", Command.UNKNOWN)).isEqualTo(Reason.FILTERED);
        assertThat(Classifier.byCommand(Reason.USERUNKNOWN, "5.2.1", Command.RCPT)).isEqualTo(Reason.USERUNKNOWN);
        assertThat(Classifier.byCommand(Reason.USERUNKNOWN, "5.0.0", Command.UNKNOWN))
                .isEqualTo(Reason.USERUNKNOWN);
        assertThat(Classifier.byCommand(Reason.MAILBOXFULL, "5.2.1", Command.DATA)).isEqualTo(Reason.MAILBOXFULL);
    }

    @Test
    void settleByStepDelayAndLackOfCause() {
        assertThat(Classifier.settle(Reason.USERUNKNOWN, "5.0.0", Command.MAIL, false)).isEqualTo(Reason.REJECTED);
        assertThat(Classifier.settle(Reason.BLOCKED, "5.7.1", Command.MAIL, false)).isEqualTo(Reason.BLOCKED);
        assertThat(Classifier.settle(Reason.HOSTUNKNOWN, "5.0.0", Command.HELO, false)).isEqualTo(Reason.BLOCKED);
        assertThat(Classifier.settle(Reason.UNDEFINED, null, Command.UNKNOWN, true)).isEqualTo(Reason.EXPIRED);
        assertThat(Classifier.settle(Reason.NETWORKERROR, "4.4.0", Command.UNKNOWN, true))
                .isEqualTo(Reason.EXPIRED);
        assertThat(Classifier.settle(Reason.NETWORKERROR, "4.4.1", Command.UNKNOWN, true))
                .isEqualTo(Reason.NETWORKERROR);
        assertThat(Classifier.settle(Reason.UNDEFINED, "5.0.0", Command.UNKNOWN, false)).isEqualTo(Reason.ONHOLD);
        assertThat(Classifier.settle(Reason.MAILBOXFULL, "5.2.2", Command.DATA, false))
                .isEqualTo(Reason.MAILBOXFULL);
    }

    @Test
    void googleGroupsNoticeMeansRejectedInAnyLanguage() {
        String message = "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSubject: Delivery Status "
                + "Notification (Failure)\nTo: poster@example.org\n\nHallo poster@example.org,\n\nSie erhalten diese "
                + "E-Mail, weil die Gruppe (grp@groups.example.com) möglicherweise nicht vorhanden ist.\n"
                + "https://groups.google.com/support/\n\nGoogle Groups\n\n----- Original message -----\n\n"
                + "From: poster@example.org\nTo: grp@groups.example.com\nSubject: hi\n";
        DeliveryReport report = (DeliveryReport) new ReportParser().parse(message.getBytes(StandardCharsets.UTF_8));
        assertThat(report.recipients()).extracting(RecipientReport::reason).containsOnly(Reason.REJECTED);
    }

    @Test
    void freeTextAutoRepliedNoticeIsNotABounceButAnMtaBounceIs() {
        String notice = "From: postmaster@x.example\nAuto-Submitted: auto-replied\nSubject: email bounce "
                + "notification\nTo: s@example.org\n\nYour message was rejected and discarded.\n\n"
                + "reject reason: Mailbox full\ntarget mail address: u@x.example\n";
        Report report = new ReportParser().parse(notice.getBytes(StandardCharsets.UTF_8), "");
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).kind()).isEqualTo(NotAReport.Kind.AUTO_REPLY);
        // Exim's bounces are auto-replied too, with its wording and the remote server's reply
        String exim = "From: Mail Delivery System <Mailer-Daemon@x.example>\nAuto-Submitted: auto-replied\n"
                + "Subject: Mail delivery failed\nTo: s@example.org\n\nThis message was created automatically by "
                + "mail delivery software.\n\nA message that you sent could not be delivered to one or more of its"
                + " recipients. This is a permanent error. The following address(es) failed:\n\n  u@y.example\n"
                + "    host mx.y.example [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:"
                + "<u@y.example>:\n    550 5.1.1 user unknown\n";
        DeliveryReport bounce = (DeliveryReport) new ReportParser().parse(exim.getBytes(StandardCharsets.UTF_8), "");
        assertThat(bounce.recipients()).extracting(RecipientReport::reason).containsOnly(Reason.USERUNKNOWN);
    }

    @Test
    void singleSpacedAgreesWithTheRegularExpression() {
        java.util.regex.Pattern spaces = java.util.regex.Pattern.compile("\\s+");
        String pieces = " \t\n\u000B\f\r\u00A0ab";
        java.util.Random random = new java.util.Random(3);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(10); k > 0; k--) {
                text.append(pieces.charAt(random.nextInt(pieces.length())));
            }
            String s = text.toString();
            assertThat(Classifier.singleSpaced(s)).as(s).isEqualTo(spaces.matcher(s).replaceAll(" "));
        }
    }
}
