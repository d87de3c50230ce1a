package dev.authpack.authres;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads the authserv-id at the start of an {@code Authentication-Results} body (RFC 8601 §2.2), skipping
 * comments and folding whitespace; enough to recognise fields that claim to be ours (§5).
 */
public final class AuthServIds {
    private static final int MAX_COMMENT_DEPTH = 16;

    private AuthServIds() {
    }

    /** The authserv-id of a field body, or empty when the body does not start with a usable one. */
    public static Optional<String> of(String fieldBody) {
        if (fieldBody == null) {
            return Optional.empty();
        }
        int i = skipCfws(fieldBody, 0);
        if (i < 0 || i >= fieldBody.length()) {
            return Optional.empty();
        }
        StringBuilder id = new StringBuilder();
        if (fieldBody.charAt(i) == '"') {
            for (i++; i < fieldBody.length(); i++) {
                char c = fieldBody.charAt(i);
                if (c == '\\' && i + 1 < fieldBody.length()) {
                    id.append(fieldBody.charAt(++i));
                } else if (c == '"') {
                    return id.length() == 0 ? Optional.empty() : Optional.of(id.toString());
                } else if (c != '\r' && c != '\n') {
                    // CR and LF are dropped as AuthResultsParser drops them (RFC 5322 §3.2.4 folding), so that a
                    // bare CR cannot make a field look foreign here and ours to the trust classifier
                    id.append(c);
                }
            }
            return Optional.empty();
        }
        for (; i < fieldBody.length(); i++) {
            char c = fieldBody.charAt(i);
            if (c <= ' ' || c == ';' || c == '(' || c == '"' || c == 0x7f) {
                break;
            }
            id.append(c);
        }
        return id.length() == 0 ? Optional.empty() : Optional.of(id.toString());
    }

    /** Whether the field claims to come from {@code ourId} (case-insensitive, as domain names compare). */
    public static boolean claims(String fieldBody, String ourId) {
        return of(fieldBody).map(id -> id.toLowerCase(Locale.ROOT).equals(ourId.toLowerCase(Locale.ROOT)))
                .orElse(false);
    }

    /** Index after whitespace and (nested) comments, or -1 for an unterminated or too deep comment. */
    private static int skipCfws(String s, int i) {
        int depth = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (depth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    if (++depth > MAX_COMMENT_DEPTH) {
                        return -1;
                    }
                } else if (c == ')') {
                    depth--;
                }
            } else if (c == '(') {
                depth = 1;
            } else if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                return i;
            }
        }
        return depth > 0 ? -1 : i;
    }
}
