package dev.authpack.mail;

/**
 * The line-level reading of a header section that the lenient readers share (the forged
 * {@code Authentication-Results} remover and trust classifier, DMARC's From scan): where a line ends, where the
 * next one starts, which lines continue a field, where the header section ends. It reads the way every reader we
 * know of could, so that a reader built on it can fail closed:
 * <ul>
 *   <li><b>javax.mail's reading</b> ({@code LineInputStream}, what James reads): a line's content ends at its first
 *       CR or LF; the line ends with LF, CRLF, CR CR LF or a bare CR;</li>
 *   <li><b>the LF-only reading</b> (RFC 5322 §2.2.3 folding as mime4j and Dovecot split lines): a line ends at LF
 *       only, a bare CR is inside it;</li>
 *   <li><b>the CRLF-only reading</b> (RFC 5322 §2.1, a reader that knows no other line end).</li>
 * </ul>
 * A line starting with SP or HTAB continues the field above (RFC 5322 §2.2.3). Every method is a position
 * calculation on the array: no allocation, each octet looked at a bounded number of times per call, nothing read at
 * or past {@code limit} where a method takes one.
 *
 * <p>{@link RawMessage} does not use this: signatures (DKIM, ARC) hash the exact octets of the fields, so it reads
 * one strict way (LF and CRLF line ends, a CR not before LF is data) and refuses what these readings tolerate.
 */
public final class HeaderLines {
    private HeaderLines() {
    }

    /** Where the content of the line starting at {@code start} ends: its first CR or LF, or {@code limit}. */
    public static int contentEnd(byte[] m, int start, int limit) {
        // eight octets at a time: these scans read every line of the header section, once per reader
        int i = start;
        // i <= limit - 8, not i + 8 <= limit: no overflow near the largest array
        for (; i <= limit - Long.BYTES; i += Long.BYTES) {
            long word = OctetScan.word(m, i);
            long lineEnds = OctetScan.zeroOctets(word ^ OctetScan.LFS) | OctetScan.zeroOctets(word ^ OctetScan.CRS);
            if (lineEnds != 0) {
                return i + OctetScan.first(lineEnds);
            }
        }
        while (i < limit && m[i] != '\n' && m[i] != '\r') {
            i++;
        }
        return i;
    }

