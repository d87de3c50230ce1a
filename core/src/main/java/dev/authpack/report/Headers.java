package dev.authpack.report;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Header fields (RFC 5322 §2.2 syntax, also used by RFC 3464 §2.1 and RFC 5965 §3 report bodies), case-insensitive
 * lookup, values unfolded and trimmed.
 */
record Headers(List<Field> fields) {
    record Field(String name, String value) {
    }

    Headers {
        fields = List.copyOf(fields);
    }

    /** The first value of {@code name}, or {@code null}. */
    String get(String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return unfold(field.value());
            }
        }
        return null;
    }

    List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                values.add(unfold(field.value()));
            }
        }
        return values;
    }

    boolean has(String name) {
        return get(name) != null;
    }

    /** {@link #get} with RFC 2047 encoded words decoded (best effort). */
    String decoded(String name) {
        return decode(get(name));
    }

    /** RFC 2047 encoded words decoded (best effort); {@code null} stays {@code null}. */
    static String decode(String value) {
        if (value == null) {
            return null;
        }
        try {
            return DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return value;
        }
    }

    private static final java.util.regex.Pattern FOLD = java.util.regex.Pattern.compile("\\r?\\n[ \\t]+");
    private static final java.util.regex.Pattern LINE_END = java.util.regex.Pattern.compile("[\\r\\n]");

    /** RFC 5322 §2.2.3 unfolding (a line end before white space is removed), stray CR/LF dropped, trimmed. */
    static String unfold(String value) {
        if (value == null) {
            return null;
        }
        if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value.strip();
        }
        return LINE_END.matcher(FOLD.matcher(value).replaceAll(" ")).replaceAll("").strip();
    }

    /**
     * Header-style field groups of a report body (RFC 3464 §2.1: groups separated by blank lines), at most
     * {@code maxGroups}; lines that are not fields nor continuations are skipped.
     */
    static List<Headers> groups(String text, int maxGroups) {
        List<Headers> groups = new ArrayList<>();
        List<Field> current = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (l.isBlank()) {
                if (name != null) {
                    current.add(new Field(name, value.toString()));
                    name = null;
                }
                if (!current.isEmpty()) {
                    groups.add(new Headers(current));
                    current = new ArrayList<>();
                    if (groups.size() >= maxGroups) {
                        return groups;
                    }
                }
                continue;
            }
            if ((l.charAt(0) == ' ' || l.charAt(0) == '\t') && name != null) {
                value.append(' ').append(l.strip());
                continue;
            }
            int colon = l.indexOf(':');
            if (name != null) {
                current.add(new Field(name, value.toString()));
                name = null;
            }
            if (colon > 0 && isFieldName(l.substring(0, colon).strip())) {
                name = l.substring(0, colon).strip();
                value = new StringBuilder(l.substring(colon + 1).strip());
            }
        }
        if (name != null) {
            current.add(new Field(name, value.toString()));
        }
        if (!current.isEmpty()) {
            groups.add(new Headers(current));
        }
        return groups;
    }

    /** RFC 5322 §3.6.8 field name: one or more printable US-ASCII characters except the colon. */
    private static boolean isFieldName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '!' || c > '~' || c == ':') {
                return false;
            }
        }
        return true;
    }

    /** The header block of a raw message or {@code text/rfc822-headers} part (up to the first blank line). */
    static Headers headerBlock(String text) {
        List<Headers> groups = groups(leadingBlock(text), 1);
        return groups.isEmpty() ? new Headers(List.of()) : groups.get(0);
    }

    private static String leadingBlock(String text) {
        String t = text.stripLeading();
        int end = t.indexOf("\n\n");
        int endCr = t.indexOf("\n\r\n");
        if (endCr >= 0 && (end < 0 || endCr < end)) {
            end = endCr;
        }
        return end < 0 ? t : t.substring(0, end);
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
