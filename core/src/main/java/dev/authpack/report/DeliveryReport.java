package dev.authpack.report;

import java.util.List;
import java.util.Objects;

/**
 * A delivery status notification: an RFC 3464 DSN or a non-standard text bounce ({@link #source()}). A success
 * notification is a delivery report too, whose recipients have action delivered, relayed or expanded; use
 * {@link #failedRecipients()} for the bounces.
 *
 * @param reportingMta       RFC 3464 §2.2.2 Reporting-MTA without the name type, or {@code null}
 * @param originalEnvelopeId RFC 3464 §2.2.1 Original-Envelope-Id, or {@code null}
 * @param arrivalDate        RFC 3464 §2.2.5 Arrival-Date, or {@code null}
 * @param recipients         per-recipient results, in the report's order (never empty)
 * @param original           headers of the returned message, {@link ReturnedMessage#NONE} when absent
 */
public record DeliveryReport(Source source, String reportingMta, String originalEnvelopeId, String arrivalDate,
                             List<RecipientReport> recipients, ReturnedMessage original) implements Report {
    public DeliveryReport {
        Objects.requireNonNull(source, "source");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(original, "original");
    }

    /** The recipients that failed or are delayed (not delivered, relayed or expanded). */
    public List<RecipientReport> failedRecipients() {
        return recipients.stream().filter(RecipientReport::isFailure).toList();
    }
}
