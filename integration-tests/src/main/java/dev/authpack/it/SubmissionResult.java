package dev.authpack.it;

import java.util.List;

/**
 * What happened to a {@link Submission}: every reply in order, the one that ended the transaction (the reply to
 * the final dot when all went well, else the first non-positive one), whether the message was accepted (a
 * positive reply to the final dot), and the transcript for failure messages.
 */
public record SubmissionResult(List<SmtpReply> replies, SmtpReply last, boolean accepted, String messageId,
                               String transcript) {
    public SubmissionResult {
        replies = List.copyOf(replies);
    }

    @Override
    public String toString() {
        return "last reply " + last + "\n" + transcript;
    }
}
