package dev.authpack.report;

/**
 * What {@link ReportParser} made of a message: a delivery report (a bounce, a delay or a success notification,
 * RFC 3464 or a text bounce), a feedback report (RFC 5965 / RFC 6591), a DMARC aggregate report (RFC 7489 §7.2)
 * or not a report at all.
 */
public sealed interface Report permits DeliveryReport, FeedbackReport, AggregateReport, NotAReport {
}
