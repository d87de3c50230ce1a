package dev.authpack.james;

import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.AuthServIds;
import dev.authpack.authres.MethodResult;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Edits a message's {@code Authentication-Results} fields: removes those that claim our authserv-id (the sender
 * wrote them, we did not: RFC 8601 §5) and puts ours first (§4: prepended like a trace field). All other fields
 * are put back as the raw lines they were, in the same order, so signatures over them still verify.
 */
final class AuthResultsHeaders {
    private static final String NAME = AuthResultsWriter.FIELD_NAME;

    private AuthResultsHeaders() {
    }

    /** @return the number of forged fields removed */
    static int rewrite(MimeMessage message, String authservId, boolean removeForged,
                       Optional<List<MethodResult>> ours) throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        List<String> kept = new ArrayList<>(lines.size());
        int removed = 0;
        for (String line : lines) {
            if (removeForged && isForged(line, authservId)) {
                removed++;
            } else {
                kept.add(line);
            }
        }
        if (removed == 0 && ours.isEmpty()) {
            return 0;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                names.add(line.substring(0, colon).trim());
            }
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        if (ours.isPresent()) {
            message.addHeaderLine(AuthResultsWriter.headerField(authservId, ours.get()));
        }
        for (String line : kept) {
            message.addHeaderLine(line);
        }
        return removed;
    }

    private static boolean isForged(String line, String authservId) {
        int colon = line.indexOf(':');
        return colon > 0
                && line.substring(0, colon).trim().equalsIgnoreCase(NAME)
                && AuthServIds.claims(line.substring(colon + 1), authservId);
    }
}
