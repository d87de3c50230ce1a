package dev.authpack.authres;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the {@code Authentication-Results} fields in a raw RFC 5322 message as James (javax.mail) reads them
 * ({@link HeaderFieldScan}): the header section ends at the first empty line; a line starting with a space or tab
 * continues the field before it (folding, kept in the body); LF, CRLF and bare CR line ends; field names trimmed.
 * Bodies are decoded as UTF-8 (RFC 6532), invalid bytes becoming U+FFFD. At most {@link TrustedAuthResults#MAX_FIELDS} fields are returned, the topmost ones.
 */
public final class AuthResultsFields {
    private AuthResultsFields() {
    }

    /** The bodies (text after the colon, folding kept, final line end removed) of the fields, top to bottom. */
    public static List<String> in(byte[] message) {
        List<String> bodies = new ArrayList<>();
        HeaderFieldScan.scan(message, field -> {
            String body = field.bodyStart() >= 0 ? field.body(message) : field.lfBodyText(message);
            if (body != null) {
                bodies.add(body.strip());
            }
            return bodies.size() < TrustedAuthResults.MAX_FIELDS;
        });
        return bodies;
    }
}
