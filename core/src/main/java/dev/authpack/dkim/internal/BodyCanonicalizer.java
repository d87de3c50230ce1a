package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;

import static dev.authpack.dkim.internal.OctetWords.CRS;
import static dev.authpack.dkim.internal.OctetWords.LFS;
import static dev.authpack.dkim.internal.OctetWords.OCTETS;
import static dev.authpack.dkim.internal.OctetWords.SPACES;
import static dev.authpack.dkim.internal.OctetWords.TABS;

/**
 * Body canonicalization (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) in one forward pass over the body as received.
 * Unchanged runs of octets are handed to the sink as they are (no copy), so a digest behind the sink is fed in a
 * few large runs; only the changes are written separately.
 *
 * <p>A line ends with CRLF or with a bare LF (a message stored with LF line ends); either way the canonical form
 * has CRLF. A CR not followed by LF is data.
 *
 * <p>How: the body is all at hand, so the empty lines at its end (which both canonicalizations remove) are found
 * first by a short backward scan that stops at the last content; the forward pass then never holds anything back.
 * The forward pass reads eight octets at a time ({@link OctetWords}) and looks only for the octets that change:
 * for simple a bare LF; for relaxed also an HTAB, and an SP followed by whitespace or a line end. A word without
 * them (almost every word of real mail) costs a few arithmetic operations; the octets around a change are handled
 * one by one, exactly as the RFC words the rules.
 */
