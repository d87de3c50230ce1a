package dev.authpack.it;

import java.util.ArrayList;
import java.util.List;

/** Runs a {@link Submission} over an open {@link SmtpClient}; shared by the harness and {@code bin/demo-send}. */
final class Transactions {
    private Transactions() {
    }

    /**
     * EHLO, optional AUTH PLAIN, MAIL, RCPT for each recipient, DATA, QUIT. Stops at the first reply that is not
     * positive (QUIT is still sent); never throws for an SMTP refusal.
     */
    static SubmissionResult run(SmtpClient c, Submission s) {
        List<SmtpReply> replies = new ArrayList<>();
        replies.add(c.greeting());
        SmtpReply last = step(replies, c.ehlo(s.helo()));
        if (last.isPositive() && s.authUser().isPresent()) {
            last = step(replies, c.authPlain(s.authUser().get(), s.authPassword()));
        }
        if (last.isPositive()) {
            last = step(replies, c.mailFrom(s.mailFrom()));
        }
        for (String rcpt : s.recipients()) {
            if (last.isPositive()) {
                last = step(replies, c.rcptTo(rcpt));
            }
        }
        boolean accepted = false;
        if (last.isPositive()) {
            last = step(replies, c.data(s.message().text()));
            accepted = last.isPositive(); // data() returns the DATA reply itself when that was not 354
        }
        c.quit();
        return new SubmissionResult(replies, last, accepted, s.message().messageId(), c.transcriptText());
    }

    private static SmtpReply step(List<SmtpReply> replies, SmtpReply reply) {
        replies.add(reply);
        return reply;
    }
}
