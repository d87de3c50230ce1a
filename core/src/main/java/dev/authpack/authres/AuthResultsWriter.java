package dev.authpack.authres;

import dev.authpack.mail.WrittenText;

import java.util.List;

/**
 * Formats an {@code Authentication-Results} field (RFC 8601 §2.2). Nothing taken from a message can break the
 * field: values that are not plain tokens or addresses are written as quoted-strings with {@code \} and {@code "}
 * escaped; control characters (C0, DEL, C1: CR, LF, NUL, NEL, ...), U+2028, U+2029 and the bidi controls
 * (embeddings, overrides, isolates, ALM, LRM, RLM: {@link WrittenText#isBidiControl}) are replaced by a space, and an unpaired surrogate by U+FFFD ({@link WrittenText},
 * the rule ArcSealer's ARC-Authentication-Results follows too), so a value is one line of RFC 6532 text that no
 * reader splits or reorders into something else. Other UTF-8 text is kept.
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

    /** {@code FIELD_NAME + ": "}, the start of every field written. */
    private static final String FIELD_START = FIELD_NAME + ": ";
    private static final String FOLD = "\r\n\t";
    /** The end of the closing comment that counts the resinfos left out. */
    private static final String NOT_LISTED = " more results not listed)";
    /** Room for a usual field body (about 600 characters with DKIM, SPF twice, DMARC, ARC, iprev): no regrowth. */
    private static final int INITIAL_CHARS = 1024;

    private AuthResultsWriter() {
    }

    /** The field body, folded, without the field name: {@code authserv-id; method=result ...; ...}. */
    public static String headerValue(String authservId, List<MethodResult> results) {
        return write(new StringBuilder(INITIAL_CHARS), authservId, results).toString();
    }

    /** The whole field, {@code Authentication-Results: ...}, folded, without a trailing CRLF. */
    public static String headerField(String authservId, List<MethodResult> results) {
        StringBuilder out = new StringBuilder(FIELD_START.length() + INITIAL_CHARS).append(FIELD_START);
        return write(out, authservId, results).toString();
    }

    /** Appends the field body to {@code out} (which may hold the field name already), in one builder. */
    private static StringBuilder write(StringBuilder out, String authservId, List<MethodResult> results) {
        int bodyStart = out.length();
        appendValue(out, authservId);
        if (results.isEmpty()) {
            // RFC 8601 §2.2: "none" when no method was applied
            return out.append("; none");
        }
        int written = 0;
        for (MethodResult result : results) {
            if (written == MAX_RESULTS) {
                break;
            }
            int before = out.length();
            out.append(';').append(FOLD);
            appendResinfo(out, result);
            // the first always fits: one resinfo is bounded well below MAX_FIELD_CHARS by the limits above; the
            // others while the body stays under MAX_FIELD_CHARS - RESERVE
            if (written > 0 && out.length() - bodyStart >= MAX_FIELD_CHARS - RESERVE) {
                out.setLength(before);
                break;
            }
            written++;
        }
        if (written < results.size()) {
            // a comment is CFWS after the last resinfo: readers skip it (RFC 8601 §2.2, RFC 5322 §3.2.2)
            out.append(FOLD).append('(').append(results.size() - written)
                    .append(NOT_LISTED);
        }
        return out;
    }

    /**
     * Whether a body written by {@link #headerValue} lists every resinfo it was given: otherwise it ends in the
     * comment counting the others (a comment no written value can end in: values are tokens or quoted-strings).
     */
    public static boolean listsAll(String headerValue) {
        return !headerValue.endsWith(NOT_LISTED);
    }

    /** The same field on one line (for logs and JSON): folding whitespace replaced by a space. */
    public static String unfolded(String authservId, List<MethodResult> results) {
        return headerField(authservId, results).replace(FOLD, " ");
    }

    /** Appends one resinfo, folded between its parts where a line would grow too long. */
    private static void appendResinfo(StringBuilder out, MethodResult result) {
        out.append(keyword(result.method())).append('=').append(keyword(result.result()));
        // where the resinfo's first line starts (after "; FOLD", so its first character, as before)
        int lineStart = out.length() - result.method().length() - 1 - result.result().length();
        if (result.reason() != null && !result.reason().isBlank()) {
            int at = out.length();
            out.append(" reason=");
            appendQuoted(out, cut(result.reason()));
            lineStart = placePart(out, lineStart, at);
        }
        int properties = 0;
        for (ResultProperty property : result.properties()) {
            if (properties++ == MAX_PROPERTIES) {
                break;
            }
            int at = out.length();
            out.append(' ').append(keyword(property.ptype())).append('.').append(keyword(property.property()))
                    .append('=');
            appendPvalue(out, cut(property.value()));
            lineStart = placePart(out, lineStart, at);
        }
    }

    /**
     * The part just appended after a space at {@code at}: when it makes the line longer than {@link #MAX_LINE_CHARS}
     * that space becomes a fold (the part starts the next line); the line start. Written in place, so a part is
     * not built on its own first.
     */
    private static int placePart(StringBuilder out, int lineStart, int at) {
        if (out.length() - lineStart > MAX_LINE_CHARS) {
            out.replace(at, at + 1, FOLD);
            return at + FOLD.length() - 1;
        }
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
        if (!isKeyword(word)) {
            throw new IllegalArgumentException("not an RFC 8601 keyword: " + word);
        }
        return word;
    }

    /** RFC 8601 pvalue: a token, an address, or else a quoted-string. */
    static String pvalue(String value) {
        return isToken(value) || isAddress(value) ? value : quoted(value);
    }

    private static void appendPvalue(StringBuilder out, String value) {
        if (isToken(value) || isAddress(value)) {
            out.append(value);
        } else {
            appendQuoted(out, value);
        }
    }

    /** RFC 2045 value: a token, or else a quoted-string. */
    static String value(String value) {
        return isToken(value) ? value : quoted(value);
    }

    private static void appendValue(StringBuilder out, String value) {
        if (isToken(value)) {
            out.append(value);
        } else {
            appendQuoted(out, value);
        }
    }

    /** RFC 2045 token: one or more of any printable ASCII but SPACE and tspecials. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 2045 token character: {@code !#$%&'*+-.0-9A-Z^_`a-z{|}~}. */
    private static boolean isTokenChar(char c) {
        return isAlnum(c) || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\''
                || c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '{'
                || c == '|' || c == '}' || c == '~';
    }

    /**
     * Method names, result words and property names are RFC 8601 keywords: a letter or digit, then letters,
     * digits, '-', '_' (and '.').
     */
    static boolean isKeyword(String s) {
        if (s.isEmpty() || !isAlnum(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isAlnum(c) || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * [local-part] "@" domain-name (RFC 8601 pvalue): the local part empty or a dot-atom (RFC 5322 §3.2.3 atext
     * atoms joined by single dots), the domain one or more dot-separated labels of letters, digits and '-' that
     * start and end with a letter or digit.
     */
    static boolean isAddress(String s) {
        int at = s.indexOf('@');
        if (at < 0) {
            return false;
        }
        // local part: empty, or atoms of atext separated by single dots
        if (at > 0) {
            boolean atomStart = true;
            for (int i = 0; i < at; i++) {
                char c = s.charAt(i);
                if (c == '.') {
                    if (atomStart) {
                        return false;
                    }
                    atomStart = true;
                } else if (isAtext(c)) {
                    atomStart = false;
                } else {
                    return false;
                }
            }
            if (atomStart) {
                return false;
            }
        }
        // domain: labels [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])? separated by single dots
        int labelStart = at + 1;
        if (labelStart == s.length()) {
            return false;
        }
        for (int i = labelStart; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                if (i == labelStart || s.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = s.charAt(i);
            if (i == labelStart ? !isAlnum(c) : !(isAlnum(c) || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5322 §3.2.3 atext: letters, digits and {@code !#$%&'*+-/=?^_`{|}~}. */
    private static boolean isAtext(char c) {
        return isAlnum(c) || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*'
                || c == '+' || c == '/' || c == '=' || c == '?' || c == '^' || c == '_' || c == '`' || c == '{'
                || c == '|' || c == '}' || c == '~' || c == '-';
    }

    private static boolean isAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /**
     * RFC 5322 quoted-string (RFC 6532 UTF-8 text kept); characters that {@link WrittenText#breaksALine} become
     * spaces and lone surrogates U+FFFD, so nothing in it can end the field or be shown as something else.
     */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        appendQuoted(out, text);
        return out.toString();
    }

    private static void appendQuoted(StringBuilder out, String text) {
        out.append('"');
        int plain = 0;
        while (plain < text.length() && isQtextOrSpace(text.charAt(plain))) {
            plain++;
        }
        // the usual reason needs no escape: copied at once
        out.append(text, 0, plain);
        for (int i = plain; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                // RFC 3629: a surrogate pair is one character; a lone surrogate has no UTF-8 form (RFC 6532 text
                // is UTF-8), so it becomes U+FFFD, the replacement a UTF-8 reader shows for an ill-formed sequence
                if (Character.isHighSurrogate(c) && WrittenText.pairedSurrogate(text, i)) {
                    out.append(c).append(text.charAt(++i));
                } else {
                    out.append(WrittenText.REPLACEMENT);
                }
            } else if (WrittenText.breaksALine(c)) {
                out.append(' ');
            } else {
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        out.append('"');
    }

    /**
     * A character copied into a quoted-string as it is: printable ASCII but {@code "} and {@code \\}, or a
     * non-ASCII character that is neither {@link WrittenText#breaksALine} nor a surrogate (RFC 6532 UTF-8 text).
     */
    private static boolean isQtextOrSpace(char c) {
        if (c < 0x7f) {
            return c >= 0x20 && c != '"' && c != '\\';
        }
        return !WrittenText.breaksALine(c) && !Character.isSurrogate(c);
    }

}
