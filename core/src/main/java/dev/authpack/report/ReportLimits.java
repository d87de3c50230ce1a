package dev.authpack.report;

/**
 * Bounds of {@link ReportParser}: a report is read from at most {@code maxOctets} of the message, through at most
 * {@code maxDepth} nested multiparts and {@code maxParts} body parts, {@code maxHeaderFields} header fields per
 * entity and {@code maxTextChars} characters of decoded text per part; at most {@code maxRecipients} recipients
 * are reported. Anything beyond is ignored (the result says what was found before).
 *
 * <p>{@code maxParseTime} bounds the wall-clock time of one parse: the clock is looked at between the steps of the
 * parse (each MIME token, text-bounce line and DSN field group; each 8 KiB a decompressor produces, in the report
 * entry and in the zip entries skipped to reach it; every 1024 XML events; every 64 Ki characters of the XML
 * repair), and a parse past it ends with a {@link NotAReport} of kind UNPARSEABLE. One step is at most linear in
 * input the other limits bound (one XML event is at most {@code maxXmlOctets} of text), so a parse ends within
 * {@code maxParseTime} plus one such step. The plain-value tree made of the result afterwards
 * ({@link ReportFields}) is not timed: it is bounded by the kept records and results below.
 *
 * <p>A DMARC aggregate report (RFC 7489 §7.2) keeps at most {@code maxRecords} {@code <record>} elements and
 * {@code maxAuthResults} DKIM and as many SPF results per record (and as many {@code <reason>} and
 * {@code <error>} elements), and at most {@code maxKeptResults} DKIM and SPF results and reasons in all: the record
 * that would pass either bound, and every record after it, is only counted in the report's
 * {@link AggregateReport.Summary} ({@code truncated} is then true). Its XML, once decompressed, is at most
 * {@code maxXmlOctets} and, beyond
 * {@link #RATIO_FLOOR_OCTETS}, at most {@code maxCompressionRatio} times the compressed size: a larger output is a
 * {@link NotAReport} of kind UNPARSEABLE (a zip or gzip bomb), never more memory.
 */
public record ReportLimits(int maxOctets, int maxDepth, int maxParts, int maxHeaderFields, int maxTextChars,
                           int maxRecipients, java.time.Duration maxParseTime, int maxRecords, int maxAuthResults,
                           int maxXmlOctets, int maxCompressionRatio, int maxKeptResults) {
    /** Reports are small; the returned original may be large but only its headers are read. */
    public static final int DEFAULT_MAX_OCTETS = 2 * 1024 * 1024;
    /** A DSN is two levels deep (report inside a mixed wrapper at most); 8 leaves room for forwarding. */
    public static final int DEFAULT_MAX_DEPTH = 8;
    public static final int DEFAULT_MAX_PARTS = 64;
    public static final int DEFAULT_MAX_HEADER_FIELDS = 1000;
    public static final int DEFAULT_MAX_TEXT_CHARS = 128 * 1024;
    public static final int DEFAULT_MAX_RECIPIENTS = 1000;
    /**
     * Wall-clock bound of one parse. A report within the other limits parses in well under a millisecond (the
     * sample corpus averages ~0.1 ms, the fuzzer's worst inputs a few ms); one second leaves room for a loaded
     * machine and still bounds a mailet thread.
     */
    public static final java.time.Duration DEFAULT_MAX_PARSE_TIME = java.time.Duration.ofSeconds(1);

    /** Records of one aggregate report: a large reporter's daily report for a busy domain has a few thousand. */
    public static final int DEFAULT_MAX_RECORDS = 10_000;
    /** DKIM (and SPF) results per record: one per signature; real reports have one to three. */
    public static final int DEFAULT_MAX_AUTH_RESULTS = 100;
    /**
     * DKIM and SPF results and policy-override reasons kept over all records of one aggregate report: a few thousand
     * records of one to three results each is far below; 10,000 records of 100 results each (within the other
     * bounds) would be a million objects per report mail (review s20: ~170 MB of heap from a 100 KB mail).
     */
    public static final int DEFAULT_MAX_KEPT_RESULTS = 50_000;
    /** The decompressed XML of one aggregate report (10,000 records of ~1 KB). */
    public static final int DEFAULT_MAX_XML_OCTETS = 16 * 1024 * 1024;
    /** Decompressed / compressed: report XML compresses 10 to 40 times; a bomb thousands of times. */
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 100;
    /** Below this decompressed size the ratio is not checked (a tiny report may compress very well). */
    public static final int RATIO_FLOOR_OCTETS = 1024 * 1024;

    public static final ReportLimits DEFAULTS = new ReportLimits(DEFAULT_MAX_OCTETS, DEFAULT_MAX_DEPTH,
            DEFAULT_MAX_PARTS, DEFAULT_MAX_HEADER_FIELDS, DEFAULT_MAX_TEXT_CHARS, DEFAULT_MAX_RECIPIENTS,
            DEFAULT_MAX_PARSE_TIME);

    public ReportLimits {
        if (maxOctets < 1 || maxDepth < 1 || maxParts < 1 || maxHeaderFields < 1 || maxTextChars < 1
                || maxRecipients < 1 || maxParseTime == null || maxParseTime.isNegative() || maxParseTime.isZero()
                || maxRecords < 1 || maxAuthResults < 1 || maxXmlOctets < 1 || maxCompressionRatio < 1
                || maxKeptResults < 1) {
            throw new IllegalArgumentException("report limits must be positive");
        }
    }

    /** The size limits and parse time, with the default aggregate-report limits. */
    public ReportLimits(int maxOctets, int maxDepth, int maxParts, int maxHeaderFields, int maxTextChars,
                        int maxRecipients, java.time.Duration maxParseTime) {
        this(maxOctets, maxDepth, maxParts, maxHeaderFields, maxTextChars, maxRecipients, maxParseTime,
                DEFAULT_MAX_RECORDS, DEFAULT_MAX_AUTH_RESULTS, DEFAULT_MAX_XML_OCTETS, DEFAULT_MAX_COMPRESSION_RATIO,
                DEFAULT_MAX_KEPT_RESULTS);
    }

    /** These limits with other aggregate-report limits. */
    public ReportLimits withAggregate(int records, int authResults, int xmlOctets, int compressionRatio) {
        return new ReportLimits(maxOctets, maxDepth, maxParts, maxHeaderFields, maxTextChars, maxRecipients,
                maxParseTime, records, authResults, xmlOctets, compressionRatio, maxKeptResults);
    }

    /** These limits with another {@code maxKeptResults}. */
    public ReportLimits withKeptResults(int keptResults) {
        return new ReportLimits(maxOctets, maxDepth, maxParts, maxHeaderFields, maxTextChars, maxRecipients,
                maxParseTime, maxRecords, maxAuthResults, maxXmlOctets, maxCompressionRatio, keptResults);
    }

    /** The size limits with the default {@link #DEFAULT_MAX_PARSE_TIME}. */
    public ReportLimits(int maxOctets, int maxDepth, int maxParts, int maxHeaderFields, int maxTextChars,
                        int maxRecipients) {
        this(maxOctets, maxDepth, maxParts, maxHeaderFields, maxTextChars, maxRecipients, DEFAULT_MAX_PARSE_TIME);
    }
}
