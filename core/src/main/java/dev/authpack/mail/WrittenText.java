package dev.authpack.mail;

/**
 * The one rule for text we write that came from elsewhere (a message, a configuration, a DNS answer): our
 * Authentication-Results ({@code AuthResultsWriter}) and ARC-Authentication-Results ({@code ArcSealer}) values,
 * and the JSON log lines ({@code JsonLine}) and the hooks' log lines ({@code LogText}), which escape what this rule
 * names instead of replacing it.
 */
public final class WrittenText {
    /** What an unpaired surrogate becomes: the replacement a UTF-8 reader shows for an ill-formed sequence. */
    public static final char REPLACEMENT = '\ufffd';

    private WrittenText() {
    }

    /**
     * A character written as a space, because some reader ends, breaks or reorders a line at it (review s20): the
     * C0 controls (CR, LF, NUL, ..., HTAB too: folding white space to RFC 5322 readers), DEL, the C1 controls
     * U+0080-U+009F (NEL U+0085 ends a line for Java's regular expressions and XML 1.1; CSI U+009B starts a
     * terminal escape), U+2028 and U+2029 (line and paragraph separators: line ends in Java and JavaScript
     * regular expressions), and the bidi controls ({@link #isBidiControl}; CVE-2021-42574 "Trojan Source": inside
     * a quoted value they reorder what a reader shows after it, the properties that follow included). All are legal
     * UTF-8 (RFC 6532 allows C1 in a quoted-string), none is text a header value we write needs.
     */
    public static boolean breaksALine(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029' || isBidiControl(c);
    }

    /**
     * Unicode's Bidi_Control characters (UAX #9 §2): ALM U+061C, LRM U+200E, RLM U+200F, the embeddings and
     * overrides U+202A-U+202E, the isolates U+2066-U+2069.
     */
    public static boolean isBidiControl(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
    }

    /**
     * Whether {@code c} at {@code i} of {@code s} is half of a surrogate pair. A surrogate that is not has no UTF-8
     * form (RFC 3629; RFC 6532 text is UTF-8).
     */
    public static boolean pairedSurrogate(CharSequence s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /**
     * Appends {@code c} made visible, for text read by people rather than parsers (log lines, {@code LogText}; the
     * command line's standard error, the CLI's {@code VisibleText}): {@code \\xNN} up to U+00FF, else a backslash,
     * {@code u} and four hex digits. For the characters of {@link #breaksALine} (and any other a caller names).
     */
    public static StringBuilder appendVisible(StringBuilder out, char c) {
        return out.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
    }

    /**
     * {@code s} unfolded and on one line, by the rule of {@link #breaksALine}: CR and LF removed (RFC 5322 §2.2.3
     * unfolding), every other such character a space, an unpaired surrogate {@link #REPLACEMENT}; other text
     * (RFC 6532 UTF-8) kept. {@code s} itself when there is nothing to change.
     */
    public static String oneLine(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lone = Character.isSurrogate(c) && !pairedSurrogate(s, i);
            boolean change = lone || breaksALine(c);
            if (change && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (c == '\r' || c == '\n') {
                    continue;
                }
                out.append(lone ? REPLACEMENT : change ? ' ' : c);
            }
        }
        return out == null ? s : out.toString();
    }
}