final class BodyCanonicalizer {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SP = {' '};

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
        int bodyEnd = offset + length;
        int end = bodyEnd;
        while (end > offset && b[end - 1] == '\n') {
            end--;
            if (end > offset && b[end - 1] == '\r') {
                end--;
            }
        }
        int span = offset;
        for (int lf = nextBareLf(b, offset, end, offset); lf < end; lf = nextBareLf(b, lf + 1, end, offset)) {
            flush(b, span, lf, sink);
            sink.write(CRLF, 0, 2);
            span = lf + 1;
        }
        finish(b, span, end, bodyEnd, sink);
    }

    /**
     * §3.4.4: whitespace at the end of lines removed, other runs of SP/HTAB become one SP, empty lines at the end
     * removed (a line of whitespace only is empty), CRLF added after unterminated content; an empty body stays
     * empty.
     */
    static void relaxed(byte[] b, int offset, int length, CanonicalSink sink) {
        int end = contentEnd(b, offset, offset + length);
        if (end == offset) {
            return;
        }
        // [offset, end) ends with content: every SP/HTAB run in it is followed by an octet of it
        int span = offset;
        int i = offset;
        while (i < end) {
            if (i > offset) {
                i = nextChange(b, i, end);
                if (i == end) {
                    break;
                }
            }
            int c = b[i];
            if (c == ' ' || c == '\t') {
                int j = i + 1;
                while (b[j] == ' ' || b[j] == '\t') {
                    j++;
                }
                if (b[j] == '\n' || b[j] == '\r' && j + 1 < end && b[j + 1] == '\n') {
                    // whitespace at the end of a line goes
                    flush(b, span, i, sink);
                    span = j;
                } else if (c == ' ') {
                    // a run between words becomes one SP: its own first one, in the same write as what precedes
                    if (j - i != 1) {
                        flush(b, span, i + 1, sink);
                        span = j;
                    }
                } else {
                    flush(b, span, i, sink);
                    sink.write(SP, 0, 1);
                    span = j;
                }
                i = j;
            } else if (c == '\n' && (i == offset || b[i - 1] != '\r')) {
                // a bare LF ends the line: written as CRLF
                flush(b, span, i, sink);
                sink.write(CRLF, 0, 2);
                span = ++i;
            } else {
                i++;
            }
        }
        finish(b, span, end, offset + length, sink);
    }

    /**
     * The first octet in {@code b[from, end)} that relaxed canonicalization may change, or {@code end}: an HTAB, an
     * SP followed by whitespace or a control (a line end), an LF after something else than CR (a bare LF). The last
     * eight octets are not tested (the caller tests them one by one). {@code from} must be after the body's first
     * octet and before {@code end}: the test reads the octet before {@code from} and the one after each octet.
     */
    private static int nextChange(byte[] b, int from, int end) {
        int i = from;
        if (b[i] == '\n' && b[i - 1] != '\r') {
            return i;
        }
        // two words a round (fewer branches), then one
        while (i + 2 * OCTETS < end) {
            long changes = spaceChanges(b, i);
            long changes2 = spaceChanges(b, i + OCTETS);
            // bare LFs: the octets before the LFs tested only in rounds with an LF (one in four or five of text)
            long lfs = lfsAfter(b, i);
            long lfs2 = lfsAfter(b, i + OCTETS);
            if ((lfs | lfs2) != 0) {
                changes |= beforeBareLfs(b, i, lfs);
                changes2 |= beforeBareLfs(b, i + OCTETS, lfs2);
            }
            if ((changes | changes2) != 0) {
                // the first word with a change picked without a branch: which one it is varies from change to
                // change, and a mispredicted branch here cost more than these few operations (all ones when the
                // first word has one)
                long inFirst = (changes | -changes) >> 63;
                long picked = changes2 ^ (changes ^ changes2) & inFirst;
                return i + (OCTETS & ~(int) inFirst) + position(picked);
            }
            i += 2 * OCTETS;
        }
        if (i + OCTETS < end) {
            long changes = changes(b, i);
            if (changes != 0) {
                return i + position(changes);
            }
            i += OCTETS;
        }
        return i;
    }

    /** {@link #changes} without the bare LFs: bit 7 of each HTAB, and of each SP followed by whitespace or a control. */
    private static long spaceChanges(byte[] b, int i) {
        long w = OctetWords.word(b, i);
        long w7 = OctetWords.low7(w);
        return OctetWords.equal(w7, w, TABS) | OctetWords.equal(w7, w, SPACES) & OctetWords.atMostSpace(
                OctetWords.word(b, i + 1));
    }

    /** Bit 7 of each octet of the word at {@code b[i]} that an LF follows. */
    private static long lfsAfter(byte[] b, int i) {
        long next = OctetWords.word(b, i + 1);
        return OctetWords.equal(OctetWords.low7(next), next, LFS);
    }

    /** {@link #changes}' bit 6 marks: of the octets {@code lfsAfter} marks, those other than CR (a bare LF follows). */
    private static long beforeBareLfs(byte[] b, int i, long lfsAfter) {
        long w = OctetWords.word(b, i);
        return (lfsAfter & OctetWords.notEqual(OctetWords.low7(w), w, CRS)) >>> 1;
    }

    /**
     * The octets of the word at {@code b[i]} that may change, as two bits of each octet: bit 7 marks an HTAB, and an
     * SP followed by whitespace or a control; bit 6 marks an octet followed by a bare LF. Reads {@code b[i, i+9)}.
     */
    private static long changes(byte[] b, int i) {
        // the word at i + 1 holds, as its octet k, the octet after octet k: each octet is tested with the one after it
        return spaceChanges(b, i) | beforeBareLfs(b, i, lfsAfter(b, i));
    }

    /**
     * Where in the word the first change is: the first marked octet, or the LF after it when only bit 6 marks it
     * (an SP before a bare LF is a change of its own, and comes first).
     */
    private static int position(long changes) {
        int bit = Long.numberOfTrailingZeros(changes);
        int octet = bit >>> 3;
        // the octet itself when its bit 7 is set, else the one after it; without a branch, as above
        return octet + 1 - (int) (changes >>> (octet << 3) + 7 & 1);
    }

    /**
     * The first bare LF (an LF not after a CR) in {@code b[from, end)}, or {@code end}; {@code start} is where the
     * text begins: an LF there is bare, and nothing before it is read.
     */
    static int nextBareLf(byte[] b, int from, int end, int start) {
        int i = from;
        if (i == start) {
            if (i < end && b[i] == '\n') {
                return i;
            }
            i++;
        }
        // i > start: the word test reads the octet before the word too; two words a round (fewer branches), and
        // the octets before the LFs tested only in rounds with an LF (one round in four or five of text)
        while (i + 2 * OCTETS <= end) {
            if ((lfs(b, i) | lfs(b, i + OCTETS)) != 0) {
                long bare = bareLfs(b, i);
                long bare2 = bareLfs(b, i + OCTETS);
                if ((bare | bare2) != 0) {
                    return i + (bare != 0 ? OctetWords.first(bare) : OCTETS + OctetWords.first(bare2));
                }
            }
            i += 2 * OCTETS;
        }
        if (i + OCTETS <= end) {
            long bare = bareLfs(b, i);
            if (bare != 0) {
                return i + OctetWords.first(bare);
            }
            i += OCTETS;
        }
        for (; i < end; i++) {
            if (b[i] == '\n' && b[i - 1] != '\r') {
                return i;
            }
        }
        return end;
    }

    /** The LFs of the word at {@code b[i]}. */
    private static long lfs(byte[] b, int i) {
        long w = OctetWords.word(b, i);
        return OctetWords.equal(OctetWords.low7(w), w, LFS);
    }

    /** The LFs of the word at {@code b[i]} that do not follow a CR (reading {@code b[i - 1]} too). */
    private static long bareLfs(byte[] b, int i) {
        long w = OctetWords.word(b, i);
        long p = OctetWords.word(b, i - 1);
        return OctetWords.equal(OctetWords.low7(w), w, LFS) & OctetWords.notEqual(OctetWords.low7(p), p, CRS);
    }

    /**
     * Where the last line with content ends, before its trailing whitespace and line end: what follows it is empty
     * lines (whitespace-only lines are empty in relaxed) and goes. A CR counts as a line end only before an LF.
     */
    private static int contentEnd(byte[] b, int offset, int end) {
        int e = end;
        while (e > offset) {
            byte c = b[e - 1];
            if (c == ' ' || c == '\t') {
                e--;
            } else if (c == '\n') {
                e--;
                if (e > offset && b[e - 1] == '\r') {
                    e--;
                }
            } else {
                break;
            }
        }
        return e;
    }

    /**
     * Writes the last run, up to the end of the content, and the CRLF that ends the last line: the body's own when
     * it follows the content (one write for the run and it), else a new one.
     */
    private static void finish(byte[] b, int span, int contentEnd, int bodyEnd, CanonicalSink sink) {
        if (contentEnd + 2 <= bodyEnd && b[contentEnd] == '\r' && b[contentEnd + 1] == '\n') {
            flush(b, span, contentEnd + 2, sink);
        } else {
            flush(b, span, contentEnd, sink);
            sink.write(CRLF, 0, 2);
        }
    }

    private static void flush(byte[] b, int from, int to, CanonicalSink sink) {
        if (to > from) {
            sink.write(b, from, to - from);
        }
    }
}
