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
}
