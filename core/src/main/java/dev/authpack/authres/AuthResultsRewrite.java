package dev.authpack.authres;

import dev.authpack.mail.HeaderLines;
import dev.authpack.mail.LineEnding;
import dev.authpack.mail.OctetSlice;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites the header section of a raw RFC 5322 message in one pass: drops the {@code Authentication-Results}
 * fields that claim our authserv-id ({@link AuthServIds#claims}, RFC 8601 §5) and puts ours on top (§4: prepended
 * like a trace field). Every other line is copied as the octets it was, in the same order and exactly once: fields
 * of any name, lines without a colon, a continuation line with no field above it (but for a CR put before a bare LF
 * ending the header section, below). The body is not touched.
 *
 * <p>Which lines are {@code Authentication-Results} fields is decided as every reader of the result would decide
 * it ({@link HeaderFieldScan}: javax.mail, which James uses, splits lines at a bare CR too and trims field names
 * of control octets; LF-only readers do not split at a CR): a field claiming our id in any reading is dropped.
 *
 * <p>Where to cut is where both readings start a field: after a LF, before anything but SP or HTAB. A field that
 * javax.mail starts or ends at a bare CR is dropped with the whole LF-only field around it, other fields on those
 * lines too (fail closed; only a message with bare CRs loses them). A cut anywhere else would join the octets on
 * its two sides into something neither reading saw: a bare CR before the cut and the CRLF (or LF) of the empty line
 * after it make CR CR LF (CR LF), one line end, so the header section would go on into the body (review s15 H1);
 * the text after a bare CR would start an LF-only line, a new field for mime4j or Dovecot (M1). Cut so, what is left
 * is the same fields in both readings, less the dropped ones, and the empty line ending the header section stays:
 * a second rewrite finds nothing more. (javax.mail may end the header earlier, at an empty line only it sees, a
 * bare CR; that line goes only inside an LF-only field claiming our id.)
 *
 * <p>A message holding a CR LF anywhere (or no LF at all: that reading is then the LF-only one) is also read as a
 * reader that knows only CR LF reads it (several MTAs and Windows clients: a bare LF or CR is data), whatever its
 * first line ends with (review s17 L2: a first line ending with a bare LF is the start of a field that runs on to
 * the first CR LF, and every line after that is a field of that reading up to its CRLF CRLF, in the body too). Its
 * line starts are line starts of the other readings, but its fields run on over a bare LF, and its header section
 * over an empty line after a bare LF (or an empty LF line) into what the others read as the body. So, in such a
 * message: a field of that reading claiming our id is dropped whole; every cut is widened to whole fields of that
 * reading (after a CR LF, before anything but SP or HTAB), so that no field of it is joined to another (the fields
 * on those lines go too: fail closed, only a message with bare LFs loses them); the empty line ending the header
 * section gets a CR before its LF, and before the LF ending the line above, where they are bare, so that this reader
 * ends the header section there too and reads no field in the body (that is the only change made to octets kept);
 * and our field ends its lines with CR LF, or that reader would run it on into the sender's first line. A message
 * with bare LFs and no CR LF is one line to that reader, and stays so: our field gets bare LFs, like the message.
 *
 * <p>A first line starting with SP or HTAB (javax.mail reads it as a field, nameless if it has no colon) would
 * continue our field put above it, in every reading (M2): with our field, it is dropped as such a field is;
 * without, it stays.
 *
 * <p>Linear in the message size: each header line is looked at a bounded number of times, whatever the number of
 * fields or names. The search for a CR LF stops at the first: at the end of the first line of a CRLF message; a
 * message without one is read to its end (for CRs only, eight octets at a time).
 */
public final class AuthResultsRewrite {
    private static final byte[] CR = {'\r'};

    private AuthResultsRewrite() {
    }

    /**
     * @param message  the whole message as received (CRLF, bare LF or mixed line ends)
     * @param ourId    our authserv-id, whose claimants are dropped; null to drop nothing
     * @param ourField our field to prepend ({@code Authentication-Results: ...}, folded with CRLF, no final line
     *                 end; see {@link AuthResultsWriter#headerField}), or null to add nothing; its line ends are
     *                 made bare LFs in a message with bare LFs and no CR LF
     * @return the new message (as slices of {@code message} around the edits, or in one array), or the same array
     *         when there was nothing to do
     */
    public static Result rewrite(byte[] message, String ourId, String ourField) {
        // not the first line's end (s17 L2): a CRLF-only reader reads lines as soon as there is a CR LF anywhere
        // (without any LF, the CRLF-only reading is the LF-only one): the line ending of every field put on top, the
        // signers' too. Cuts keep whole LF lines and add no CR, so a bare-LF message gives a result without CR LF.
        return rewrite(message, ourId, ourField, LineEnding.forFieldsAddedTo(message) == LineEnding.CRLF);
    }

    private static Result rewrite(byte[] message, String ourId, String ourField, boolean crlfReaders) {
        // a first line starting with white space would continue our field put on top of it, in every reading
        boolean foldsIntoOurs = ourField != null && HeaderLines.isContinuation(message, 0);
        Cuts cuts = new Cuts(message, crlfReaders);
        int[] removed = {0};
        int[] scanned = {0};
        if (ourId != null || foldsIntoOurs) {
            // fields as javax.mail (James) reads them, as LF-only readers and CRLF-only readers do: a claim in any
            // is dropped
            HeaderFieldScan.scan(message, field -> {
                scanned[0] = field.end();
                if (field.start() < cuts.end) {
                    return true; // inside a cut already
                }
                int crlfEnd = crlfReaders ? crlfOnlyFieldEnd(message, field) : -1;
                boolean claims = ourId != null && (AuthServIds.claims(field.body(message), ourId)
                        || AuthServIds.claims(field.lfBodyText(message), ourId)
                        || crlfEnd >= 0 && AuthServIds.claims(
                                HeaderFieldScan.bodyText(message, field.start(), crlfEnd), ourId));
                if (claims || field.start() == 0 && foldsIntoOurs) {
                    cuts.add(field.start(), field.end());
                    removed[0] += claims ? 1 : 0;
                }
                return ourId != null;
            });
        }
        // the whole header section was scanned when ourId is set: the last field ends at its empty line, if any
        int[] crs = crlfReaders && ourId != null ? cuts.crlfHeaderEnd(scanned[0]) : new int[0];
        if (cuts.count == 0 && ourField == null && crs.length == 0) {
            return new Result(List.of(OctetSlice.of(message)), 0, false);
        }
        // CR LF for a CRLF-only reader, which would otherwise join ours to the first line below it
        byte[] field = ourField == null ? new byte[0] : (crlfReaders ? ourField + "\r\n"
                : ourField.replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        // the new message as slices: our field, then the message around the cuts (not copied)
        List<OctetSlice> slices = new ArrayList<>(cuts.count + 2 + 2 * crs.length);
        if (field.length > 0) {
            slices.add(OctetSlice.of(field));
        }
        int from = 0;
        for (int k = 0; k < cuts.count; k++) {
            keep(slices, message, from, cuts.ranges[2 * k], crs);
            from = cuts.ranges[2 * k + 1];
        }
        keep(slices, message, from, message.length, crs);
        return new Result(List.copyOf(slices), removed[0], true);
    }

    /** Adds {@code [from, to)} of the message, with a CR before each position of {@code crs} in it. */
    private static void keep(List<OctetSlice> slices, byte[] message, int from, int to, int[] crs) {
        int at = from;
        for (int cr : crs) {
            if (cr >= at && cr < to) {
                if (cr > at) {
                    slices.add(new OctetSlice(message, at, cr - at));
                }
                slices.add(OctetSlice.of(CR));
                at = cr;
            }
        }
        if (to > at) {
            slices.add(new OctetSlice(message, at, to - at));
        }
    }

    /**
     * Where the field of the CRLF-only reading starting where {@code field} starts ends, when it is not that field
     * (it runs on over a bare LF or CR); -1 when it is, or when no field of that reading starts there.
     */
    private static int crlfOnlyFieldEnd(byte[] m, HeaderFieldScan.Field field) {
        int end = field.end();
        if (!HeaderLines.startsCrlfLine(m, field.start()) || end >= m.length || HeaderLines.startsCrlfLine(m, end)) {
            return -1;
        }
        return HeaderLines.crlfFieldEnd(m, field.start(), m.length);
    }

    /**
     * The ranges to drop, in order: each a whole field of the LF-only reading (of the CRLF-only reading too, when
     * it is modelled), or several, and so whole fields of javax.mail's reading too (see the class comment for why).
     */
    private static final class Cuts {
        private final byte[] message;
        private final boolean crlfReaders;
        private int[] ranges = new int[8];
        private int count;
        /** Where the last cut ends: a field start of every reading, or 0. */
        private int end;

        Cuts(byte[] message, boolean crlfReaders) {
            this.message = message;
            this.crlfReaders = crlfReaders;
        }

        /** Drops the javax.mail field {@code [start, fieldEnd)} with the LF-only (CRLF-only) fields it is part of. */
        void add(int start, int fieldEnd) {
            // back to the start of the field holding start: after a LF (CR LF), not white space (or the first line);
            // not before the last cut, which ends at one. Each octet is looked at once: cuts only go on.
            int from = start;
            while (from > end && !fieldStart(from)) {
                from--;
            }
            // on to the end of the field holding the field's last octet: after a LF (CR LF), before no white space;
            // never past the empty line ending the header section, which is such a place
            int to = crlfReaders ? HeaderLines.crlfFieldEnd(message, fieldEnd - 1, message.length)
                    : HeaderLines.lfFieldEnd(message, fieldEnd - 1, message.length);
            if (2 * count + 2 > ranges.length) {
                ranges = Arrays.copyOf(ranges, 2 * ranges.length);
            }
            ranges[2 * count] = from;
            ranges[2 * count + 1] = to;
            count++;
            end = to;
        }

        private boolean fieldStart(int p) {
            return (crlfReaders ? HeaderLines.startsCrlfLine(message, p) : message[p - 1] == '\n')
                    && !HeaderLines.isWhiteSpace(message[p]);
        }

        /**
         * Where to put a CR so that a CRLF-only reader ends the header section where the others do, at the empty
         * line starting at {@code headerEnd} (if one does): before its LF, and before the LF ending the line above
         * it in the new message, where they are bare. A cut ending at the empty line starts after a CR LF (or at
         * the top): then the line above ends with CR LF already.
         */
        int[] crlfHeaderEnd(int headerEnd) {
            if (headerEnd >= message.length || !HeaderLines.endsHeaderSection(message, headerEnd)) {
                return new int[0];
            }
            boolean cutUpToIt = count > 0 && ranges[2 * count - 1] == headerEnd;
            boolean bareLfAbove = !cutUpToIt && headerEnd > 0 && !HeaderLines.startsCrlfLine(message, headerEnd);
            boolean bareLf = message[headerEnd] == '\n';
            if (bareLfAbove) {
                return bareLf ? new int[] {headerEnd - 1, headerEnd} : new int[] {headerEnd - 1};
            }
            return bareLf ? new int[] {headerEnd} : new int[0];
        }
    }

    /** The rewritten message and how many fields claiming our authserv-id were dropped. */
    public static final class Result {
        private final List<OctetSlice> slices;
        private final int removed;
        private final boolean changed;
        private byte[] message;

        private Result(List<OctetSlice> slices, int removed, boolean changed) {
            this.slices = slices;
            this.removed = removed;
            this.changed = changed;
        }

        /**
         * The rewritten message in one array: the input array itself when nothing changed, else a new one (made
         * once, on the first call).
         */
        public byte[] message() {
            if (message == null) {
                message = OctetSlice.join(slices);
            }
            return message;
        }

        /**
         * The rewritten message as slices, without a copy: our field's octets, then ranges of the input array (the
         * input array whole when nothing changed). The input array must not change while they are used.
         */
        public List<OctetSlice> slices() {
            return slices;
        }

        /** Whether the message changed (a field added or dropped). */
        public boolean changed() {
            return changed;
        }

        /**
         * How many fields claiming our authserv-id were dropped (not counting the fields dropped with them because
         * they share their lines).
         */
        public int removed() {
            return removed;
        }
    }
}
