package dev.authpack.authres;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the {@code Authentication-Results} fields in a raw RFC 5322 message: the header section ends at the first
 * empty line; a line starting with a space or tab continues the field before it (folding, kept in the body);
 * CRLF and bare LF line ends are both accepted. Bodies are decoded as UTF-8 (RFC 6532), invalid bytes becoming
 * U+FFFD. At most {@link TrustedAuthResults#MAX_FIELDS} fields are returned, the topmost ones.
 */
public final class AuthResultsFields {
    private AuthResultsFields() {
    }

    /** The bodies (text after the colon, folding kept, final line end removed) of the fields, top to bottom. */
    public static List<String> in(byte[] message) {
        List<String> bodies = new ArrayList<>();
        int pos = 0;
        int fieldStart = -1;
        while (pos < message.length && bodies.size() < TrustedAuthResults.MAX_FIELDS) {
            int lineEnd = indexOf(message, (byte) '\n', pos);
            int next = lineEnd < 0 ? message.length : lineEnd + 1;
            int contentEnd = lineEnd < 0 ? message.length : lineEnd;
            if (contentEnd > pos && message[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            boolean continuation = contentEnd > pos && (message[pos] == ' ' || message[pos] == '\t');
            if (!continuation) {
                if (fieldStart >= 0) {
                    add(bodies, message, fieldStart, pos);
                    fieldStart = -1;
                }
                if (contentEnd == pos) {
                    return bodies; // the empty line that ends the header section
                }
                if (isAuthResults(message, pos, contentEnd)) {
                    fieldStart = pos;
                }
            }
            pos = next;
        }
        if (fieldStart >= 0 && bodies.size() < TrustedAuthResults.MAX_FIELDS) {
            add(bodies, message, fieldStart, pos);
        }
        return bodies;
    }

    private static void add(List<String> bodies, byte[] message, int fieldStart, int fieldEnd) {
        int colon = indexOf(message, (byte) ':', fieldStart);
        String body = new String(message, colon + 1, fieldEnd - colon - 1, StandardCharsets.UTF_8);
        bodies.add(body.strip());
    }

    /** Whether the line is an Authentication-Results field: the name, optional WSP (obsolete syntax), colon. */
    private static boolean isAuthResults(byte[] message, int start, int end) {
        String name = AuthResultsWriter.FIELD_NAME;
        if (end - start <= name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.toLowerCase((char) message[start + i]) != Character.toLowerCase(name.charAt(i))) {
                return false;
            }
        }
        int i = start + name.length();
        while (i < end && (message[i] == ' ' || message[i] == '\t')) {
            i++;
        }
        return i < end && message[i] == ':';
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
