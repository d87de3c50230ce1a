package dev.authpack.authres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Rewrites the header section of a raw RFC 5322 message in one pass: drops the {@code Authentication-Results}
 * fields that claim our authserv-id ({@link AuthServIds#claims}, RFC 8601 §5) and puts ours on top (§4: prepended
 * like a trace field). Every other line is copied as the octets it was, in the same order and exactly once: fields
 * of any name, lines without a colon, a continuation line with no field above it. The body is not touched.
 *
 * <p>Linear in the message size: each header line is looked at once, whatever the number of fields or names.
 */
public final class AuthResultsRewrite {
    private static final byte[] NAME = AuthResultsWriter.FIELD_NAME.getBytes(StandardCharsets.US_ASCII);

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
        ByteArrayOutputStream out = null;
        int removed = 0;
        int copiedUpTo = 0;
        int pos = 0;
        int fieldStart = -1;
        boolean forged = false;
        while (pos <= message.length) {
            int lineEnd = indexOf(message, (byte) '\n', pos);
            int next = lineEnd < 0 ? message.length : lineEnd + 1;
            int contentEnd = lineEnd < 0 ? message.length : lineEnd;
            if (contentEnd > pos && message[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            boolean endOfHeader = contentEnd == pos || pos == message.length;
            boolean continuation = !endOfHeader && (message[pos] == ' ' || message[pos] == '\t');
            if (!continuation) {
                // the field that started at fieldStart ends here: drop it if it is a forged one of ours
                if (forged) {
                    if (out == null) {
                        out = start(message.length, ourField, lf);
                    }
                    out.write(message, copiedUpTo, fieldStart - copiedUpTo);
                    copiedUpTo = pos;
                    removed++;
                }
                forged = false;
                fieldStart = pos;
                if (endOfHeader) {
                    break;
                }
                int bodyStart = authResultsBody(message, pos, contentEnd);
                if (bodyStart >= 0 && ourId != null) {
                    int fieldEnd = fieldEnd(message, next);
                    forged = AuthServIds.claims(new String(message, bodyStart, fieldEnd - bodyStart,
                            StandardCharsets.UTF_8), ourId);
                }
            }
            if (lineEnd < 0) {
                pos = message.length;
                continue;
            }
            pos = next;
        }
        if (removed == 0 && ourField == null) {
            return new Result(message, 0);
        }
        if (out == null) {
            out = start(message.length, ourField, lf);
        }
        out.write(message, copiedUpTo, message.length - copiedUpTo);
        return new Result(out.toByteArray(), removed);
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

    /** Where the body of an Authentication-Results field starts (after the colon), or -1 for other lines. */
    private static int authResultsBody(byte[] message, int start, int end) {
        if (end - start <= NAME.length) {
            return -1;
        }
        for (int i = 0; i < NAME.length; i++) {
            if (lower(message[start + i]) != lower(NAME[i])) {
                return -1;
            }
        }
        int i = start + NAME.length;
        while (i < end && (message[i] == ' ' || message[i] == '\t')) {
            i++; // RFC 5322 §4.5: obsolete WSP before the colon
        }
        return i < end && message[i] == ':' ? i + 1 : -1;
    }

    /** The end of the field whose next line starts at {@code from}: before the first non-continuation line. */
    private static int fieldEnd(byte[] message, int from) {
        int pos = from;
        while (pos < message.length && (message[pos] == ' ' || message[pos] == '\t')) {
            int lineEnd = indexOf(message, (byte) '\n', pos);
            if (lineEnd < 0) {
                return message.length;
            }
            pos = lineEnd + 1;
        }
        return pos;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
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
