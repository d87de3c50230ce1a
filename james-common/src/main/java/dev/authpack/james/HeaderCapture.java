package dev.authpack.james;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Where a message is written to when only its header section is wanted ({@link MimeMessageBytes#headerSection}):
 * keeps the octets up to and including the empty line that ends the header section (RFC 5322 §2.1: a line with
 * nothing before its CRLF; a bare LF ends a line too, as {@code RawMessage} reads it), then stops the writer with an
 * exception of its own, so the rest of the message is never read. Keeps at most {@code max + 1} octets: a header
 * section without an end within {@code max} stops the writer there too.
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

    private final int limit;
    private byte[] octets = new byte[8192];
    private int count;
    private boolean done;
    /** Whether the next octet starts a line, and whether the line so far is a lone CR. */
    private boolean lineStart = true;
    private boolean crAtLineStart;

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

    /** Whether {@code b}, just kept, ends the header section. */
    private boolean ends(byte b) {
        if (b == '\n') {
            if (lineStart || crAtLineStart) {
                return true;
            }
            lineStart = true;
            return false;
        }
        crAtLineStart = lineStart && b == '\r';
        lineStart = false;
        return false;
    }

    /** Whether the writer was stopped: the header section is complete, or {@code max + 1} octets are in. */
    boolean done() {
        return done;
    }

    byte[] octets() {
        return Arrays.copyOf(octets, count);
    }
}
