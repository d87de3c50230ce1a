package dev.authpack.authres;

import java.nio.charset.StandardCharsets;

/**
 * The reference for {@link HeaderFieldScan}: a verbatim copy of it as it was before its line walking moved to
 * {@code dev.authpack.mail.HeaderLines} (main at 50eafbc), kept so that {@code HeaderFieldScanDifferentialTest} can
 * show the two agree on every input. Do not change it, but to follow a change of what the scan reads, written in
 * this copy's own naive way: review s18 left CRs and LFs inside a name out ({@link #authResultsBody}).
 *
 * <p>Walks the header section of a raw message field by field, finding the {@code Authentication-Results} fields the
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
 * skipped. Linear: each octet is looked at a bounded number of times.
 */
final class ReferenceHeaderFieldScan {
    private static final String FIELD_NAME = "Authentication-Results";
    private static final byte[] NAME = FIELD_NAME.getBytes(StandardCharsets.US_ASCII);

    private ReferenceHeaderFieldScan() {
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
        while (pos < message.length) {
            int contentEnd = contentEnd(message, pos);
            if (contentEnd == pos && lfEmpty(message, pos)) {
                return; // the empty line ending the header section, for both readings
            }
            int end = fieldEnd(message, next(message, pos));
            int bodyStart = authResultsBody(message, pos, end);
            int lfEnd = end;
            int lfBody = -1;
            if (pos == 0 || message[pos - 1] == '\n') {
                int lfFieldEnd = lfFieldEnd(message, pos);
                lfBody = authResultsBody(message, pos, lfFieldEnd);
                lfEnd = lfBody >= 0 ? lfFieldEnd : end;
            }
            if (!visitor.field(new Field(pos, end, bodyStart, lfBody, lfEnd))) {
                return;
            }
            pos = end;
        }
    }

    static String text(byte[] message, int from, int to) {
        return new String(message, from, to - from, StandardCharsets.UTF_8);
    }

    /** Where the line starting at {@code pos} ends (its first CR or LF), javax.mail's LineInputStream. */
    private static int contentEnd(byte[] m, int pos) {
        int i = pos;
        while (i < m.length && m[i] != '\n' && m[i] != '\r') {
            i++;
        }
        return i;
    }

    /** Where the line after the one starting at {@code pos} starts: after LF, CRLF, CRCRLF or a bare CR. */
    private static int next(byte[] m, int pos) {
        int i = contentEnd(m, pos);
        if (i >= m.length) {
            return m.length;
        }
        if (m[i] == '\n') {
            return i + 1;
        }
        if (i + 1 < m.length && m[i + 1] == '\n') {
            return i + 2;
        }
        if (i + 2 < m.length && m[i + 1] == '\r' && m[i + 2] == '\n') {
            return i + 3;
        }
        return i + 1;
    }

    /** Whether the line at {@code pos} is empty also when lines end at LF only (LF or CRLF right there). */
    private static boolean lfEmpty(byte[] m, int pos) {
        return (pos == 0 || m[pos - 1] == '\n')
                && (m[pos] == '\n' || m[pos] == '\r' && pos + 1 < m.length && m[pos + 1] == '\n');
    }

    /** From a line start, skips continuation lines (javax.mail reading); returns the next field's start. */
    private static int fieldEnd(byte[] m, int from) {
        int pos = from;
        while (pos < m.length && (m[pos] == ' ' || m[pos] == '\t')) {
            pos = next(m, pos);
        }
        return pos;
    }

    /** The end of the field starting at {@code start} when lines end at LF only. */
    private static int lfFieldEnd(byte[] m, int start) {
        int pos = lfNext(m, start);
        while (pos < m.length && (m[pos] == ' ' || m[pos] == '\t')) {
            pos = lfNext(m, pos);
        }
        return pos;
    }

    private static int lfNext(byte[] m, int pos) {
        int i = pos;
        while (i < m.length && m[i] != '\n') {
            i++;
        }
        return Math.min(m.length, i + 1);
    }

    /**
     * Where the body of an Authentication-Results field in {@code [start, end)} starts (after the colon), or -1:
     * the text before the first colon, trimmed of octets up to space (javax.mail's {@code InternetHeader}; RFC
     * 5322 §4.5 obsolete WSP before the colon is one case), must be the name, ignoring ASCII case, or, read as
     * UTF-8, equal to it for {@link String#equalsIgnoreCase}.
     */
    private static int authResultsBody(byte[] m, int start, int end) {
        int colon = start;
        while (colon < end && m[colon] != ':') {
            colon++;
        }
        if (colon >= end) {
            return -1;
        }
        int from = start;
        int to = colon;
        while (from < to && (m[from] & 0xff) <= ' ') {
            from++;
        }
        while (to > from && (m[to - 1] & 0xff) <= ' ') {
            to--;
        }
        // review s18: CRs and LFs inside the name are left out (an LF-only field's lone CR, a CRLF-only field's
        // bare LF), written in this copy's own naive way
        java.io.ByteArrayOutputStream name = new java.io.ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            if (m[i] != '\r' && m[i] != '\n') {
                name.write(m[i]);
            }
        }
        if (name.size() != to - from) {
            return name.size() <= 2 * NAME.length
                    && FIELD_NAME.equalsIgnoreCase(name.toString(StandardCharsets.UTF_8)) ? colon + 1 : -1;
        }
        if (to - from == NAME.length && asciiName(m, from)) {
            return colon + 1;
        }
        // a reader decoding the header as UTF-8 (javax.mail with mail.mime.allowutf8) compares names with
        // String.equalsIgnoreCase, which takes U+0131 (dotless i) for 'i' and U+017F (long s) for 's'
        if (to - from > NAME.length && to - from <= 2 * NAME.length
                && FIELD_NAME.equalsIgnoreCase(new String(m, from, to - from, StandardCharsets.UTF_8))) {
            return colon + 1;
        }
        return -1;
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
