package dev.authpack.authres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the body of an {@code Authentication-Results} field (RFC 8601 §2.2): the authserv-id (token or
 * quoted-string), the optional version, then either {@code none} or resinfos
 * {@code method[/version]=result [reason=value] [ptype.property=pvalue ...]}. Comments (nested) and folding
 * whitespace are allowed wherever the grammar has CFWS.
 *
 * <p>Never throws: malformed input gives {@link ParsedAuthResults#malformed} with a reason. Work is bounded by
 * {@link #MAX_FIELD_CHARS}, {@link #MAX_RESULTS}, {@link #MAX_PROPERTIES} and {@link #MAX_COMMENT_DEPTH}; every
 * step consumes input, so parsing is linear in the field length.
 *
 * <p>Where real fields stray from the grammar and no ambiguity follows, the parser is lenient (documented in
 * docs/authentication-results.md): an unquoted value runs to the next whitespace, {@code ;}, comment or quote
 * (fields in the wild carry IPv6 addresses, address literals and base64 {@code header.b} values unquoted); a
 * trailing or empty {@code ;} is skipped; {@code reason} may follow properties; Microsoft's {@code action=value}
 * is skipped. Any other {@code word=value} without a ptype is an error, so a missing {@code ;} never hides a result.
 */
public final class AuthResultsParser {
    /** Longer field bodies are refused unread (RFC 5322 allows 998 characters a line; this is 64 KiB in all). */
    public static final int MAX_FIELD_CHARS = 64 * 1024;
    /** Most resinfos read from one field. */
    public static final int MAX_RESULTS = 100;
    /** Most properties read from one resinfo. */
    public static final int MAX_PROPERTIES = 50;
    /** Deepest comment nesting accepted. */
    public static final int MAX_COMMENT_DEPTH = 16;
    private static final int MAX_DIGITS = 9;

    private final String text;
    private int pos;
    /** The authserv-id once read, so that a malformed field can still say whose it is. */
    private String authservId;

    private AuthResultsParser(String text) {
        this.text = text;
    }

    /** Parses one field body (the text after {@code Authentication-Results:}, folding included). */
    public static ParsedAuthResults parse(String fieldBody) {
        if (fieldBody == null) {
            return ParsedAuthResults.malformed("no field body", null);
        }
        if (fieldBody.length() > MAX_FIELD_CHARS) {
            return ParsedAuthResults.malformed("field longer than " + MAX_FIELD_CHARS + " characters", null);
        }
        AuthResultsParser parser = new AuthResultsParser(fieldBody);
        try {
            return ParsedAuthResults.valid(parser.field());
        } catch (Malformed e) {
            return ParsedAuthResults.malformed(e.getMessage(), parser.authservId);
        }
    }

    private AuthResultsHeader field() {
        cfws();
        authservId = authservId();
        cfws();
        int version = 1;
        if (!atEnd() && isDigit(peek())) {
            version = number("authres-version");
            if (version != 1) {
                // RFC 8601 §2.2: version 1 is the only one; a field of another version cannot be understood
                throw fail("unsupported authres-version " + version + " (only 1 is defined)");
            }
            cfws();
        }
        if (atEnd()) {
            throw fail("no result after the authserv-id (expected \"; none\" or \"; method=result\")");
        }
        if (peek() != ';') {
            throw fail("expected ';' after the authserv-id" + where() + ", found " + found());
        }
        List<MethodResult> results = new ArrayList<>();
        boolean none = false;
        while (!atEnd()) {
            pos++; // the ';' that ended the previous part
            cfws();
            if (atEnd()) {
                break; // a trailing ';'
            }
            if (peek() == ';') {
                continue; // an empty resinfo
            }
            if (none) {
                throw fail("'none' must be the only result" + where());
            }
            String method = keyword("a method name");
            cfws();
            if (method.equals("none") && (atEnd() || peek() == ';')) {
                if (!results.isEmpty()) {
                    throw fail("'none' must be the only result" + where());
                }
                none = true;
                continue;
            }
            if (results.size() == MAX_RESULTS) {
                throw fail("more than " + MAX_RESULTS + " results");
            }
            results.add(resinfo(method));
        }
        if (!none && results.isEmpty()) {
            throw fail("no result after the authserv-id (expected \"; none\" or \"; method=result\")");
        }
        return new AuthResultsHeader(authservId, version, results);
    }

    /** RFC 8601 resinfo after its method name; ends at {@code ;} or at the end of the field. */
    private MethodResult resinfo(String method) {
        if (!atEnd() && peek() == '/') {
            pos++;
            cfws();
            number("the version of method " + method);
            cfws();
        }
        if (atEnd() || peek() != '=') {
            throw fail("expected '=' after method '" + method + "'" + where() + ", found " + found());
        }
        pos++;
        cfws();
        String result = keyword("the result of method " + method);
        String reason = null;
        List<ResultProperty> properties = new ArrayList<>();
        while (true) {
            cfws();
            if (atEnd() || peek() == ';') {
                return new MethodResult(method, result, reason, properties);
            }
            int start = pos;
            String name = keyword("ptype.property=value in " + method + "=" + result);
            cfws();
            char next = atEnd() ? 0 : peek();
            if (next == '.') {
                pos++;
                cfws();
                String property = keyword("a property name after '" + name + ".'");
                cfws();
                if (atEnd() || peek() != '=') {
                    throw fail("expected '=' after " + name + "." + property + where() + ", found " + found());
                }
                pos++;
                String value = pvalue(name + "." + property);
                if (properties.size() == MAX_PROPERTIES) {
                    throw fail("more than " + MAX_PROPERTIES + " properties in " + method + "=" + result);
                }
                properties.add(new ResultProperty(name, property, value));
            } else if (next == '=' && name.equals("reason")) {
                if (reason != null) {
                    throw fail("reason given twice in " + method + "=" + result + where(start));
                }
                pos++;
                reason = value("reason");
            } else if (next == '=' && name.equals("action")) {
                // Microsoft writes "dmarc=pass action=none ..."; not RFC 8601, carries nothing we use
                pos++;
                value("action");
            } else if (next == '=') {
                throw fail("expected ptype.property=value" + where(start) + ", found '" + name
                        + "=' (a missing ';' before it?)");
            } else {
                throw fail("expected '.' after '" + name + "'" + where() + ", found " + found());
            }
        }
    }

    /** authserv-id = value (RFC 2045 token or quoted-string). */
    private String authservId() {
        if (atEnd()) {
            throw fail("no authserv-id: the field is empty");
        }
        if (peek() == '"') {
            String id = quotedString();
            if (id.isBlank()) {
                throw fail("empty authserv-id");
            }
            return id;
        }
        int start = pos;
        while (!atEnd() && isTokenChar(peek())) {
            pos++;
        }
        if (pos == start) {
            throw fail("expected the authserv-id" + where() + ", found " + found());
        }
        if (!atEnd() && peek() == '=') {
            throw fail("no authserv-id: the field starts with a result ('" + text.substring(start, pos) + "=')");
        }
        return text.substring(start, pos);
    }

    /** pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]; see the class comment. */
    private String pvalue(String what) {
        cfws();
        if (!atEnd() && peek() == '"') {
            String quoted = quotedString();
            if (!atEnd() && peek() == '@') {
                // "quoted local part"@domain: keep it an address
                pos++;
                String domain = unquotedRun();
                if (domain.isEmpty()) {
                    throw fail("missing domain after '@' in " + what + where());
                }
                return AuthResultsWriter.quoted(quoted) + "@" + domain;
            }
            return quoted;
        }
        String run = unquotedRun();
        if (run.isEmpty()) {
            throw fail("missing value for " + what + where() + ", found " + found());
        }
        return run;
    }

    /** value = token / quoted-string (leniently: see the class comment). */
    private String value(String what) {
        cfws();
        if (!atEnd() && peek() == '"') {
            return quotedString();
        }
        String run = unquotedRun();
        if (run.isEmpty()) {
            throw fail("missing value for " + what + where() + ", found " + found());
        }
        return run;
    }

    private String unquotedRun() {
        int start = pos;
        while (!atEnd()) {
            char c = peek();
            if (c <= ' ' || c == 0x7f || c == ';' || c == '(' || c == ')' || c == '"' || c == '\\') {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    /** RFC 5322 quoted-string: quoted-pairs unescaped, folding CR and LF removed; other controls refused. */
    private String quotedString() {
        int start = pos;
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw fail("unterminated quoted-string" + where(start));
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (atEnd()) {
                    throw fail("unterminated quoted-string" + where(start));
                }
                c = text.charAt(pos++);
            } else if (c == '\r' || c == '\n') {
                continue;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw fail("control character U+" + String.format("%04X", (int) c) + " in a quoted-string"
                        + where(pos - 1));
            }
            out.append(c);
        }
    }

    /** Method names, result words, ptypes, properties: letters, digits, '-' and '_'; lower-cased. */
    private String keyword(String what) {
        int start = pos;
        if (!atEnd() && isLetterOrDigit(peek())) {
            pos++;
            while (!atEnd() && (isLetterOrDigit(peek()) || peek() == '-' || peek() == '_')) {
                pos++;
            }
        }
        if (pos == start) {
            throw fail("expected " + what + where() + ", found " + found());
        }
        return text.substring(start, pos).toLowerCase(Locale.ROOT);
    }

    private int number(String what) {
        int start = pos;
        while (!atEnd() && isDigit(peek())) {
            pos++;
        }
        if (pos == start) {
            throw fail("expected " + what + where() + ", found " + found());
        }
        if (pos - start > MAX_DIGITS) {
            throw fail(what + " too long" + where(start));
        }
        return Integer.parseInt(text, start, pos, 10);
    }

    /** Skips folding whitespace and comments (nested, with quoted-pairs; RFC 5322 §3.2.2). */
    private void cfws() {
        while (!atEnd()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                pos++;
            } else if (c == '(') {
                comment();
            } else {
                return;
            }
        }
    }

    private void comment() {
        int start = pos;
        int depth = 0;
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == '\\') {
                pos = Math.min(pos + 1, text.length());
            } else if (c == '(') {
                if (++depth > MAX_COMMENT_DEPTH) {
                    throw fail("comments nested more than " + MAX_COMMENT_DEPTH + " deep" + where(start));
                }
            } else if (c == ')' && --depth == 0) {
                return;
            }
        }
        throw fail("unterminated comment" + where(start));
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private String where() {
        return where(pos);
    }

    private static String where(int index) {
        return " at character " + (index + 1);
    }

    private String found() {
        if (atEnd()) {
            return "the end of the field";
        }
        char c = peek();
        return c < 0x20 || c == 0x7f ? "U+" + String.format("%04X", (int) c) : "'" + c + "'";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
    }

    /** RFC 2045 token: printable ASCII except SPACE and tspecials. */
    private static boolean isTokenChar(char c) {
        return c > ' ' && c < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }

    private static Malformed fail(String reason) {
        return new Malformed(reason);
    }

    /** Internal control flow only: caught in {@link #parse}, never seen by callers. */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
