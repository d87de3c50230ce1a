package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;

import static dev.authpack.dkim.internal.OctetWords.CRS;
import static dev.authpack.dkim.internal.OctetWords.LFS;
import static dev.authpack.dkim.internal.OctetWords.OCTETS;
import static dev.authpack.dkim.internal.OctetWords.SPACES;
import static dev.authpack.dkim.internal.OctetWords.TABS;

/**
 * Header field canonicalization (RFC 6376 §3.4.1 simple, §3.4.2 relaxed) of one raw field. Like the body
 * canonicalizer, it copies the unchanged runs of the field in one piece and looks for the octets that change eight
 * at a time ({@link OctetWords}).
 */
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
        for (int lf = BodyCanonicalizer.nextBareLf(b, offset, end, offset); lf < end;
             lf = BodyCanonicalizer.nextBareLf(b, lf + 1, end, offset)) {
            out.write(b, span, lf - span);
            out.append((byte) '\r');
            span = lf;
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
        out.writeLowerCase(b, offset, nameEnd - offset);
        out.append((byte) ':');
        // whitespace and line breaks before the value go
        int i = colon + 1 < end ? skipFolding(b, colon + 1, end) : end;
        int span = i;
        while (i < end) {
            // the word test reads the octet after the word too
            if (i + OCTETS < end) {
                long w = OctetWords.word(b, i);
                long w7 = OctetWords.low7(w);
                long changes = OctetWords.equal(w7, w, TABS) | OctetWords.equal(w7, w, CRS)
                        | OctetWords.equal(w7, w, LFS)
                        | OctetWords.equal(w7, w, SPACES) & OctetWords.atMostSpace(OctetWords.word(b, i + 1));
                if (changes == 0) {
                    i += OCTETS;
                    continue;
                }
                i += OctetWords.first(changes);
            }
            byte c = b[i];
            if (!isFolding(b, i, end)) {
                i++;
                continue;
            }
            int j = skipFolding(b, i, end);
            if (j == end) {
                // whitespace at the end of the value goes
                out.write(b, span, i - span);
                span = end;
            } else if (!hasSpace(b, i, j)) {
                // a line break without whitespace (not proper folding): unfolding just removes it
                out.write(b, span, i - span);
                span = j;
            } else if (c == ' ') {
                // the run's own first SP stays, the rest goes
                if (j - i != 1) {
                    out.write(b, span, i + 1 - span);
                    span = j;
                }
            } else {
                out.write(b, span, i - span);
                out.append((byte) ' ');
                span = j;
            }
            i = j;
        }
        out.write(b, span, end - span);
    }

    /** SP, HTAB, LF, or a CR before an LF: what unfolding and whitespace reduction act on. */
    private static boolean isFolding(byte[] b, int i, int end) {
        byte c = b[i];
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' && i + 1 < end && b[i + 1] == '\n';
    }

    private static int skipFolding(byte[] b, int from, int end) {
        int j = from;
        while (j < end && isFolding(b, j, end)) {
            j++;
        }
        return j;
    }

    private static boolean hasSpace(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (b[k] == ' ' || b[k] == '\t') {
                return true;
            }
        }
        return false;
    }
}
