package dev.authpack.authres;

import dev.authpack.mail.HeaderLines;

import java.nio.charset.StandardCharsets;

/**
 * Walks the header section of a raw message field by field, finding the {@code Authentication-Results} fields the
 * way every reader we know of would: fail closed, a field is one if <em>either</em> reading says so.
 * <ul>
 *   <li>javax.mail's {@code InternetHeaders} (what James, its matchers and mailets read): a line ends at LF, CRLF,
 *       CRCRLF or a bare CR; a line starting with space or tab continues the field above, except the very first
 *       line, which starts a field; the field name is the text before the first colon of the unfolded field,
 *       trimmed of every octet up to space (NUL, VT, FF, folding...), compared ignoring case; the header section
 *       ends at an empty line.</li>
 *   <li>A reader that splits lines at LF only (RFC 5322 §2.2.3 folding; mime4j, Dovecot): a bare CR is inside
 *       the line. Its field is checked too when it starts where the javax.mail field starts.</li>
 * </ul>
 * The header section ends only at a line both readings see as empty, so no field either reader could show is
 * skipped. Linear: each octet is looked at a bounded number of times. The line walking (line ends of each reading,
 * continuation lines, the end of the header section) is {@link HeaderLines}, shared with DMARC's From scan; the
 * field rules (which name is Authentication-Results, a field in either reading) are this class's.
 */
final class HeaderFieldScan {
    private static final String FIELD_NAME = AuthResultsWriter.FIELD_NAME;
    private static final byte[] NAME = FIELD_NAME.getBytes(StandardCharsets.US_ASCII);

    private HeaderFieldScan() {
    }

    /**
     * One field (javax.mail reading) of the header section.
     *
     * @param start     where it starts
     * @param end       where the next field (or the empty line ending the header section) starts
     * @param bodyStart where its body starts (after the colon) if it is an Authentication-Results field, else -1
     * @param lfBody    the body start in the LF-only reading, if the field is an Authentication-Results field
     *                  there, else -1
     * @param lfEnd     where the field ends in the LF-only reading (a field start of both readings), when
     *                  {@code lfBody >= 0}; else {@code end}
     */
    record Field(int start, int end, int bodyStart, int lfBody, int lfEnd) {
        /** The javax.mail reading's body, or null if it is no Authentication-Results field there. */
        String body(byte[] message) {
            return bodyStart >= 0 ? text(message, bodyStart, end) : null;
        }

        /** The LF-only reading's body, or null if it is no Authentication-Results field there. */
        String lfBodyText(byte[] message) {
            return lfBody >= 0 ? text(message, lfBody, lfEnd) : null;
        }
    }

    interface Visitor {
        /** @return false to stop */
        boolean field(Field field);
    }

    /** Visits each field top to bottom; stops at the end of the header section or when the visitor says so. */
    static void scan(byte[] message, Visitor visitor) {
        int pos = 0;
        // the header section ends at the empty line of both readings; any other empty line starts a field here
        while (pos < message.length && !HeaderLines.endsHeaderSection(message, pos)) {
            int plainEnd = plainFieldEnd(message, pos);
            if (plainEnd >= 0) {
                // every line end of the field is LF or CRLF: both readings see the same field, read once
                int body = authResultsBody(message, pos, plainEnd);
                if (!visitor.field(new Field(pos, plainEnd, body, body, plainEnd))) {
                    return;
                }
                pos = plainEnd;
                continue;
            }
            int end = HeaderLines.fieldEnd(message, pos);
            int bodyStart = authResultsBody(message, pos, end);
            int lfEnd = end;
            int lfBody = -1;
            if (HeaderLines.startsLfLine(message, pos)) {
                int lfFieldEnd = HeaderLines.lfFieldEnd(message, pos, message.length);
                lfBody = authResultsBody(message, pos, lfFieldEnd);
                lfEnd = lfBody >= 0 ? lfFieldEnd : end;
            }
            if (!visitor.field(new Field(pos, end, bodyStart, lfBody, lfEnd))) {
                return;
            }
            pos = end;
        }
    }

