package dev.authpack.james;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Where a message is written to when only its header section is wanted ({@link MimeMessageBytes#headerSection}):
 * keeps the octets up to and including the empty line that ends the header section for every reader, then stops the
 * writer with an exception of its own, so the rest of the message is never read. Two readings end it at different
 * places (review s18 H2): an LF-only reader (mime4j, Dovecot; {@code RawMessage}) at the first empty line, where a
 * bare LF ends a line too (RFC 5322 §2.1), and a reader that knows only CR LF (several MTAs and Windows clients) at
 * the first CR LF CR LF; the capture goes on to the later of the two. Keeps at most {@code max + 1} octets: a header
 * section without both ends within {@code max} stops the writer there too.
 *
 * <p>The header section is {@link #clean() clean} when both ends were found and it holds CRLF lines alone (no bare
 * LF, no lone CR before its CR LF CR LF): then every reader reads the same fields, and the same end. Legitimate mail
 * received over SMTP has such a header section.
 */
final class HeaderCapture extends OutputStream {
    /** Thrown to stop the writer: the header section is complete (or too large). */
    static final class Enough extends IOException {
        Enough() {
            super("header section read");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final int CRLF_CRLF = '\r' << 24 | '\n' << 16 | '\r' << 8 | '\n';

    private final int limit;
    private byte[] octets = new byte[8192];
    private int count;
    private boolean done;
    /** Whether the next octet starts a line, and whether the line so far is a lone CR (the LF-only reading). */
    private boolean lineStart = true;
    private boolean crAtLineStart;
    /** The end of each reading found; a bare LF or lone CR seen before the CR LF CR LF. */
    private boolean lfOnlyEnd;
    private boolean crlfEnd;
    private boolean bare;
    /** The last four octets kept, for CR LF CR LF. */
    private int last4;

    HeaderCapture(int max) {
        this.limit = Math.max(1, max) + 1;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (done) {
            throw new Enough();
        }
        for (int i = off; i < off + len; i++) {
            keep(b[i]);
            if (ends(b[i]) || count == limit) {
                done = true;
                throw new Enough();
            }
        }
    }

    private void keep(byte b) {
        if (count == octets.length) {
            octets = Arrays.copyOf(octets, Math.min(limit, 2 * octets.length));
        }
        octets[count++] = b;
    }

    /** Whether {@code b}, just kept, ends the header section of both readings. */
    private boolean ends(byte b) {
        if (!crlfEnd) {
            crlfOnly(b);
        }
        if (!lfOnlyEnd) {
            lfOnly(b);
        }
        return lfOnlyEnd && crlfEnd;
    }

    private void lfOnly(byte b) {
        if (b == '\n') {
            if (lineStart || crAtLineStart) {
                lfOnlyEnd = true;
                return;
            }
            lineStart = true;
            return;
        }
        crAtLineStart = lineStart && b == '\r';
        lineStart = false;
    }

    private void crlfOnly(byte b) {
        int previous = count > 1 ? last4 & 0xff : -1;
        if (b == '\n' && previous != '\r' || previous == '\r' && b != '\n') {
            bare = true;                        // a bare LF, or a lone CR
        }
        last4 = last4 << 8 | (b & 0xff);
        // CR LF CR LF; a message starting with CR LF has an empty header section
        if (b == '\n' && (last4 == CRLF_CRLF && count >= 4 || count == 2 && octets[0] == '\r')) {
            crlfEnd = true;
        }
    }

    /** Whether the writer was stopped: the header section is complete, or {@code max + 1} octets are in. */
    boolean done() {
        return done;
    }

    /**
     * Whether the header section is complete and CRLF lines only: both readings' ends found (the same then), no bare
     * LF and no lone CR before it.
     */
    boolean clean() {
        return lfOnlyEnd && crlfEnd && !bare;
    }

    byte[] octets() {
        return Arrays.copyOf(octets, count);
    }
}
