package dev.authpack.mail;

import java.util.function.IntPredicate;

/**
 * Every occurrence of an octet pattern in a text, overlapping ones too, in one Knuth-Morris-Pratt pass: linear in
 * the text and the pattern. Used to find multipart delimiters ("--" and the boundary) that a MIME parser may take
 * where a mail client would not (RFC 2046 §5.1.1: a delimiter starts a line).
 */
public final class OctetSearch {
    private OctetSearch() {
    }

    /**
     * Calls {@code found} with the start of each occurrence of {@code pattern} in {@code text}, left to right, until
     * it returns false. Each octet of the text is read once, before the occurrences that end at it are reported: an
     * octet {@code found} changes at or before the start it is given plus the pattern's length minus one is never
     * read again.
     */
    public static void each(byte[] text, byte[] pattern, IntPredicate found) {
        if (pattern.length == 0) {
            return;
        }
        int[] fail = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = fail[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            fail[i] = k;
        }
        for (int i = 0, k = 0; i < text.length; i++) {
            while (k > 0 && text[i] != pattern[k]) {
                k = fail[k - 1];
            }
            if (text[i] == pattern[k]) {
                k++;
            }
            if (k == pattern.length) {
                k = fail[k - 1];
                if (!found.test(i - pattern.length + 1)) {
                    return;
                }
            }
        }
    }

    /**
     * Calls {@code found} with the start of each occurrence of a multipart delimiter ({@code pattern}: "--" and the
     * boundary) inside a line, left to right, until it returns false: the one definition (RFC 2046 §5.1.1: a
     * delimiter line starts at the beginning of a line, as a mail client reads it). An occurrence is inside a line
     * when it starts after an octet other than LF, unless it overlaps an occurrence that starts a line: that is the
     * delimiter line's own octets (boundary "-": its close delimiter "-----" holds "---" three times), not text.
     * The same contract as {@link #each}: {@code found} may change the octets of the occurrence it is given.
     */
    public static void eachInsideALine(byte[] text, byte[] pattern, IntPredicate found) {
        // the last octet of the latest occurrence that starts a line
        int[] lineStartEnd = {-1};
        each(text, pattern, start -> {
            if (start == 0 || text[start - 1] == '\n') {
                lineStartEnd[0] = start + pattern.length - 1;
                return true;
            }
            return start <= lineStartEnd[0] || found.test(start);
        });
    }

    /** Whether {@code pattern} occurs inside a line of {@code text} ({@link #eachInsideALine}). */
    public static boolean insideALine(byte[] text, byte[] pattern) {
        boolean[] inside = {false};
        eachInsideALine(text, pattern, start -> {
            inside[0] = true;
            return false;
        });
        return inside[0];
    }
}
