package dev.authpack.arc;

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
     * Unfolds (CR and LF removed), turns other control characters into spaces (so nothing taken from a message can
     * end a header field we write), and trims.
     */
    static String clean(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 && c != '\t' || c == 0x7f;
            if (control && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (c == '\r' || c == '\n') {
                    continue;
                }
                out.append(control ? ' ' : c);
            }
        }
        return (out == null ? s : out.toString()).strip();
    }
}