    /**
     * Where the next line starts in javax.mail's reading, given where the content of a line ends ({@link
     * #contentEnd}): after LF, CRLF, CR CR LF or a bare CR; {@code m.length} when there is no line end.
     */
    public static int nextLine(byte[] m, int contentEnd) {
        int i = contentEnd;
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

    /**
     * The first position of {@code [from, to)} past octets up to space, or {@code to}: where a field name starts
     * as javax.mail's {@code InternetHeader} trims the text before the colon.
     */
    public static int trimStart(byte[] m, int from, int to) {
        int i = from;
        while (i < to && (m[i] & 0xff) <= ' ') {
            i++;
        }
        return i;
    }

    /** The end of {@code [from, to)} without the octets up to space at its end (see {@link #trimStart}). */
    public static int trimEnd(byte[] m, int from, int to) {
        int i = to;
        while (i > from && (m[i - 1] & 0xff) <= ' ') {
            i--;
        }
        return i;
    }

    /** Whether the line at {@code pos} starts with SP or HTAB: it continues the field above (RFC 5322 §2.2.3). */
    public static boolean isContinuation(byte[] m, int pos) {
        return pos < m.length && isWhiteSpace(m[pos]);
    }

    /** SP or HTAB (RFC 5234 WSP). */
    public static boolean isWhiteSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    /**
     * Where the field whose first line starts at {@code start} ends in javax.mail's reading: the start of the next
     * line that is not a continuation line, or {@code m.length}.
     */
    public static int fieldEnd(byte[] m, int start) {
        int pos = nextLine(m, contentEnd(m, start, m.length));
        while (isContinuation(m, pos)) {
            pos = nextLine(m, contentEnd(m, pos, m.length));
        }
        return pos;
    }

    /** Whether {@code pos} starts a line in the LF-only reading (and so in javax.mail's): 0 or after a LF. */
    public static boolean startsLfLine(byte[] m, int pos) {
        return pos == 0 || m[pos - 1] == '\n';
    }

    /**
     * Where a field ends in the LF-only reading, read from {@code from} (its start, or any octet of its first
     * line): after the first LF that is not followed by SP or HTAB, or {@code limit} if there is none before it.
     */
    public static int lfFieldEnd(byte[] m, int from, int limit) {
        int i = from;
        while (true) {
            while (i < limit && m[i] != '\n') {
                i++;
            }
            if (i >= limit) {
                return limit;
            }
            i++;
            if (i >= limit || !isWhiteSpace(m[i])) {
                return i;
            }
        }
    }

    /**
     * Where a field ends in the CRLF-only reading, read from {@code from} (its start, or any octet of it): after the
     * first CR LF not followed by SP or HTAB, or {@code limit} if there is none before it. It is not read on past
     * the empty line ending the header section for the other readings ({@link #endsHeaderSection}), which that
     * reader takes for data when a bare LF comes before it: the field ends there too. Every place it returns
     * (but {@code limit}) is also a field start of the LF-only reading and of javax.mail's.
     */
    public static int crlfFieldEnd(byte[] m, int from, int limit) {
        int i = from;
        while (true) {
            i = contentEnd(m, i, limit);
            if (i >= limit) {
                return limit;
            }
            if (m[i] == '\n' && i + 1 < limit) {
                boolean crlf = i > 0 && m[i - 1] == '\r';
                if (crlf ? !isWhiteSpace(m[i + 1]) : endsHeaderSection(m, i + 1)) {
                    return i + 1;
                }
            }
            i++;
        }
    }

    /** Whether {@code pos} starts a line in the CRLF-only reading: 0 or after a CR LF. */
    public static boolean startsCrlfLine(byte[] m, int pos) {
        return pos == 0 || pos >= 2 && m[pos - 2] == '\r' && m[pos - 1] == '\n';
    }

    /**
     * Whether the line at {@code pos} (which must be a line start) is the empty line ending the header section for
     * both javax.mail's and the LF-only reading: LF or CRLF right at the start of a line after a LF. An empty line
     * only one of them sees (after a bare CR; CR CR LF) does not end it, so that no field either reader could show
     * is left unread.
     */
    public static boolean endsHeaderSection(byte[] m, int pos) {
        return startsLfLine(m, pos) && (m[pos] == '\n' || m[pos] == '\r' && pos + 1 < m.length && m[pos + 1] == '\n');
    }

    /**
     * Whether the line at {@code pos} (which must be a line start) is the empty line ending the header section for
     * a reader that knows only CRLF: CRLF at the start of the message or right after a CRLF. Such a line also
     * {@link #endsHeaderSection ends it} for the other readings; the converse does not hold.
     */
    public static boolean endsHeaderSectionCrlfOnly(byte[] m, int pos) {
        return (pos == 0 || pos >= 2 && m[pos - 2] == '\r' && m[pos - 1] == '\n')
                && m[pos] == '\r' && pos + 1 < m.length && m[pos + 1] == '\n';
    }

    /**
     * Whether a CR LF is anywhere in the message: without one, a reader that knows only CRLF sees it as a single
     * line. Stops at the first; eight octets at a time, looking only at CRs (a message with bare LF line ends has
     * few or none).
     */
    public static boolean containsCrlf(byte[] m) {
        int i = 0;
        for (; i <= m.length - Long.BYTES; i += Long.BYTES) {
            long crs = OctetScan.zeroOctets(OctetScan.word(m, i) ^ OctetScan.CRS);
            for (; crs != 0; crs &= crs - 1) { // each CR of the word (one high bit per CR octet), in order
                int cr = i + OctetScan.first(crs);
                if (cr + 1 < m.length && m[cr + 1] == '\n') {
                    return true;
                }
            }
        }
        for (; i + 1 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                return true;
            }
        }
        return false;
    }

    /** Whether the first LF before {@code limit} ends a CRLF (false when there is no LF). */
    public static boolean firstLineEndsWithCrlf(byte[] m, int limit) {
        for (int i = 0; i < limit; i++) {
            if (m[i] == '\n') {
                return i > 0 && m[i - 1] == '\r';
            }
        }
        return false;
    }
}
