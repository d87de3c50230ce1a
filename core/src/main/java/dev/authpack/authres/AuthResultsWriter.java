package dev.authpack.authres;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Formats an {@code Authentication-Results} field (RFC 8601 §2.2). Nothing taken from a message can break the
 * field: values that are not plain tokens or addresses are written as quoted-strings with {@code \} and {@code "}
 * escaped, and control characters (CR, LF, NUL, ...) are replaced by a space before quoting.
 *
 * <p>Each resinfo goes on its own folded line, so long results never produce over-long lines.
 */
public final class AuthResultsWriter {
    public static final String FIELD_NAME = "Authentication-Results";

    /** RFC 2045 token: any printable ASCII but SPACE and tspecials. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+");
    /** Method names, result words and property names are RFC 8601 keywords: letters, digits, '-', '_' (and '.'). */
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
    /** [local-part] "@" domain-name with dot-atom local parts (RFC 8601 pvalue). */
    private static final Pattern ADDRESS = Pattern.compile(
            "(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-]+)*)?@"
                    + "[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)*");
    private static final String FOLD = "\r\n\t";

    private AuthResultsWriter() {
    }

    /** The field body, folded, without the field name: {@code authserv-id; method=result ...; ...}. */
    public static String headerValue(String authservId, List<MethodResult> results) {
        StringBuilder out = new StringBuilder(128);
        out.append(value(authservId));
        if (results.isEmpty()) {
            // RFC 8601 §2.2: "none" when no method was applied
            return out.append("; none").toString();
        }
        for (MethodResult result : results) {
            out.append(';').append(FOLD);
            appendResinfo(out, result);
        }
        return out.toString();
    }

    /** The whole field, {@code Authentication-Results: ...}, folded, without a trailing CRLF. */
    public static String headerField(String authservId, List<MethodResult> results) {
        return FIELD_NAME + ": " + headerValue(authservId, results);
    }

    /** The same field on one line (for logs and JSON): folding whitespace replaced by a space. */
    public static String unfolded(String authservId, List<MethodResult> results) {
        return headerField(authservId, results).replace(FOLD, " ");
    }

    private static void appendResinfo(StringBuilder out, MethodResult result) {
        out.append(keyword(result.method())).append('=').append(keyword(result.result()));
        if (result.reason() != null && !result.reason().isBlank()) {
            out.append(" reason=").append(quoted(result.reason()));
        }
        for (ResultProperty property : result.properties()) {
            out.append(' ').append(keyword(property.ptype())).append('.').append(keyword(property.property()))
                    .append('=').append(pvalue(property.value()));
        }
    }

    /** A keyword comes from our own code; anything else is a programming error, not bad mail. */
    private static String keyword(String word) {
        if (!KEYWORD.matcher(word).matches()) {
            throw new IllegalArgumentException("not an RFC 8601 keyword: " + word);
        }
        return word;
    }

    /** RFC 8601 pvalue: a token, an address, or else a quoted-string. */
    static String pvalue(String value) {
        if (TOKEN.matcher(value).matches() || ADDRESS.matcher(value).matches()) {
            return value;
        }
        return quoted(value);
    }

    /** RFC 2045 value: a token, or else a quoted-string. */
    static String value(String value) {
        return TOKEN.matcher(value).matches() ? value : quoted(value);
    }

    /** RFC 5322 quoted-string; control characters become spaces so no CR or LF can end the field. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(' ');
            } else {
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
