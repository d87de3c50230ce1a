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
     * when it starts after an octet other than LF, unless it is a delimiter line's own octets:
     * <ul>
     * <li>it overlaps an occurrence that starts a line (boundary "-": its close delimiter "-----" holds "---" three
     * times);</li>
     * <li>or its line starts with a close delimiter, the delimiter and "--": RFC 2046 §5.1.1 matches a delimiter at
     * the beginning of a line ("an exact match of the entire candidate line is not required"), and mime4j skips the
     * rest of that line, so "--b--b" (boundary "b") is the close delimiter "--b--" and what follows it on the line is
     * not text of a part. Changing an octet there would break the close marker ("--b-~b": mime4j then reads the line
     * as text and the epilogue, which no client shows, as the part's text).</li>
     * </ul>
     * The same contract as {@link #each}: {@code found} may change the octets of the occurrence it is given (never
     * into LF). Linear: the octets after a close delimiter are looked at once for the LF that ends its line.
     */
    public static void eachInsideALine(byte[] text, byte[] pattern, IntPredicate found) {
        // the last octet of the latest occurrence that starts a line
        int[] lineStartEnd = {-1};
        // while on a close delimiter's line: the next octet to look at for the LF that ends it; else -1
        int[] closeLine = {-1};
        each(text, pattern, start -> {
            if (start == 0 || text[start - 1] == '\n') {
                lineStartEnd[0] = start + pattern.length - 1;
                int after = start + pattern.length;
                boolean close = after + 1 < text.length && text[after] == '-' && text[after + 1] == '-';
                closeLine[0] = close ? after : -1;
                return true;
            }
            if (start <= lineStartEnd[0] || onCloseLine(text, start, closeLine)) {
                return true;
            }
            return found.test(start);
        });
    }

    /** Whether no LF comes between {@code closeLine[0]} and {@code start}; moves {@code closeLine[0]} on. */
    private static boolean onCloseLine(byte[] text, int start, int[] closeLine) {
        if (closeLine[0] < 0) {
            return false;
        }
        for (int i = closeLine[0]; i < start; i++) {
            if (text[i] == '\n') {
                closeLine[0] = -1;
                return false;
            }
        }
        closeLine[0] = start;
        return true;
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
