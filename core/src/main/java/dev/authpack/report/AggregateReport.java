package dev.authpack.report;

import java.util.List;
import java.util.Objects;

/**
 * A DMARC aggregate report (RFC 7489 §7.2 and Appendix C; RFC 9990 / DMARCbis, namespace
 * {@code urn:ietf:params:xml:ns:dmarc-2.0}), as sent to a domain's {@code rua=} address. Result and policy words
 * are lower case (a reporter's {@code PASS} is {@code pass}); an element the report leaves out is {@code null}
 * (an empty list for repeated ones). {@code compression} is {@code none}, {@code gzip} or {@code zip};
 * {@code truncated} says that records, results, reasons or errors beyond {@link ReportLimits} were dropped;
 * {@code problem} says what was wrong with XML that was read leniently (else {@code null}). {@code records} are the
 * records kept (the first ones, within {@link ReportLimits#maxRecords()} and
 * {@link ReportLimits#maxKeptResults()}); {@code summary} counts every record of the report, kept or not.
 */
public record AggregateReport(String version, String namespace, Metadata metadata, PolicyPublished policy,
                              List<Row> records, String compression, String fileName, boolean truncated,
                              String problem, Summary summary) implements Report {
    /**
     * The largest message count kept, of one record and of a total (2^53 - 1, the largest integer a JSON reader
     * that uses doubles holds exactly): a larger count is this, and totals stop here instead of overflowing.
     */
    public static final long MAX_COUNT = (1L << 53) - 1;
    /** At most this many sources in {@link Summary#topFailingSources()}. */
    public static final int TOP_FAILING_SOURCES = 10;

    public AggregateReport {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(policy, "policy");
        records = List.copyOf(records);
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(summary, "summary");
    }

    /**
     * What an administrator reads first, over every record of the report (kept or not): the records, the messages
     * they cover, how many failed DKIM or SPF alignment (policy_evaluated other than pass), how many failed both
     * (DMARC fail), and the sources of those, most messages first (at most {@value #TOP_FAILING_SOURCES}; one entry
     * per source IP, counts added up, over the first 10,000 distinct failing sources).
     * Counts are at most {@link #MAX_COUNT}.
     */
    public record Summary(long records, long totalMessages, long dkimUnaligned, long spfUnaligned, long dmarcFailing,
                          List<SourceCount> topFailingSources) {
        public Summary {
            topFailingSources = List.copyOf(topFailingSources);
        }
    }

    /** One failing source of {@link Summary#topFailingSources()}. */
    public record SourceCount(String sourceIp, long count) {
    }

    /** RFC 7489 Appendix C ReportMetadataType; {@code begin}/{@code end} in seconds since the epoch (UTC). */
    public record Metadata(String orgName, String email, String extraContactInfo, String reportId, Long begin,
                           Long end, List<String> errors, String generator) {
        public Metadata {
            errors = List.copyOf(errors);
        }
    }

    /**
     * RFC 7489 Appendix C PolicyPublishedType, with RFC 9990's {@code np}, {@code testing} and
     * {@code discovery_method}; {@code pct} and {@code fo} as written.
     */
    public record PolicyPublished(String domain, String adkim, String aspf, String p, String sp, String np,
                                  String pct, String fo, String testing, String discoveryMethod) {
    }

    /**
     * One {@code <record>}: the row (source IP, message count, evaluated policy and its override reasons), the
     * identifiers and the raw authentication results. {@code count} is 0 when missing or not a number, at most
     * {@link AggregateReport#MAX_COUNT}.
     */
    public record Row(String sourceIp, long count, String disposition, String dkim, String spf,
                      List<Reason> reasons, String headerFrom, String envelopeFrom, String envelopeTo,
                      List<DkimResult> dkimResults, List<SpfResult> spfResults) {
        public Row {
            count = Math.max(0, Math.min(count, MAX_COUNT));
            reasons = List.copyOf(reasons);
            dkimResults = List.copyOf(dkimResults);
            spfResults = List.copyOf(spfResults);
        }

        /** The DMARC evaluation passed DKIM alignment (policy_evaluated dkim = pass). */
        public boolean dkimAligned() {
            return "pass".equals(dkim);
        }

        /** The DMARC evaluation passed SPF alignment (policy_evaluated spf = pass). */
        public boolean spfAligned() {
            return "pass".equals(spf);
        }
    }

    /** RFC 7489 Appendix C PolicyOverrideReason: {@code type} (forwarded, sampled_out, ...) and comment. */
    public record Reason(String type, String comment) {
    }

    /** RFC 7489 Appendix C DKIMAuthResultType. */
    public record DkimResult(String domain, String selector, String result, String humanResult) {
    }

    /** RFC 7489 Appendix C SPFAuthResultType; {@code scope} {@code helo} or {@code mfrom}. */
    public record SpfResult(String domain, String scope, String result, String humanResult) {
    }

    /** The number of messages the report covers (the sum of all its records' counts, at most {@link #MAX_COUNT}). */
    public long totalMessages() {
        return summary.totalMessages();
    }
}
