package dev.authpack.authres;

import dev.authpack.fuzz.HostileHeaders;
import dev.authpack.mail.HeaderLines;
import dev.authpack.mail.OctetSlice;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AuthResultsRewrite} on the whole fuzz corpus and on {@value HostileHeaders#RANDOM_SECTIONS} random hostile
 * header sections, with our field and without, read as javax.mail reads (James: a line also ends at a bare CR and
 * at CR CR LF) and as LF-only readers do (mime4j, Dovecot). Review s15 (H1, M1, M2): a cut next to a bare CR made a
 * new line end, moved the end of the header section or left a remainder read as a new field, and a first line
 * starting with white space continued our field.
 * <ol>
 *   <li>Rewriting the output removes nothing more: with our field, only ours, and the same octets come back.</li>
 *   <li>The body stays: the empty line ending the header section is where it was, less the octets removed before
 *       it, in both readings, and what follows it in the LF-only reading (the body of every reading) is the same
 *       octets. javax.mail may end the header earlier, at an empty line the LF-only reading does not see (a bare
 *       CR); that line stays in place too, unless it is inside a field the LF-only reading shows as claiming our
 *       id, which goes whole (fail closed): javax.mail's header then ends no later than the LF-only one.</li>
 *   <li>In both readings our field is the first field, exactly its octets, and no other field claims our id.</li>
 * </ol>
 */
class AuthResultsRewritePropertyTest {
    private static final String ID = "mx.test";
    private static final String OURS = "Authentication-Results: mx.test;\r\n\tspf=pass";

    @Test
    void holdOnTheFuzzCorpus() {
        List<byte[]> corpus = HostileHeaders.corpus();
        assertTrue(corpus.size() > 1000, "corpus read: " + corpus.size());
        corpus.forEach(AuthResultsRewritePropertyTest::hold);
    }

    @Test
    void holdOnRandomHostileHeaderSections() {
        HostileHeaders.random(0x5eed_0015L).forEach(AuthResultsRewritePropertyTest::hold);
    }

    private static void hold(byte[] message) {
        hold(message, OURS);
        hold(message, null);
    }

    private static void hold(byte[] in, String ours) {
        String shown = new String(in, StandardCharsets.ISO_8859_1).replace("\r", "<CR>").replace("\n", "<LF>\n");
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(in, ID, ours);
        byte[] out = result.message();
        String shownOut = new String(out, StandardCharsets.ISO_8859_1).replace("\r", "<CR>").replace("\n", "<LF>\n");
        String what = (ours == null ? "without" : "with") + " our field\n" + shown + "\n=>\n" + shownOut;

        // 1. idempotent
        AuthResultsRewrite.Result again = AuthResultsRewrite.rewrite(out, ID, ours);
        assertEquals(ours == null ? 0 : 1, again.removed(), what);
        assertArrayEquals(out, again.message(), what);

        // 2. the header section ends where it did and the body stays, in both readings
        Positions at = new Positions(in, out, result.slices());
        Reading lfIn = Reading.lfOnly(in);
        Reading lfOut = Reading.lfOnly(out);
        assertTrue(at.kept(lfIn.headerEnd, lfIn.bodyStart), what);
        assertEquals(at.of(lfIn.headerEnd), lfOut.headerEnd, what);
        assertEquals(at.of(lfIn.bodyStart), lfOut.bodyStart, what);
        assertEquals(in.length - lfIn.bodyStart, out.length - lfOut.bodyStart, what); // nothing cut from the body
        Reading javaxIn = Reading.javaxMail(in);
        Reading javaxOut = Reading.javaxMail(out);
        if (at.kept(javaxIn.headerEnd, javaxIn.bodyStart)) {
            assertEquals(at.of(javaxIn.headerEnd), javaxOut.headerEnd, what);
            assertEquals(at.of(javaxIn.bodyStart), javaxOut.bodyStart, what);
        } else {
            assertTrue(javaxIn.bodyStart <= lfIn.headerEnd, what); // an empty line only javax.mail sees
            assertTrue(at.of(javaxIn.headerEnd) <= javaxOut.headerEnd, what);
        }
        assertTrue(javaxOut.bodyStart <= lfOut.bodyStart, what);

        // 3. ours first and alone
        for (Reading reading : List.of(javaxOut, lfOut)) {
            int claimants = 0;
            for (int[] f : reading.fields) {
                claimants += claimsOurId(out, f[0], f[1]) ? 1 : 0;
            }
            assertEquals(ours == null ? 0 : 1, claimants, what);
            if (ours != null) {
                String line = lfOnlyLineEnds(in) ? "\n" : "\r\n";
                byte[] field = (ours.replace("\r\n", line) + line).getBytes(StandardCharsets.US_ASCII);
                int[] first = reading.fields.get(0);
                assertArrayEquals(field, Arrays.copyOfRange(out, first[0], first[1]), what);
            }
        }
    }

    /**
     * Whether {@code [start, end)} is an Authentication-Results field claiming our id: the text before its first
     * colon, trimmed of every character up to space (javax.mail's {@code InternetHeader}), is the name ignoring
     * case, also as UTF-8; the rest claims ({@link AuthServIds#claims}).
     */
    private static boolean claimsOurId(byte[] m, int start, int end) {
        int colon = start;
        while (colon < end && m[colon] != ':') {
            colon++;
        }
        return colon < end
                && new String(m, start, colon - start, StandardCharsets.UTF_8).trim()
                        .equalsIgnoreCase(AuthResultsWriter.FIELD_NAME)
                && AuthServIds.claims(new String(m, colon + 1, end - colon - 1, StandardCharsets.UTF_8), ID);
    }

    /** Whether the input's first line ends with a bare LF: our field is then written with them too. */
    private static boolean lfOnlyLineEnds(byte[] m) {
        for (byte b : m) {
            if (b == '\n') {
                return !HeaderLines.firstLineEndsWithCrlf(m, m.length);
            }
        }
        return false;
    }

    /** Where the input's octets are in the output, from the rewrite's slices (our field, then ranges of the input). */
    private static final class Positions {
        private final int[] outAt;

        Positions(byte[] in, byte[] out, List<OctetSlice> slices) {
            outAt = new int[in.length + 1];
            Arrays.fill(outAt, -1);
            int at = 0;
            for (OctetSlice slice : slices) {
                if (slice.array() == in) {
                    for (int i = 0; i < slice.length(); i++) {
                        outAt[slice.offset() + i] = at + i;
                    }
                }
                at += slice.length();
            }
            assertEquals(out.length, at);
            outAt[in.length] = out.length;
        }

        /** Whether the octets {@code [from, to)} of the input are all in the output. */
        boolean kept(int from, int to) {
            for (int i = from; i < to; i++) {
                if (outAt[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        /** Where the input's position {@code p} is in the output: the next octet kept at or after it. */
        int of(int p) {
            int i = p;
            while (outAt[i] < 0) {
                i++;
            }
            return outAt[i];
        }
    }

    /**
     * One reading of a header section: its fields ({@code [start, end)}, continuation lines included), where its
     * ending empty line starts and where the body starts after it ({@code m.length} for both when there is none).
     */
    private record Reading(List<int[]> fields, int headerEnd, int bodyStart) {
        /**
         * javax.mail's {@code InternetHeaders}: the lines of {@code LineInputStream} (as {@link HeaderLines} splits
         * them); the first line starts a field, whatever its first octet.
         */
        static Reading javaxMail(byte[] m) {
            List<int[]> fields = new ArrayList<>();
            int pos = 0;
            while (pos < m.length) {
                int contentEnd = HeaderLines.contentEnd(m, pos, m.length);
                int next = HeaderLines.nextLine(m, contentEnd);
                if (contentEnd == pos) {
                    return new Reading(fields, pos, next);
                }
                field(fields, m, pos, next);
                pos = next;
            }
            return new Reading(fields, m.length, m.length);
        }

        /** A reader that splits lines at LF only: a line is empty when it is LF or CR LF. */
        static Reading lfOnly(byte[] m) {
            List<int[]> fields = new ArrayList<>();
            int pos = 0;
            while (pos < m.length) {
                int lf = pos;
                while (lf < m.length && m[lf] != '\n') {
                    lf++;
                }
                int next = Math.min(lf + 1, m.length);
                if (lf < m.length && (lf == pos || lf == pos + 1 && m[pos] == '\r')) {
                    return new Reading(fields, pos, next);
                }
                field(fields, m, pos, next);
                pos = next;
            }
            return new Reading(fields, m.length, m.length);
        }

        /** The line {@code [start, next)}: a continuation of the field above when it starts with SP or HTAB. */
        private static void field(List<int[]> fields, byte[] m, int start, int next) {
            if (!fields.isEmpty() && HeaderLines.isWhiteSpace(m[start])) {
                fields.get(fields.size() - 1)[1] = next;
            } else {
                fields.add(new int[] {start, next});
            }
        }
    }
}
