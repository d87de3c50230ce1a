package dev.authpack.conformance;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The conformance issues, named exactly as KumoMTA's {@code MessageConformance} flags so that a
 * {@code check_fix_conformance} policy carries over word for word.
 */
public enum ConformanceIssue {
    /** A header line with a name and no colon (and so no value), e.g. {@code Subject} alone (RFC 5322 §2.2). */
    MISSING_COLON_VALUE,
    /** A line ending other than CRLF: a bare LF or a bare CR (RFC 5322 §2.1, RFC 5321 §2.3.8). */
    NON_CANONICAL_LINE_ENDINGS,
    /** White space between a field name and its colon, e.g. {@code Subject :} (RFC 5322 §3.6.8, §4.5.3 obsolete). */
    NAME_ENDS_WITH_SPACE,
    /** A line longer than 78 characters, line ending excluded (RFC 5322 §2.1.1). */
    LINE_TOO_LONG,
    /**
     * 8-bit octets that are not transfer-encoded for a 7-bit path: in a header value, in a body (even one declared
     * {@code 8bit} or {@code binary}), or a text part that does not decode in its declared charset (RFC 2045 §6).
     */
    NEEDS_TRANSFER_ENCODING,
    /** No {@code Date} field, or none that parses as an RFC 5322 §3.3 date-time. */
    MISSING_DATE_HEADER,
    /** No {@code Message-ID} field, or none that parses as an RFC 5322 §3.6.4 msg-id. */
    MISSING_MESSAGE_ID_HEADER,
    /** No {@code MIME-Version} field, or one whose version is not 1.0 (RFC 2045 §4). */
    MISSING_MIME_VERSION;

    private static final Set<ConformanceIssue> MISSING_HEADERS =
            EnumSet.of(MISSING_DATE_HEADER, MISSING_MESSAGE_ID_HEADER, MISSING_MIME_VERSION);

    /** True for the three issues a fix repairs by adding a header field, leaving the rest of the message alone. */
    public boolean isMissingHeader() {
        return MISSING_HEADERS.contains(this);
    }

    /**
     * Reads a {@code |}-separated list of labels (KumoMTA's syntax); empty elements are ignored, case matters
     * as in KumoMTA except that surrounding white space is dropped.
     *
     * @throws IllegalArgumentException naming the unknown label and listing the accepted ones
     */
    public static Set<ConformanceIssue> parseList(String labels) {
        EnumSet<ConformanceIssue> out = EnumSet.noneOf(ConformanceIssue.class);
        if (labels == null) {
            return out;
        }
        for (String element : labels.split("\\|", -1)) {
            String label = element.strip();
            if (label.isEmpty()) {
                continue;
            }
            out.add(fromLabel(label));
        }
        return out;
    }

    /** One label. @throws IllegalArgumentException naming the label and listing the accepted ones */
    public static ConformanceIssue fromLabel(String label) {
        for (ConformanceIssue issue : values()) {
            if (issue.name().equals(label)) {
                return issue;
            }
        }
        throw new IllegalArgumentException("unknown conformance issue '" + label + "'"
                + (label.toUpperCase(Locale.ROOT).equals(label) ? "" : " (labels are upper case)")
                + "; accepted: " + accepted());
    }

    /** The labels, sorted, comma-separated. */
    public static String accepted() {
        return Arrays.stream(values()).map(Enum::name).sorted().collect(Collectors.joining(", "));
    }

    /** KumoMTA's list form: sorted labels joined with {@code sep}. */
    public static String join(Collection<ConformanceIssue> issues, String sep) {
        return issues.stream().map(Enum::name).sorted().collect(Collectors.joining(sep));
    }
}
