package dev.authpack.report;

import java.util.Objects;

/**
 * One recipient of a delivery report (RFC 3464 §2.3 per-recipient fields, or what a text bounce says about it).
 * Strings are {@code null} when absent.
 *
 * @param finalRecipient   the address (RFC 3464 §2.3.2 Final-Recipient, without the address type)
 * @param originalRecipient RFC 3464 §2.3.1 Original-Recipient, without the address type
 * @param action           RFC 3464 §2.3.3: failed, delayed, delivered, relayed, expanded (lower case)
 * @param status           RFC 3463 enhanced status code, given or inferred from the reply code and text
 * @param remoteMta        RFC 3464 §2.3.5 Remote-MTA, without the name type
 * @param diagnosticCode   RFC 3464 §2.3.6 Diagnostic-Code text (or the text bounce's error text), unfolded
 * @param replyCode        the SMTP reply code (RFC 5321 §4.2) found in the diagnostic, or {@code null}
 * @param lastAttemptDate  RFC 3464 §2.3.7 Last-Attempt-Date
 * @param reason           the classification in sisimai's vocabulary
 * @param hardBounce       the address itself is bad ({@link Reason#isHardBounce})
 */
public record RecipientReport(String finalRecipient, String originalRecipient, String action, String status,
                              String remoteMta, String diagnosticCode, String replyCode, String lastAttemptDate,
                              Reason reason, boolean hardBounce) {
    public RecipientReport {
        Objects.requireNonNull(reason, "reason");
    }

    /** Action failed or delayed (RFC 3464 §2.3.3): the recipient did not get the message (yet). */
    public boolean isFailure() {
        return action == null || action.equals("failed") || action.equals("delayed");
    }
}
