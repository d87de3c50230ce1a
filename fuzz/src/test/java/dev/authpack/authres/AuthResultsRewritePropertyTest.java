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
 * {@link AuthResultsRewrite} on the whole fuzz corpus, on {@value HostileHeaders#RANDOM_SECTIONS} random hostile
 * header sections and on {@value HostileHeaders#FIRST_LINE_BARE_LF_MESSAGES} messages whose first line ends with a
 * bare LF and later lines mostly with CR LF, with our field and without, read as javax.mail reads (James: a line
 * also ends at a bare CR and at CR CR LF), as LF-only readers do (mime4j, Dovecot) and, when the message holds a
 * CR LF anywhere before or after the rewrite, as readers that know only CR LF do (several MTAs and Windows
 * clients: a bare LF or CR is data). Review s15 (H1, M1, M2): a cut next to a bare CR made a new line end, moved
 * the end of the header section or left a remainder read as a new field, and a first line starting with white
 * space continued our field. s16: a CRLF-only reader read on past an empty line after a bare LF into the body, and
 * over a bare LF into the next field; its fields' claims were not looked at. s17 (L2): that reading was left out
 * when the first line ended with a bare LF, and our field, with bare LFs, ran on into the message's first line.
 * s18: a name holding a lone CR inside ({@code Authentic\ration-Results}), which an LF-only reader may read as
 * the name, was not looked at ({@link HostileHeaders#bareLfLoneCr}, messages without a CR LF).
 * <ol>
 *   <li>Rewriting the output removes nothing more: with our field, only ours, and the same octets come back.</li>
 *   <li>The body stays: the empty line ending the header section is where it was, less the octets removed before
 *       it, in both readings, and what follows it in the LF-only reading (the body of every reading) is the same
 *       octets. javax.mail may end the header earlier, at an empty line the LF-only reading does not see (a bare
 *       CR); that line stays in place too, unless it is inside a field the LF-only reading shows as claiming our
 *       id, which goes whole (fail closed): javax.mail's header then ends no later than the LF-only one. The
 *       CRLF-only reading ends it where the LF-only one does: a CR is added before the bare LFs of the empty line
 *       and of the line end above it (for javax.mail, when it ends the header earlier, that is in its body: a line
 *       end made CRLF), the only octets added besides our field.</li>
 *   <li>In every reading our field is the first field, exactly its octets, and no other field claims our id.</li>
 * </ol>
 */
class AuthResultsRewritePropertyTest {
    private static final String ID = "mx.test";
    private static final String OURS = "Authentication-Results: mx.test;\r\n\tspf=pass";

    @Test
    void holdOnTheFuzzCorpus() {
        List<byte[]> corpus = HostileHeaders.corpus();
        assertTrue(corpus.size() > 1000, "corpus read: " + corpus.size());
        holdOnEach(corpus);
    }

    @Test
    void holdOnRandomHostileHeaderSections() {
        holdOnEach(HostileHeaders.random(0x5eed_0015L));
    }

    /** Review s17 L2: a first line ending with a bare LF, later lines with CRLF. */
    @Test
    void holdOnMessagesWhoseFirstLineEndsWithABareLf() {
        holdOnEach(HostileHeaders.firstLineBareLf(0x5eed_0017L));
    }

    /** Review s18: no CR LF anywhere, names split by a lone CR (an LF-only reader's Authentication-Results). */
    @Test
    void holdOnBareLfMessagesWithLoneCrs() {
        holdOnEach(HostileHeaders.bareLfLoneCr(0x5eed_0023L));
    }

    /** Every message checked, with our field and without; fails with how many broke a property, and the first. */
    private static void holdOnEach(List<byte[]> messages) {
        HostileHeaders.checkEach(messages, "broke a property", message -> {
            hold(message, OURS);
            hold(message, null);
        });
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

        // 2. the header section ends where it did and the body stays, in every reading; a CRLF-only reader reads
        // a message as more than one line as soon as it holds a CR LF, whatever its first line ends with
        boolean crlfMessage = containsCrlf(in) || containsCrlf(out);
        Positions at = new Positions(in, out, result.slices(), ours != null, crlfMessage, what);
        Reading lfIn = Reading.lfOnly(in);
        Reading lfOut = Reading.lfOnly(out);
        assertTrue(at.kept(lfIn.headerEnd, lfIn.bodyStart), what);
        assertEquals(at.lineStart(lfIn.headerEnd), lfOut.headerEnd, what);
        assertEquals(at.of(lfIn.bodyStart), lfOut.bodyStart, what);
        assertEquals(in.length - lfIn.bodyStart, out.length - lfOut.bodyStart, what); // nothing cut from the body
        Reading javaxIn = Reading.javaxMail(in);
        Reading javaxOut = Reading.javaxMail(out);
        if (at.kept(javaxIn.headerEnd, javaxIn.bodyStart)) {
            assertEquals(at.lineStart(javaxIn.headerEnd), javaxOut.headerEnd, what);
            assertEquals(at.lineStart(javaxIn.bodyStart), javaxOut.bodyStart, what);
        } else {
            assertTrue(javaxIn.bodyStart <= lfIn.headerEnd, what); // an empty line only javax.mail sees
            assertTrue(at.lineStart(javaxIn.headerEnd) <= javaxOut.headerEnd, what);
        }
        assertTrue(javaxOut.bodyStart <= lfOut.bodyStart, what);
        // a CRLF-only reader ends the header section where the LF-only reading does: it reads no field in the body
        Reading crlfOut = Reading.crlfOnly(out);
        if (crlfMessage) {
            assertEquals(lfOut.headerEnd, crlfOut.headerEnd, what);
            assertEquals(lfOut.bodyStart, crlfOut.bodyStart, what);
        }

        // 3. ours first and alone
        for (Reading reading : crlfMessage ? List.of(javaxOut, lfOut, crlfOut) : List.of(javaxOut, lfOut)) {
            int claimants = 0;
            for (int[] f : reading.fields) {
                claimants += claimsOurId(out, f[0], f[1]) ? 1 : 0;
            }
            assertEquals(ours == null ? 0 : 1, claimants, what);
            if (ours != null) {
                // CR LF unless the message has bare LFs only: else a CRLF-only reader would run ours on into the
                // message's first line (the sender's octets), up to its first CR LF
                String line = bareLfOnly(in) ? "\n" : "\r\n";
                byte[] field = (ours.replace("\r\n", line) + line).getBytes(StandardCharsets.US_ASCII);
                int[] first = reading.fields.get(0);
                assertArrayEquals(field, Arrays.copyOfRange(out, first[0], first[1]), what);
            }
        }
    }

    /**
     * Whether {@code [start, end)} is an Authentication-Results field claiming our id: the text before its first
     * colon, without CRs and LFs (review s18: a reader may drop a lone CR in a name; mime4j reads it as white
     * space), trimmed of every character up to space (javax.mail's {@code InternetHeader}), is the name ignoring
     * case, also as UTF-8; the rest claims ({@link AuthServIds#claims}).
     */
    private static boolean claimsOurId(byte[] m, int start, int end) {
        int colon = start;
        while (colon < end && m[colon] != ':') {
            colon++;
        }
        return colon < end
                && new String(m, start, colon - start, StandardCharsets.UTF_8).replaceAll("[\r\n]", "").trim()
                        .equalsIgnoreCase(AuthResultsWriter.FIELD_NAME)
                && AuthServIds.claims(new String(m, colon + 1, end - colon - 1, StandardCharsets.UTF_8), ID);
    }

    /** Whether the message has a LF and no CR LF: our field is then written with bare LFs too. */
    private static boolean bareLfOnly(byte[] m) {
        for (byte b : m) {
            if (b == '\n') {
                return !containsCrlf(m);
            }
        }
        return false;
    }

    /** Whether a CR LF is anywhere in the message: without one, a CRLF-only reader sees a single line. */
    private static boolean containsCrlf(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the input's octets are in the output, from the rewrite's slices: our field, then ranges of the input,
     * with (only in a message a CRLF-only reader can read) a CR added before a LF.
     */
    private static final class Positions {
        private final int[] outAt;
        private final boolean[] addedCr;

        Positions(byte[] in, byte[] out, List<OctetSlice> slices, boolean withOurs, boolean crlfMessage,
                  String what) {
            outAt = new int[in.length + 1];
            addedCr = new boolean[out.length + 1];
            Arrays.fill(outAt, -1);
            int at = 0;
            for (OctetSlice slice : slices) {
                if (slice.array() == in) {
                    for (int i = 0; i < slice.length(); i++) {
                        outAt[slice.offset() + i] = at + i;
                    }
                } else if (!withOurs || at > 0) {
                    // not our field: a CR before a LF of the input, in a message a CRLF-only reader reads
                    assertTrue(crlfMessage && slice.length() == 1 && slice.array()[slice.offset()] == '\r'
                            && at + 1 < out.length && out[at + 1] == '\n', what);
                    addedCr[at] = true;
                }
                at += slice.length();
            }
            assertEquals(out.length, at);
            outAt[in.length] = out.length;
        }

        /** Where the line starting at the input's position {@code p} starts in the output: a CR added before it too. */
        int lineStart(int p) {
            int q = of(p);
            return q > 0 && addedCr[q - 1] ? q - 1 : q;
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

        /**
         * A reader that knows only CRLF (RFC 5322 §2.1; several MTAs and Windows clients): a line ends at CR LF, a
         * bare LF or bare CR is inside the line; a line is empty when it is CR LF.
         */
        static Reading crlfOnly(byte[] m) {
            List<int[]> fields = new ArrayList<>();
            int pos = 0;
            while (pos < m.length) {
                int crlf = pos;
                while (crlf + 1 < m.length && !(m[crlf] == '\r' && m[crlf + 1] == '\n')) {
                    crlf++;
                }
                boolean lineEnd = crlf + 1 < m.length;
                int next = lineEnd ? crlf + 2 : m.length;
                if (lineEnd && crlf == pos) {
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
