package dev.authpack.arc;

import dev.authpack.mail.WrittenText;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Small scanners for the structured text of ARC-Authentication-Results and Authentication-Results bodies: comments
 * (nested, with quoted-pairs) and quoted-strings are skipped, so a {@code ;} inside them does not separate anything.
 * All loops consume input; work is linear in the text length.
 */
final class ArcText {
    /** Deepest comment nesting followed; deeper text is treated as unbalanced. */
    static final int MAX_COMMENT_DEPTH = 16;

    private ArcText() {
    }

    /** The index after whitespace (SP, HTAB, CR, LF) and comments from {@code i}, or -1 for an unbalanced comment. */
    static int skipCfws(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '(') {
                i = skipComment(s, i);
                if (i < 0) {
                    return -1;
                }
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else {
                return i;
            }
        }
        return i;
    }

    /** From a {@code (} at {@code i}: the index after its matching {@code )}, or -1. */
    private static int skipComment(String s, int i) {
        int depth = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                if (++depth > MAX_COMMENT_DEPTH) {
                    return -1;
                }
            } else if (c == ')') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** From a {@code "} at {@code i}: the index after the closing quote, or -1. */
    private static int skipQuoted(String s, int i) {
        for (i++; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The index of the first {@code ;} from {@code from} that is outside comments and quoted-strings, or -1 (also
     * for an unbalanced comment or quote, whose {@code ;} cannot be told apart).
     */
    static int topLevelSemicolon(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ';') {
                return i;
            } else if (c == '(') {
                i = skipComment(s, i);
            } else if (c == '"') {
                i = skipQuoted(s, i);
            } else {
                i++;
            }
            if (i < 0) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The parts of {@code s} between top-level {@code ;}, unfolded and trimmed, empty parts dropped; at most
     * {@code max} parts (the rest is dropped).
     */
    static List<String> splitTopLevel(String s, int max) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (start <= s.length() && parts.size() < max) {
            int semicolon = topLevelSemicolon(s, start);
            int end = semicolon < 0 ? s.length() : semicolon;
            String part = clean(s.substring(start, end));
            if (!part.isEmpty()) {
                parts.add(part);
            }
            if (semicolon < 0) {
                break;
            }
            start = semicolon + 1;
        }
        return parts;
    }

    /**
     * Header text read one char per octet ({@link dev.authpack.mail.HeaderField#rawValue}) decoded as UTF-8 (RFC 6532),
     * an ill-formed sequence U+FFFD: what is written back as UTF-8 is then the octets received, not each 8-bit octet
     * as two, and {@link #clean} does not take a UTF-8 continuation octet 0x80-0x9F for a C1 control.
     */
    static String utf8(String octets) {
        for (int i = 0; i < octets.length(); i++) {
            if (octets.charAt(i) >= 0x80) {
                return new String(octets.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return octets;
    }

    /**
     * Unfolds, puts on one line and trims: {@link WrittenText#oneLine}, the rule of our Authentication-Results (C0
     * and C1 controls, DEL, U+2028, U+2029 and the bidi controls a space, an unpaired surrogate U+FFFD), so nothing
     * taken from a message can end, break or reorder a header field we write.
     */
    static String clean(String s) {
        return WrittenText.oneLine(s).strip();
    }
}