    /**
     * Where the field starting at {@code start} (a line start of both readings) ends when every line end in it is a
     * LF or a CRLF: then the LF-only reading splits it into the same lines and ends it at the same place as
     * javax.mail's ({@link HeaderLines#fieldEnd}), and its body is the same. -1 when the field has a bare CR or
     * CR CR LF (the readings may differ: the general path reads both), or does not start a line of the LF-only
     * reading.
     */
    private static int plainFieldEnd(byte[] m, int start) {
        if (!HeaderLines.startsLfLine(m, start)) {
            return -1;
        }
        int i = start;
        while (true) {
            i = HeaderLines.contentEnd(m, i, m.length);
            if (i >= m.length) {
                return m.length;
            }
            if (m[i] == '\r') {
                if (i + 1 >= m.length || m[i + 1] != '\n') {
                    return -1;
                }
                i++;
            }
            i++;
            if (i >= m.length || !HeaderLines.isWhiteSpace(m[i])) {
                return i;
            }
        }
    }

    /**
     * The body of {@code [start, end)} read as one field, if it is an Authentication-Results field (the same rules
     * as the fields visited), else null: for a reading that delimits fields otherwise (the CRLF-only one of {@link
     * AuthResultsRewrite}).
     */
    static String bodyText(byte[] message, int start, int end) {
        int body = authResultsBody(message, start, end);
        return body >= 0 ? text(message, body, end) : null;
    }

    static String text(byte[] message, int from, int to) {
        return new String(message, from, to - from, StandardCharsets.UTF_8);
    }

    /**
     * Where the body of an Authentication-Results field in {@code [start, end)} starts (after the colon), or -1:
     * the text before the first colon, trimmed of octets up to space (javax.mail's {@code InternetHeader}; RFC
     * 5322 §4.5 obsolete WSP before the colon is one case), must be the name, ignoring ASCII case, or, read as
     * UTF-8, equal to it for {@link String#equalsIgnoreCase}. CRs and LFs inside that text are left out first
     * (review s18): a field of the LF-only reading can hold a lone CR there, one of the CRLF-only reading a bare LF
     * too, which a reader may drop (mime4j reads a CR as white space); javax.mail's fields hold them only before
     * SP or HTAB, which stay and fail the comparison.
     */
    private static int authResultsBody(byte[] m, int start, int end) {
        int colon = start;
        while (colon < end && m[colon] != ':') {
            colon++;
        }
        if (colon >= end) {
            return -1;
        }
        int from = HeaderLines.trimStart(m, start, colon);
        int to = HeaderLines.trimEnd(m, from, colon);
        int lineEnds = 0;
        for (int i = from; i < to; i++) {
            lineEnds += m[i] == '\r' || m[i] == '\n' ? 1 : 0;
        }
        if (lineEnds > 0) {
            // review s18: a CR (or LF) inside the name of a field of the LF-only (CRLF-only) reading, which mime4j
            // reads as white space and a client may drop ("Authentication\r-Results"): the name without them
            return to - from - lineEnds <= 2 * NAME.length && isName(withoutLineEnds(m, from, to)) ? colon + 1 : -1;
        }
        if (to - from == NAME.length && asciiName(m, from)) {
            return colon + 1;
        }
        return to - from > NAME.length && isName(m, from, to) ? colon + 1 : -1;
    }

    /**
     * A reader decoding the header as UTF-8 (javax.mail with mail.mime.allowutf8) compares names with
     * String.equalsIgnoreCase, which takes U+0131 (dotless i) for 'i' and U+017F (long s) for 's'.
     */
    private static boolean isName(byte[] m, int from, int to) {
        return to - from <= 2 * NAME.length
                && FIELD_NAME.equalsIgnoreCase(new String(m, from, to - from, StandardCharsets.UTF_8));
    }

    private static boolean isName(byte[] name) {
        return isName(name, 0, name.length);
    }

    /** {@code m[from, to)} without its CRs and LFs. */
    private static byte[] withoutLineEnds(byte[] m, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += m[i] != '\r' && m[i] != '\n' ? 1 : 0;
        }
        byte[] out = new byte[n];
        n = 0;
        for (int i = from; i < to; i++) {
            if (m[i] != '\r' && m[i] != '\n') {
                out[n++] = m[i];
            }
        }
        return out;
    }

    private static boolean asciiName(byte[] m, int from) {
        for (int i = 0; i < NAME.length; i++) {
            if (lower(m[from + i]) != lower(NAME[i])) {
                return false;
            }
        }
        return true;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }
}
