package dev.authpack.report;

/**
 * Bounds of {@link ReportParser}: a report is read from at most {@code maxOctets} of the message, through at most
 * {@code maxDepth} nested multiparts and {@code maxParts} body parts, {@code maxHeaderFields} header fields per
 * entity and {@code maxTextChars} characters of decoded text per part; at most {@code maxRecipients} recipients
 * are reported. Anything beyond is ignored (the result says what was found before).
 */
public record ReportLimits(int maxOctets, int maxDepth, int maxParts, int maxHeaderFields, int maxTextChars,
                           int maxRecipients) {
    /** Reports are small; the returned original may be large but only its headers are read. */
    public static final int DEFAULT_MAX_OCTETS = 2 * 1024 * 1024;
    /** A DSN is two levels deep (report inside a mixed wrapper at most); 8 leaves room for forwarding. */
    public static final int DEFAULT_MAX_DEPTH = 8;
    public static final int DEFAULT_MAX_PARTS = 64;
    public static final int DEFAULT_MAX_HEADER_FIELDS = 1000;
    public static final int DEFAULT_MAX_TEXT_CHARS = 128 * 1024;
    public static final int DEFAULT_MAX_RECIPIENTS = 1000;

    public static final ReportLimits DEFAULTS = new ReportLimits(DEFAULT_MAX_OCTETS, DEFAULT_MAX_DEPTH,
            DEFAULT_MAX_PARTS, DEFAULT_MAX_HEADER_FIELDS, DEFAULT_MAX_TEXT_CHARS, DEFAULT_MAX_RECIPIENTS);

    public ReportLimits {
        if (maxOctets < 1 || maxDepth < 1 || maxParts < 1 || maxHeaderFields < 1 || maxTextChars < 1
                || maxRecipients < 1) {
            throw new IllegalArgumentException("report limits must be positive");
        }
    }
}
