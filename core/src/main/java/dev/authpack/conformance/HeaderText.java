package dev.authpack.conformance;

import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.util.MimeUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a header field value as 7-bit text: RFC 2047 encoded-words where the decoded text is not ASCII, in the
 * places RFC 2047 §5 allows them (unstructured text, display names, and, as mail clients expect, quoted parameter
 * values), folded at white space to {@link LineScan#MAX_LINE_LENGTH} (RFC 5322 §2.2.3).
 */
final class HeaderText {
    /** Fields whose value is an address list (RFC 5322 §3.6.2, §3.6.3, §3.6.6). */
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
            "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "disposition-notification-to");
    /** Most address-list items (or parameters) split out of one value. */
    static final int MAX_ITEMS = 1000;

    private HeaderText() {
    }

    /** The value (decoded text, unfolded) written for field {@code name}, ASCII where the text allows. */
    static String encode(String name, String text) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (isAscii(text)) {
            return text;
        }
        if (ADDRESS_FIELDS.contains(lower)) {
            return addressList(text);
        }
        if (lower.equals("content-type") || lower.equals("content-disposition")) {
            return parameters(text);
        }
        return EncoderUtil.encodeIfNecessary(text, EncoderUtil.Usage.TEXT_TOKEN, name.length() + 2);
    }

    /** {@code name: value} folded so that no line exceeds the limit where there is white space to fold at. */
    static String fold(String name, String value) {
        String line = name + ": " + value;
        if (line.length() <= LineScan.MAX_LINE_LENGTH && line.indexOf('\n') < 0) {
            return line;
        }
        return name + ": " + MimeUtil.fold(value, name.length() + 2);
    }

    /**
     * Encodes the display names of an address list; addr-specs stay as they are. The display name is what comes
     * before the item's angle address: its first {@code <} outside quoted strings and comments (RFC 5322 §3.4), as
     * DMARC reads it; a {@code <} after it (in a trailing comment) is not the address (review s23: the last one was
     * taken, and {@code "Zoë" <attacker@evil.example> (<ceo@victim.example>)} was written showing the second).
     */
    private static String addressList(String text) {
        List<String> out = new ArrayList<>();
        for (String item : split(text, ',')) {
            int lt = angleAddrStart(item);
            if (lt < 0 || isAscii(item.substring(0, lt))) {
                out.add(item.strip());
                continue;
            }
            String phrase = unquote(item.substring(0, lt).strip());
            out.add(EncoderUtil.encodeAddressDisplayName(phrase) + " " + item.substring(lt).strip());
        }
        return String.join(", ", out);
    }

    /** Encodes non-ASCII parameter values of a Content-Type or Content-Disposition as quoted encoded-words. */
    private static String parameters(String text) {
        List<String> out = new ArrayList<>();
        for (String item : split(text, ';')) {
            int eq = item.indexOf('=');
            if (eq < 0 || isAscii(item)) {
                out.add(item.strip());
                continue;
            }
            String value = unquote(item.substring(eq + 1).strip());
            out.add(item.substring(0, eq).strip() + "=\""
                    + EncoderUtil.encodeEncodedWord(value, EncoderUtil.Usage.WORD_ENTITY) + "\"");
        }
        return String.join("; ", out);
    }

    /** The index of the first {@code <} outside quoted strings and comments, or -1. */
    static int angleAddrStart(String item) {
        return topLevelIndexOf(item, '<', 0, false);
    }

    /** Splits at {@code sep} outside quoted strings, comments and angle brackets (at most {@link #MAX_ITEMS} times). */
    static List<String> split(String text, char sep) {
        List<String> items = new ArrayList<>();
        int start = 0;
        for (int at; items.size() < MAX_ITEMS && (at = topLevelIndexOf(text, sep, start, true)) >= 0; start = at + 1) {
            items.add(text.substring(start, at)); // a separator found is outside all: the scan goes on from there
        }
        items.add(text.substring(start));
        return items;
    }

    /**
     * The index of the first {@code c} at or after {@code from} outside quoted strings and (nested) comments, and
     * outside angle brackets when {@code skipAngles}; -1 when there is none. {@code from} must be outside them all.
     */
    private static int topLevelIndexOf(String text, char c, int from, boolean skipAngles) {
        boolean quoted = false;
        int comment = 0;
        boolean angle = false;
        for (int i = from; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\\' && (quoted || comment > 0)) {
                i++; // quoted-pair
            } else if (ch == '"' && comment == 0) {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                comment++;
            } else if (!quoted && ch == ')' && comment > 0) {
                comment--;
            } else if (!quoted && comment == 0 && ch == c && !angle) {
                return i;
            } else if (skipAngles && !quoted && comment == 0 && (ch == '<' || ch == '>')) {
                angle = ch == '<';
            }
        }
        return -1;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 1; i < s.length() - 1; i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() - 1) {
                    c = s.charAt(++i);
                }
                out.append(c);
            }
            return out.toString();
        }
        return s;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
