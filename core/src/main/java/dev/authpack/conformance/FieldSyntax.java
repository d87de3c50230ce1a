package dev.authpack.conformance;

import org.apache.james.mime4j.dom.datetime.DateTime;
import org.apache.james.mime4j.field.datetime.parser.DateTimeParser;
import org.apache.james.mime4j.field.mimeversion.parser.MimeVersionParser;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whether the values of the three fields a fix may add parse. A value that does not parse counts as missing, as in
 * KumoMTA (whose fix then replaces it).
 */
final class FieldSyntax {
    /** Longest value we try to parse; a Date or Message-ID is far shorter. */
    static final int MAX_VALUE_LENGTH = 998;
    /** Deepest nesting of comments in a msg-id's CFWS. */
    static final int MAX_COMMENT_DEPTH = 10;

    private FieldSyntax() {
    }

    /** RFC 5322 §3.3 date-time (mime4j's grammar, obsolete forms included), with fields in their ranges. */
    static boolean isDate(String value) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            return false;
        }
        try {
            DateTime date = new DateTimeParser(new StringReader(value)).parseAll();
            return date.getMonth() >= 1 && date.getMonth() <= 12 && date.getDay() >= 1 && date.getDay() <= 31
                    && date.getHour() >= 0 && date.getHour() <= 23 && date.getMinute() >= 0
                    && date.getMinute() <= 59 && date.getSecond() >= 0 && date.getSecond() <= 60;
        } catch (org.apache.james.mime4j.field.datetime.parser.ParseException
                 | org.apache.james.mime4j.field.datetime.parser.TokenMgrError | RuntimeException e) {
            return false; // JavaCC's TokenMgrError is an Error: caught by name, nothing broader
        }
    }

    /** RFC 2045 §4 version 1.0 (comments allowed, e.g. {@code 1.0 (produced by X)}). */
    static boolean isMimeVersion10(String value) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            return false;
        }
        if (value.equals("1.0")) {
            return true; // the usual form, without the parser's buffers
        }
        try {
            MimeVersionParser parser = new MimeVersionParser(new StringReader(value));
            parser.parseAll();
            return parser.getMajorVersion() == 1 && parser.getMinorVersion() == 0;
        } catch (org.apache.james.mime4j.field.mimeversion.parser.ParseException
                 | org.apache.james.mime4j.field.mimeversion.parser.TokenMgrError | RuntimeException e) {
            return false;
        }
    }

    /**
     * RFC 5322 §3.6.4 msg-id: {@code [CFWS] "<" id-left "@" id-right ">" [CFWS]}, with id-left a dot-atom-text
     * or (obsolete) quoted string and id-right a dot-atom-text or a domain literal; UTF-8 in atext as RFC 6532 §3.2
     * allows.
     */
    static boolean isMessageId(String value) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            return false;
        }
        int[] pos = {0};
        if (!skipCfws(value, pos)) {
            return false;
        }
        if (!expect(value, pos, '<')) {
            return false;
        }
        boolean left = value.startsWith("\"", pos[0]) ? quotedString(value, pos) : dotAtomText(value, pos);
        if (!left || !expect(value, pos, '@')) {
            return false;
        }
        boolean right = value.startsWith("[", pos[0]) ? domainLiteral(value, pos) : dotAtomText(value, pos);
        if (!right || !expect(value, pos, '>')) {
            return false;
        }
        return skipCfws(value, pos) && pos[0] == value.length();
    }

    private static boolean expect(String s, int[] pos, char c) {
        if (pos[0] < s.length() && s.charAt(pos[0]) == c) {
            pos[0]++;
            return true;
        }
        return false;
    }

    private static boolean dotAtomText(String s, int[] pos) {
        int start = pos[0];
        boolean lastDot = true;
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]);
            if (c == '.') {
                if (lastDot) {
                    return false;
                }
                lastDot = true;
            } else if (isAtext(c)) {
                lastDot = false;
            } else {
                break;
            }
            pos[0]++;
        }
        return pos[0] > start && !lastDot;
    }

    private static boolean isAtext(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c >= 0x80;
    }

    private static boolean quotedString(String s, int[] pos) {
        pos[0]++;
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]++);
            if (c == '"') {
                return true;
            }
            if (c == '\\') {
                if (pos[0] >= s.length()) {
                    return false;
                }
                pos[0]++;
            } else if (c == '\r' || c == '\n') {
                return false;
            }
        }
        return false;
    }

    private static boolean domainLiteral(String s, int[] pos) {
        pos[0]++;
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]++);
            if (c == ']') {
                return true;
            }
            if (c == '[' || c == '\\' || c < 33) {
                return false;
            }
        }
        return false;
    }

    /** Skips white space and (nested, bounded) comments; false on an unclosed or too deep comment. */
    private static boolean skipCfws(String s, int[] pos) {
        int depth = 0;
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]);
            if (c == '(') {
                if (++depth > MAX_COMMENT_DEPTH) {
                    return false;
                }
            } else if (c == ')') {
                if (depth == 0) {
                    return false;
                }
                depth--;
            } else if (c == '\\' && depth > 0) {
                pos[0]++;
            } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return true;
            }
            pos[0]++;
        }
        return depth == 0;
    }

    /**
     * The value of a raw field as text: strict UTF-8 (so US-ASCII too, and RFC 6532 values); null when it is not
     * UTF-8 (legacy 8-bit octets), which makes a Date or Message-ID count as missing.
     */
    static String utf8Value(byte[] raw, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
