package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;

/** Header field canonicalization (RFC 6376 §3.4.1 simple, §3.4.2 relaxed) of one raw field. */
public final class HeaderCanonicalizer {
    private HeaderCanonicalizer() {
    }

    /**
     * Appends the canonical form of the field {@code b[offset, offset+length)} (name, colon, value with folding,
     * no final line ending) to {@code out}, without the CRLF that ends it.
     */
    public static void canonicalize(Canonicalization c, byte[] b, int offset, int length, ByteBuilder out) {
        if (c == Canonicalization.RELAXED) {
            relaxed(b, offset, length, out);
        } else {
            simple(b, offset, length, out);
        }
    }

    /** §3.4.1: unchanged, except that a bare LF of the folding is written as CRLF. */
    static void simple(byte[] b, int offset, int length, ByteBuilder out) {
        int end = offset + length;
        int span = offset;
        for (int i = offset; i < end; i++) {
            if (b[i] == '\n' && (i == offset || b[i - 1] != '\r')) {
                out.write(b, span, i - span);
                out.append((byte) '\r');
                span = i;
            }
        }
        out.write(b, span, end - span);
    }

    /**
     * §3.4.2: name in lower case, whitespace around the colon removed, value unfolded, runs of SP/HTAB made one
     * SP, whitespace at the end removed.
     */
    static void relaxed(byte[] b, int offset, int length, ByteBuilder out) {
        int end = offset + length;
        int colon = offset;
        while (colon < end && b[colon] != ':') {
            colon++;
        }
        int nameEnd = colon;
        while (nameEnd > offset && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) {
            nameEnd--;
        }
        for (int i = offset; i < nameEnd; i++) {
            byte ch = b[i];
            out.append(ch >= 'A' && ch <= 'Z' ? (byte) (ch + 32) : ch);
        }
        out.append((byte) ':');
        boolean started = false;
        boolean space = false;
        for (int i = colon + 1; i < end; i++) {
            byte ch = b[i];
            if (ch == ' ' || ch == '\t') {
                space = started;
            } else if (ch == '\n' || ch == '\r' && i + 1 < end && b[i + 1] == '\n') {
                // unfolding: the line break goes, the whitespace after it stays (and is reduced)
                continue;
            } else {
                if (space) {
                    out.append((byte) ' ');
                    space = false;
                }
                out.append(ch);
                started = true;
            }
        }
    }
}
