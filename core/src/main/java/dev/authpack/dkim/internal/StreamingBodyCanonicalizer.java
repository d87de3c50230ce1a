package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;

import java.util.Objects;

import static dev.authpack.dkim.internal.OctetWords.LFS;
import static dev.authpack.dkim.internal.OctetWords.OCTETS;

/**
 * Body canonicalization (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) of a body fed in chunks split anywhere, for a body
 * too large to hold: the same octets as {@link BodyCanonicalizer} gives for the whole body, handed to the sink in
 * order, with state bounded whatever the input. {@link BodyCanonicalizer} stays the way for a body in memory: it
 * finds the empty lines at the end by a backward scan, which a stream cannot do.
 *
 * <p>What a chunk's end may leave undecided is held back as counts and flags, never as octets: the empty lines seen
 * since the last content ({@link #emptyLines}: they go if nothing but empty lines follows, else they are written as
 * that many CRLFs); in relaxed, whitespace seen in a line ({@link #pendingWsp}: one SP if content follows in the line,
 * nothing if the line ends); a CR that may be the first half of a CRLF line end ({@link #heldCr}). A line end is
 * CRLF or a bare LF, written CRLF; a CR not followed by LF is data (as {@link BodyCanonicalizer}).
 *
 * <p>Unchanged runs of a chunk are handed to the sink as they are (no copy), across line ends where the body's own
 * CRLF is the canonical one; only changes are written separately. The scans for the next octet that matters read a
 * word at a time ({@link OctetWords}). Not thread-safe: one body, fed in order, then {@link #finish()}.
 */
final class StreamingBodyCanonicalizer {
    private static final byte[] CR = {'\r'};
    private static final byte[] SP = {' '};
    /** CRLFs written at once for held-back empty lines followed by content. */
    private static final byte[] CRLFS = crlfs(256);

    private final boolean relaxed;
    private final CanonicalSink sink;
    /** Empty lines since the last content (whitespace-only lines count in relaxed): written only if content follows. */
    private long emptyLines;
    /** The current line has content written (its line end is still to come). */
    private boolean lineContent;
    /** Simple: some content was written (otherwise the body canonicalizes to one CRLF). */
    private boolean anyContent;
    /** Simple, in a line with content: the last octet written was a CR (a following LF is not bare). */
    private boolean lastCr;
    /** A CR not yet known to be data or the first half of a CRLF line end. */
    private boolean heldCr;
    /** Relaxed: SP/HTAB seen in the current line since its last content, not yet written. */
    private boolean pendingWsp;
    private boolean finished;

    StreamingBodyCanonicalizer(Canonicalization c, CanonicalSink sink) {
        this.relaxed = c == Canonicalization.RELAXED;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The next {@code length} octets of the body. */
    void write(byte[] b, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, b.length);
        if (finished) {
            throw new IllegalStateException("the body is finished");
        }
        if (length == 0) {
            return;
        }
        if (relaxed) {
            relaxed(b, offset, offset + length);
        } else {
            simple(b, offset, offset + length);
        }
    }

    /** The end of the body: what is held back is written or dropped, and the last line ended. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (heldCr) {
            // a CR at the very end is data (no LF follows): content, ended by a CRLF of its own
            heldCr = false;
            startContent();
            if (pendingWsp) {
                sink.write(SP, 0, 1);
                pendingWsp = false;
            }
            sink.write(CR, 0, 1);
            lineContent = true;
        }
        if (lineContent || !relaxed && !anyContent) {
            // §3.4.3 and §3.4.4: unterminated content gets its CRLF; §3.4.3: an empty body is one CRLF
            sink.write(CRLFS, 0, 2);
        }
    }

    /** §3.4.3: the body unchanged but bare LFs (written CRLF) and the empty lines at its end. */
    private void simple(byte[] b, int from, int end) {
        int i = from;
        // the start of a run of octets written unchanged, not yet handed over (-1: none)
        int span = lineContent ? from : -1;
        while (i < end) {
            if (!lineContent) {
                byte c = b[i];
                if (c == '\n') {
                    // an empty line (a held CR was the first half of its CRLF)
                    span = flush(b, span, i);
                    heldCr = false;
                    emptyLines++;
                    i++;
                    continue;
                }
                if (c == '\r' && !heldCr) {
                    if (i + 1 == end) {
                        span = flush(b, span, i);
                        heldCr = true;
                        i++;
                        continue;
                    }
                    if (b[i + 1] == '\n') {
                        span = flush(b, span, i);
                        emptyLines++;
                        i += 2;
                        continue;
                    }
                }
                // content: after the empty lines held back (and a held CR, which turned out to be data)
                if (emptyLines > 0 || heldCr) {
                    span = flush(b, span, i);
                    startContent();
                    if (heldCr) {
                        sink.write(CR, 0, 1);
                        heldCr = false;
                    }
                }
                lineContent = true;
                anyContent = true;
                if (span < 0) {
                    span = i;
                }
            }
            int lf = indexOfLf(b, i, end);
            if (lf == end) {
                lastCr = b[end - 1] == '\r';
                break;
            }
            // lf == i only at the chunk's start (content never begins with an LF): the octet before is lastCr's
            boolean crBefore = lf > from ? b[lf - 1] == '\r' : lastCr;
            if (crBefore) {
                // the line's own CRLF is the canonical one: the run goes on through it
                if (span < 0) {
                    span = lf;
                }
            } else {
                flush(b, span, lf);
                sink.write(CRLFS, 0, 2);
                span = -1;
            }
            i = lf + 1;
            lineContent = false;
            lastCr = false;
        }
        flush(b, span, end);
    }

