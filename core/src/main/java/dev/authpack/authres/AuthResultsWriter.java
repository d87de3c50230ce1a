package dev.authpack.authres;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Formats an {@code Authentication-Results} field (RFC 8601 §2.2). Nothing taken from a message can break the
 * field: values that are not plain tokens or addresses are written as quoted-strings with {@code \} and {@code "}
 * escaped, and control characters (CR, LF, NUL, ...) are replaced by a space before quoting.
 *
 * <p>Each resinfo goes on its own folded line, and a line that would grow past {@link #MAX_LINE_CHARS} is folded
 * between its parts, so long results never produce over-long lines (RFC 5322 §2.1.1).
 *
 * <p>Bounded, so that the next hop (and our own {@link AuthResultsParser}) can read what we write whatever the
 * message held: reasons and values longer than {@link #MAX_TEXT_CHARS} are cut, at most {@link #MAX_PROPERTIES}
 * properties per resinfo and {@link #MAX_RESULTS} resinfos are written, and the body stays within
 * {@link #MAX_FIELD_CHARS}; what is left out is counted in a closing comment.
 */
public final class AuthResultsWriter {
    public static final String FIELD_NAME = "Authentication-Results";
    /** Most resinfos written in one field (half of what {@link AuthResultsParser#MAX_RESULTS} reads). */
    public static final int MAX_RESULTS = AuthResultsParser.MAX_RESULTS / 2;
    /** Most properties written per resinfo ({@link AuthResultsParser#MAX_PROPERTIES} reads more). */
    public static final int MAX_PROPERTIES = 10;
    /** Longest reason or property value written, in characters before quoting; longer ones end in "...". */
    public static final int MAX_TEXT_CHARS = 256;
    /** Longest field body written (a quarter of {@link AuthResultsParser#MAX_FIELD_CHARS}). */
    public static final int MAX_FIELD_CHARS = AuthResultsParser.MAX_FIELD_CHARS / 4;
    /** A line is folded before a part that would take it past this length (RFC 5322 §2.1.1 allows 998). */
    public static final int MAX_LINE_CHARS = 900;
    /** Room kept at the end of the field for the comment that counts what was left out. */
    private static final int RESERVE = 64;

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
        int written = 0;
        for (MethodResult result : results) {
            String resinfo = resinfo(result);
            // the first always fits: one resinfo is bounded well below MAX_FIELD_CHARS by the limits above
            if (written == MAX_RESULTS
                    || written > 0 && out.length() + 4 + resinfo.length() > MAX_FIELD_CHARS - RESERVE) {
                break;
            }
            out.append(';').append(FOLD).append(resinfo);
            written++;
        }
        if (written < results.size()) {
            // a comment is CFWS after the last resinfo: readers skip it (RFC 8601 §2.2, RFC 5322 §3.2.2)
            out.append(FOLD).append('(').append(results.size() - written)
                    .append(" more results not listed)");
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

    /** One resinfo, folded between its parts where a line would grow too long. */
    private static String resinfo(MethodResult result) {
        StringBuilder out = new StringBuilder(64);
        out.append(keyword(result.method())).append('=').append(keyword(result.result()));
        int lineStart = 0;
        if (result.reason() != null && !result.reason().isBlank()) {
            lineStart = appendPart(out, lineStart, "reason=" + quoted(cut(result.reason())));
        }
        int properties = 0;
        for (ResultProperty property : result.properties()) {
            if (properties++ == MAX_PROPERTIES) {
                break;
            }
            lineStart = appendPart(out, lineStart, keyword(property.ptype()) + '.' + keyword(property.property())
                    + '=' + pvalue(cut(property.value())));
        }
        return out.toString();
    }

    /** Appends a space and the part, or a fold and the part when the line would grow too long; the line start. */
    private static int appendPart(StringBuilder out, int lineStart, String part) {
        if (out.length() - lineStart + 1 + part.length() > MAX_LINE_CHARS) {
            out.append(FOLD);
            lineStart = out.length() - 1;
        } else {
            out.append(' ');
        }
        out.append(part);
        return lineStart;
    }

    /** Text longer than {@link #MAX_TEXT_CHARS} cut to it, ending in "..." (never inside a surrogate pair). */
    static String cut(String text) {
        if (text.length() <= MAX_TEXT_CHARS) {
            return text;
        }
        int end = MAX_TEXT_CHARS - 3;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
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
