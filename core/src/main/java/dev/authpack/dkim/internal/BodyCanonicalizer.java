package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;

/**
 * Body canonicalization (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) in one forward pass over the body as received.
 * Unchanged runs of octets are handed to the sink as they are (no copy); only the changes are written separately.
 *
 * <p>A line ends with CRLF or with a bare LF (a message stored with LF line ends); either way the canonical form
 * has CRLF. A CR not followed by LF is data. Empty lines are held back and written only when content follows, so
 * the empty lines at the end of the body disappear without looking ahead.
 */
final class BodyCanonicalizer {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SP = {' '};
    private static final byte[] CRLF_RUN = new byte[128];

    static {
        for (int i = 0; i < CRLF_RUN.length; i += 2) {
            CRLF_RUN[i] = '\r';
            CRLF_RUN[i + 1] = '\n';
        }
    }

    private BodyCanonicalizer() {
    }

    static void canonicalize(Canonicalization c, byte[] body, int offset, int length, CanonicalSink sink) {
        if (c == Canonicalization.RELAXED) {
            relaxed(body, offset, length, sink);
        } else {
            simple(body, offset, length, sink);
        }
    }

    /** §3.4.3: empty lines at the end removed; an empty body (or one of empty lines only) becomes one CRLF. */
    static void simple(byte[] b, int offset, int length, CanonicalSink sink) {
        // the line ends at the very end go first (whatever precedes the first of them is content)
        int end = offset + length;
        while (end > offset && b[end - 1] == '\n') {
            end--;
            if (end > offset && b[end - 1] == '\r') {
                end--;
            }
        }
        int span = offset;
        for (int i = offset; i < end; i++) {
            if (b[i] == '\n' && (i == offset || b[i - 1] != '\r')) {
                flush(b, span, i, sink);
                sink.write(CRLF, 0, 2);
                span = i + 1;
            }
        }
        flush(b, span, end, sink);
        sink.write(CRLF, 0, 2);
    }

    /**
     * §3.4.4: whitespace at the end of lines removed, other runs of SP/HTAB become one SP, empty lines at the end
     * removed (a line of whitespace only is empty), CRLF added after unterminated content; an empty body stays
     * empty.
     */
    static void relaxed(byte[] b, int offset, int length, CanonicalSink sink) {
        int end = offset + length;
        int span = offset;
        long pendingLines = 0;
        boolean content = false;
        int i = offset;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c > ' ' || c != ' ' && c != '\t' && c != '\n' && (c != '\r' || i + 1 == end || b[i + 1] != '\n')) {
                // content (most octets): skip the run of it in one tight loop
                if (!content) {
                    if (pendingLines > 0) {
                        flush(b, span, i, sink);
                        writeLines(pendingLines, sink);
                        pendingLines = 0;
                        span = i;
                    }
                    content = true;
                }
                i++;
                while (i < end) {
                    int d = b[i] & 0xff;
                    if (d > ' ') {
                        i++;
                    } else if (d == ' ' && i + 1 < end && (b[i + 1] & 0xff) > ' ') {
                        // a single space between words stays as it is
                        i += 2;
                    } else {
                        break;
                    }
                }
                continue;
            }
            if (c == ' ' || c == '\t') {
                int j = i + 1;
                while (j < end && (b[j] == ' ' || b[j] == '\t')) {
                    j++;
                }
                if (j == end || b[j] == '\n' || b[j] == '\r' && j + 1 < end && b[j + 1] == '\n') {
                    // whitespace at the end of a line goes
                    flush(b, span, i, sink);
                    span = j;
                } else {
                    if (!content) {
                        if (pendingLines > 0) {
                            flush(b, span, i, sink);
                            writeLines(pendingLines, sink);
                            pendingLines = 0;
                            span = i;
                        }
                        content = true;
                    }
                    if (j - i != 1 || c != ' ') {
                        flush(b, span, i, sink);
                        sink.write(SP, 0, 1);
                        span = j;
                    }
                }
                i = j;
                continue;
            }
            // a line end: CRLF, or a bare LF
            int next = c == '\n' ? i + 1 : i + 2;
            if (!content) {
                flush(b, span, i, sink);
                pendingLines++;
                span = next;
            } else if (c == '\n') {
                flush(b, span, i, sink);
                sink.write(CRLF, 0, 2);
                span = next;
            }
            content = false;
            i = next;
        }
        flush(b, span, end, sink);
        if (content) {
            sink.write(CRLF, 0, 2);
        }
    }

    private static void flush(byte[] b, int from, int to, CanonicalSink sink) {
        if (to > from) {
            sink.write(b, from, to - from);
        }
    }

    private static void writeLines(long count, CanonicalSink sink) {
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(left, CRLF_RUN.length / 2);
            sink.write(CRLF_RUN, 0, n * 2);
            left -= n;
        }
    }
}
