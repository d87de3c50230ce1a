package dev.authpack.check;

import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The header section of a transaction's message as it arrived during DATA ({@link SessionChecks#headerSection}),
 * with the DMARC reading started on it ({@link DmarcEvaluator#prepare(RawMessage)}: the author domains read from
 * its From fields, their policy discovery under way), which the end-of-DATA check takes over instead of reading
 * the From fields again, when and only when the message then has exactly these From fields, read the same way.
 *
 * <p>In James the message at the end of DATA is not the octets the hook saw: James' own {@code Received} field is on
 * top of them, and any other hook or filter between could have changed the message. The reading is taken over only
 * when the final message {@code M}, parsed strictly ({@link RawMessage#parse}), is {@code P + H + B} where
 * <ol>
 *   <li>{@code H} is exactly the collected octets, and they end with CRLF CRLF (or are the empty line CRLF alone);
 *       the strict parse of {@code H} alone ended at its end (its only empty line is its last);</li>
 *   <li>{@code M}'s header section, as the strict parser ends it, ends exactly where {@code H} ends in {@code M}
 *       (so {@code B} is the body, and no field of {@code H} runs on into it);</li>
 *   <li>{@code P} (what is above {@code H}) has CRLF as its only line ending (every CR before a LF, every LF after
 *       a CR) and ends with one, or is empty;</li>
 *   <li>no From field of {@code M} starts in {@code P}.</li>
 * </ol>
 * Why that makes the reading the same: DMARC reads (a) the values of the From fields the strict parser finds and
 * (b) {@code FromFieldScan}, the best-effort scan of the header section for every From field a client could show.
 * (a): by 2 and 4, {@code M}'s From fields are the From fields of {@code H}, the same octets in the same order. (b):
 * the scan's lines in {@code P} end at its CRLFs only (3); each line of {@code P} is a field's first line or a
 * continuation line, and a first line holds its colon and a strict name of octets 33–126 followed only by white space
 * (otherwise the strict parse would have refused the name), so the scan's From test on it (the name's letters, white
 * space, controls and 8-bit octets left out) is the strict name test, false by 4; continuation lines after a field
 * that is not From are skipped. So the scan enters {@code H} at a line start with nothing read and no From field
 * open, exactly as it starts on {@code H} alone (whose first line is a field or the empty line, never a continuation,
 * since {@code H} parsed). Inside {@code H} its lines are the same. Both hold a CRLF ({@code H} ends with one), so
 * the scan reads both in the CRLF-only reading too (review s17 L2: a CRLF anywhere); that reading's fields that
 * run on over a bare LF or lone CR start after a CRLF of {@code H} (or at its top) and end inside it, at a CRLF not
 * followed by white space, the same in both. It ends at the final CRLF CRLF in both: that empty line ends the
 * header section for the LF and the CRLF readings alike, and no empty line before it inside {@code H} ends it for
 * either reading (such a line would be an empty line for the strict parser, against 1 and 2). The scan's bound
 * (32 MiB) is past the strict parser's (1 MiB), so neither reading is cut short. Anything else (a From or any field
 * with another line ending added above, a From changed or added in {@code H}, a different message, a header section
 * of another transaction: the octets differ) reads the message as it is then.
 *
 * <p>Only the DMARC reading is taken over: DKIM hashes the final message's fields (a signature's {@code h=} may
 * name a field added above, such as {@code Received}), so its verification reads the message at the end of DATA,
 * taking over only the parse of each DKIM-Signature field whose octets are the same ({@code DkimPrefetch}).
 * The reading is taken over at most once. Thread-safe.
 */
final class CollectedHeaderSection {
    private static final Logger LOG = LoggerFactory.getLogger(CollectedHeaderSection.class);
    private final byte[] octets;
    private final int fromFields;
    private final DmarcEvaluator.Prepared dmarc;
    private boolean takenOver;

    private CollectedHeaderSection(byte[] octets, int fromFields, DmarcEvaluator.Prepared dmarc) {
        this.octets = octets;
        this.fromFields = fromFields;
        this.dmarc = dmarc;
    }

    /**
     * The collected header section {@code octets}, parsed strictly as {@code parsed}, with the DMARC reading started
     * on it; null when it can never be taken over (it does not end as condition 1 requires).
     */
    static CollectedHeaderSection of(byte[] octets, RawMessage parsed, DmarcEvaluator.Prepared dmarc) {
        if (dmarc == null || parsed.bodyOffset() != octets.length || !endsWithEmptyCrlfLine(octets)) {
            return null;
        }
        return new CollectedHeaderSection(octets, parsed.fields("From").size(), dmarc);
    }

    /**
     * The DMARC reading started on the header section, when {@code message} (parsed strictly as {@code parsed}) has
     * exactly its From fields read the same way (the conditions above) and it was not taken over before; else null.
     */
    synchronized DmarcEvaluator.Prepared dmarcFor(byte[] message, RawMessage parsed) {
        if (takenOver || !isHeaderOf(message, parsed)) {
            LOG.debug("DMARC reads the From fields of the message at the end of DATA, not the header section's");
            return null;
        }
        takenOver = true;
        LOG.debug("DMARC takes over the reading of the header section's From fields");
        return dmarc;
    }

    /** Whether the reading was taken over (tests). */
    synchronized boolean takenOver() {
        return takenOver;
    }

    /** Conditions 2 to 4 for {@code message}, parsed strictly as {@code parsed} (1 holds by {@link #of}). */
    boolean isHeaderOf(byte[] message, RawMessage parsed) {
        int end = parsed.bodyOffset();
        int above = end - octets.length;
        if (above < 0 || end > message.length
                || !Arrays.equals(message, above, end, octets, 0, octets.length)
                || !crlfLinesOnly(message, above)) {
            return false;
        }
        List<HeaderField> from = parsed.fields("From");
        if (from.size() != fromFields) {
            return false;
        }
        for (HeaderField field : from) {
            if (start(field) < above) {
                return false;
            }
        }
        return true;
    }

    /** Where the field starts in its message. */
    private static int start(HeaderField field) {
        int[] offset = new int[1];
        field.readRaw((array, from, length) -> offset[0] = from);
        return offset[0];
    }

    /** Condition 3: {@code m[0, end)} is empty or lines ended by CRLF, no CR or LF but in a CRLF. */
    private static boolean crlfLinesOnly(byte[] m, int end) {
        if (end == 0) {
            return true;
        }
        if (end < 2 || m[end - 1] != '\n') {
            return false;
        }
        for (int i = 0; i < end; i++) {
            byte b = m[i];
            if (b == '\r') {
                if (i + 1 >= end || m[i + 1] != '\n') {
                    return false;
                }
                i++;
            } else if (b == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithEmptyCrlfLine(byte[] h) {
        int n = h.length;
        return n == 2 && h[0] == '\r' && h[1] == '\n'
                || n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n';
    }
}
