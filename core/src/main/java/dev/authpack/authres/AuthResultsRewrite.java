package dev.authpack.authres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

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
     * @return the new message, or the same array when there was nothing to do
     */
    public static Result rewrite(byte[] message, String ourId, String ourField) {
        boolean lf = usesBareLf(message);
        ByteArrayOutputStream[] out = {null};
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
                    if (out[0] == null) {
                        out[0] = start(message.length, ourField, lf);
                    }
                    out[0].write(message, copiedUpTo[0], field.start() - copiedUpTo[0]);
                    copiedUpTo[0] = removeEnd;
                    removed[0]++;
                }
                return true;
            });
        }
        if (removed[0] == 0 && ourField == null) {
            return new Result(message, 0);
        }
        if (out[0] == null) {
            out[0] = start(message.length, ourField, lf);
        }
        out[0].write(message, copiedUpTo[0], message.length - copiedUpTo[0]);
        return new Result(out[0].toByteArray(), removed[0]);
    }

    /** A buffer for the new message, holding our field (in the message's line-end style) when there is one. */
    private static ByteArrayOutputStream start(int size, String ourField, boolean lf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + (ourField == null ? 0 : ourField.length() + 2));
        if (ourField != null) {
            String field = lf ? ourField.replace("\r\n", "\n") + "\n" : ourField + "\r\n";
            out.writeBytes(field.getBytes(StandardCharsets.UTF_8));
        }
        return out;
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

    /**
     * @param message the rewritten message (the input array itself when nothing changed)
     * @param removed how many fields claiming our authserv-id were dropped
     */
    public record Result(byte[] message, int removed) {
    }
}