    /**
     * §3.4.4: whitespace at the end of lines removed, other SP/HTAB runs made one SP, empty lines (whitespace-only
     * ones too) at the end removed, bare LFs written CRLF, CRLF after unterminated content.
     */
    private void relaxed(byte[] b, int from, int end) {
        int i = from;
        int span = -1;
        // where a whitespace run of this chunk that is one SP alone stands (it can stay in the run), or -1
        int singleSp = -1;
        while (i < end) {
            byte c = b[i];
            if (heldCr) {
                heldCr = false;
                if (c == '\n') {
                    // CRLF: the line ends (whitespace before the CR goes)
                    endLine();
                    i++;
                    continue;
                }
                // the CR was data
                startContent();
                if (pendingWsp) {
                    sink.write(SP, 0, 1);
                    pendingWsp = false;
                }
                lineContent = true;
                if (i > from) {
                    span = i - 1;
                } else {
                    sink.write(CR, 0, 1);
                }
                // c is handled below, after the CR
            }
            if (c == ' ' || c == '\t') {
                span = flush(b, span, i);
                int j = i + 1;
                while (j < end && (b[j] == ' ' || b[j] == '\t')) {
                    j++;
                }
                singleSp = !pendingWsp && c == ' ' && j == i + 1 ? i : -1;
                pendingWsp = true;
                i = j;
            } else if (c == '\r') {
                if (span >= 0 && lineContent && !pendingWsp && i + 1 < end && b[i + 1] == '\n') {
                    // content, then its own CRLF: the run goes on through it
                    lineContent = false;
                    i += 2;
                    continue;
                }
                span = flush(b, span, i);
                heldCr = true;
                i++;
            } else if (c == '\n') {
                span = flush(b, span, i);
                endLine();
                i++;
            } else {
                if (!lineContent) {
                    if (emptyLines > 0) {
                        span = flush(b, span, i);
                        startContent();
                    }
                    lineContent = true;
                }
                if (span < 0) {
                    if (pendingWsp) {
                        if (singleSp == i - 1 && singleSp >= from) {
                            span = singleSp;
                        } else {
                            sink.write(SP, 0, 1);
                            span = i;
                        }
                        pendingWsp = false;
                    } else {
                        span = i;
                    }
                }
                i = nextSpecial(b, i + 1, end);
            }
        }
        flush(b, span, end);
    }

    /** A line end (CRLF or bare LF): whitespace before it goes; an empty line is held back. */
    private void endLine() {
        pendingWsp = false;
        if (lineContent) {
            sink.write(CRLFS, 0, 2);
            lineContent = false;
        } else {
            emptyLines++;
        }
    }

    /** Content follows the empty lines held back: they are written, as CRLFs. */
    private void startContent() {
        while (emptyLines > 0) {
            int n = (int) Math.min(emptyLines, CRLFS.length / 2);
            sink.write(CRLFS, 0, 2 * n);
            emptyLines -= n;
        }
        anyContent = true;
    }

    /** Writes the run {@code b[span, to)} if there is one; -1, for the caller's next run. */
    private int flush(byte[] b, int span, int to) {
        if (span >= 0 && to > span) {
            sink.write(b, span, to - span);
        }
        return -1;
    }

    /** The first LF in {@code b[from, end)}, or {@code end}; a word at a time. */
    static int indexOfLf(byte[] b, int from, int end) {
        int i = from;
        for (; i + OCTETS <= end; i += OCTETS) {
            long w = OctetWords.word(b, i);
            long lfs = OctetWords.equal(OctetWords.low7(w), w, LFS);
            if (lfs != 0) {
                return i + OctetWords.first(lfs);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return end;
    }

    /** The first SP, HTAB, CR or LF in {@code b[from, end)}, or {@code end}: the octets relaxed may change. */
    static int nextSpecial(byte[] b, int from, int end) {
        int i = from;
        while (i + OCTETS <= end) {
            long low = OctetWords.atMostSpace(OctetWords.word(b, i));
            if (low == 0) {
                i += OCTETS;
                continue;
            }
            // an octet at most 0x20: a special one, or another control (data), passed over
            int at = i + OctetWords.first(low);
            if (special(b[at])) {
                return at;
            }
            i = at + 1;
        }
        for (; i < end; i++) {
            if (special(b[i])) {
                return i;
            }
        }
        return end;
    }

    private static boolean special(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static byte[] crlfs(int n) {
        byte[] out = new byte[2 * n];
        for (int i = 0; i < out.length; i += 2) {
            out[i] = '\r';
            out[i + 1] = '\n';
        }
        return out;
    }
}
