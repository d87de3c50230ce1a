package dev.authpack.report;

import dev.authpack.mail.WrittenText;

import java.util.Collection;
import java.util.Map;

/**
 * One JSON value (RFC 8259) on a single line, from the plain values of {@link ReportFields}: maps (keys as
 * strings), collections, strings, booleans, numbers and {@code null}. Every value in a report comes from the
 * sender, so strings are escaped completely: quote, backslash, every control character (so a CR or LF can never
 * split or forge a log line), U+2028/U+2029 and unpaired surrogates (written as {@code \\uXXXX}), DEL and the C1
 * controls U+0080 to U+009F (NEL, U+0085, ends a line for readers that split at Unicode line ends; U+009B is the
 * 8-bit CSI of terminals; an ISO-8859-1 report gives them from octets 0x80 to 0x9F), and the bidi controls
 * ({@link WrittenText#isBidiControl}: they reorder what a log viewer shows): the characters of
 * {@link WrittenText#breaksALine}, the rule of our header fields, escaped here rather than replaced.
 * Strings longer than {@link #MAX_STRING_CHARS} are cut (with "..." appended).
 */
public final class JsonLine {
    /** Longest string written (a diagnostic text is at most 1,000 characters; subjects may be longer). */
    public static final int MAX_STRING_CHARS = 2000;

    private JsonLine() {
    }

    public static String of(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value);
        return out.toString();
    }

    /**
     * The UTF-8 octets of {@code line} (RFC 3629), counted without encoding it: 1 below U+0080, 2 below U+0800, 4 for
     * a surrogate pair, else 3 (a line of {@link #of} has no unpaired surrogate; one would be 3 here).
     */
    public static long utf8Octets(CharSequence line) {
        long octets = line.length();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                // every UTF-16 unit past ASCII is one or two more octets; a pair's two units are 4 octets in all
                octets += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return octets;
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item);
            }
            out.append(']');
        } else {
            string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        boolean cut = s.length() > MAX_STRING_CHARS;
        String v = cut ? s.substring(0, MAX_STRING_CHARS) : s;
        out.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // the rule of our header values (WrittenText), escaped rather than replaced: nothing is lost
                    if (WrittenText.breaksALine(c) || Character.isSurrogate(c) && !WrittenText.pairedSurrogate(v, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (cut) {
            out.append("...");
        }
        out.append('"');
    }
}
