package dev.authpack.authres;

import dev.authpack.mail.OctetSlice;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites the header section of a raw RFC 5322 message in one pass: drops the {@code Authentication-Results}
 * fields that claim our authserv-id ({@link AuthServIds#claims}, RFC 8601 §5) and puts ours on top (§4: prepended
 * like a trace field). Every other line is copied as the octets it was, in the same order and exactly once: fields
 * of any name, lines without a colon, a continuation line with no field above it. The body is not touched.
 *
 * <p>Which lines are {@code Authentication-Results} fields is decided as every reader of the result would decide
 * it ({@link HeaderFieldScan}: javax.mail, which James uses, splits lines at a bare CR too and trims field names
 * of control octets; LF-only readers do not split at a CR): a field claiming our id in any reading is dropped.
 *
 * <p>Linear in the message size: each header line is looked at once, whatever the number of fields or names.
 */
public final class AuthResultsRewrite {
    private AuthResultsRewrite() {
    }

    /**
     * @param message  the whole message as received (CRLF or bare LF line ends)
     * @param ourId    our authserv-id, whose claimants are dropped; null to drop nothing
     * @param ourField our field to prepend ({@code Authentication-Results: ...}, folded with CRLF, no final line
     *                 end; see {@link AuthResultsWriter#headerField}), or null to add nothing
     * @return the new message (as slices of {@code message} around the edits, or in one array), or the same array
     *         when there was nothing to do
     */
    public static Result rewrite(byte[] message, String ourId, String ourField) {
        boolean lf = usesBareLf(message);
        // the ranges [cuts[2k], cuts[2k+1]) to drop, in order: the new message is the slices around them
        int[][] cuts = {new int[8]};
        int[] removed = {0};
        int[] copiedUpTo = {0};
        if (ourId != null) {
            // fields as javax.mail (James) reads them and as LF-only readers do: a claim in either is dropped
            HeaderFieldScan.scan(message, field -> {
                int removeEnd = -1;
                if (field.start() < copiedUpTo[0]) {
                    return true; // inside a field already dropped in the LF-only reading
                }
                if (AuthServIds.claims(field.body(message), ourId)) {
                    removeEnd = field.end();
                }
                if (AuthServIds.claims(field.lfBodyText(message), ourId)) {
                    removeEnd = Math.max(removeEnd, field.lfEnd());
                }
                if (removeEnd >= 0) {
                    if (2 * removed[0] + 2 > cuts[0].length) {
                        cuts[0] = Arrays.copyOf(cuts[0], 2 * cuts[0].length);
                    }
                    cuts[0][2 * removed[0]] = field.start();
                    cuts[0][2 * removed[0] + 1] = removeEnd;
                    copiedUpTo[0] = removeEnd;
                    removed[0]++;
                }
                return true;
            });
        }
        if (removed[0] == 0 && ourField == null) {
            return new Result(List.of(OctetSlice.of(message)), 0, false);
        }
        byte[] field = ourField == null ? new byte[0]
                : (lf ? ourField.replace("\r\n", "\n") + "\n" : ourField + "\r\n").getBytes(StandardCharsets.UTF_8);
        // the new message as slices: our field, then the message around the fields dropped (not copied)
        List<OctetSlice> slices = new ArrayList<>(removed[0] + 2);
        if (field.length > 0) {
            slices.add(OctetSlice.of(field));
        }
        int from = 0;
        for (int k = 0; k < removed[0]; k++) {
            int cut = cuts[0][2 * k];
            if (cut > from) {
                slices.add(new OctetSlice(message, from, cut - from));
            }
            from = cuts[0][2 * k + 1];
        }
        if (message.length > from) {
            slices.add(new OctetSlice(message, from, message.length - from));
        }
        return new Result(List.copyOf(slices), removed[0], true);
    }

    /** Whether the first line ends with a bare LF (the whole message is then taken to use them). */
    private static boolean usesBareLf(byte[] message) {
        int lineEnd = indexOf(message, (byte) '\n', 0);
        return lineEnd >= 0 && (lineEnd == 0 || message[lineEnd - 1] != '\r');
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
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

        /** How many fields claiming our authserv-id were dropped. */
        public int removed() {
            return removed;
        }
    }
}
