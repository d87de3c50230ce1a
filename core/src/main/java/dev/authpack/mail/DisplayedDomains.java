package dev.authpack.mail;

import dev.authpack.dns.DomainNames;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every domain a mail client could show as the domain of an address in a From value that RFC 5322 cannot read,
 * or reads differently from clients (docs/dmarc.md "Fail-closed rules"): the name after every {@code @} (also the
 * full-width and small commercial at), wherever it stands (quoted, in a comment, after an angle address), in four
 * renderings of the value: as written; without control and invisible format characters (a NUL, U+200B), which
 * clients drop or stop at; with RFC 2047 encoded-words decoded; and that in Unicode NFKC, which shows look-alike
 * dots and letters ({@code victim․example}) as the ASCII they stand for. A name runs over letters, digits, hyphens,
 * underscores and dots (also the ideographic full stops IDNA maps to a dot), after an opening quote or bracket too,
 * and is kept when it is a valid domain name after {@link DomainNames#canonical}, read as a reader sees it: without
 * empty labels ({@code victim..example}), with an {@code xn--} label that has no encoded part as its ASCII, and
 * else as its longest valid parent; address literals are no domain. Linear in the value's length.
 */
public final class DisplayedDomains {
    /** RFC 2047 §2: an encoded-word is at most 75 characters. */
    private static final int MAX_ENCODED_WORD = 75;
    /** The most encoded-words decoded in one value (a display name holds a few). */
    public static final int MAX_ENCODED_WORDS = 100;
    /** The longest name considered (a U-label name can be longer than the 253 octets of its A-labels). */
    static final int MAX_NAME_CHARS = 1024;
    /** RFC 1035 §2.3.4, in the text form without the final dot. */
    private static final int MAX_DNS_NAME = 253;
    private static final int MAX_DNS_LABEL = 63;
    /** How many leading labels are dropped at most looking for a valid parent of an invalid name. */
    static final int MAX_SUFFIX_TRIES = 8;

    private DisplayedDomains() {
    }

    /**
     * Every domain a mail client could show in the From value {@code value} ({@link #collect}), at most {@code limit}
     * distinct ones: what DMARC reads of a From value that is not strictly an address list, and what the DKIM signer
     * reads of every From it signs (docs/DkimSign.md, review s23).
     */
    public static List<String> shown(String value, int limit) {
        List<String> out = new ArrayList<>();
        collect(value, out, limit);
        return out;
    }

    /**
     * Whether {@code value} (its encoded-words decoded) holds a bidi control, with which {@link #shown} also gives
     * each name with its labels reversed ({@link #reversedLabels}).
     */
    public static boolean hasBidiControl(String value) {
        return decodeEncodedWords(value).codePoints().anyMatch(WrittenText::isBidiControl);
    }

    /** {@code example.victim} for {@code victim.example}: how a name shows in a right-to-left override run. */
    public static String reversedLabels(String domain) {
        List<String> labels = new ArrayList<>(Arrays.asList(domain.split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels);
    }

    /**
     * The candidate domains of {@code value}, normalised, in order of appearance, added to {@code into}; at most
     * {@code limit} distinct ones.
     */
    public static void collect(String value, Collection<String> into, int limit) {
        Set<String> found = new LinkedHashSet<>();
        scan(value, found, limit);
        String visible = withoutInvisible(value);
        scan(visible, found, limit);
        String decoded = decodeEncodedWords(visible);
        scan(decoded, found, limit);
        String folded = withLookAlikeDots(Normalizer.normalize(decoded, Normalizer.Form.NFKC));
        scan(folded, found, limit);
        scan(joinedAroundDots(folded), found, limit);
        String decodedRaw = decodeEncodedWords(value);
        if (decodedRaw.codePoints().anyMatch(WrittenText::isBidiControl)) {
            // Unicode bidi: a right-to-left override shows its run reversed ("elpmaxe.mitciv" as victim.example),
            // embeddings and marks reorder the labels of a name
            String shown = withoutInvisible(reverseOverrides(decodedRaw));
            scan(withLookAlikeDots(Normalizer.normalize(shown, Normalizer.Form.NFKC)), found, limit);
            for (String d : List.copyOf(found)) {
                if (found.size() < limit) {
                    add(reversedLabels(d), found);
                }
            }
        }
        into.addAll(found);
    }

    /**
     * Whether a client could drop or stop at code point {@code c}: C0 and C1 controls except folding white space,
     * DEL, invisible format characters (Unicode category Cf: zero-width space, soft hyphen, bidi controls, tags),
     * and the other Default_Ignorable_Code_Points (Unicode §5.21: Hangul fillers, variation selectors, the combining
     * grapheme joiner, Khmer inherent vowels, Mongolian selectors), which renderers show as nothing.
     */
    static boolean isInvisible(int c) {
        if (c >= 0x20 && c < 0x7f || c == '\t' || c == '\r' || c == '\n') {
            return false; // printable ASCII and folding white space: the common case, no table looked up
        }
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.getType(c) == Character.FORMAT
                || c == 0x034F || c == 0x115F || c == 0x1160 || (c >= 0x17B4 && c <= 0x17B5)
                || (c >= 0x180B && c <= 0x180F) || (c >= 0x2060 && c <= 0x206F) || c == 0x3164
                || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFFA0 || (c >= 0xFFF0 && c <= 0xFFF8)
                || (c >= 0x1BCA0 && c <= 0x1BCA3) || (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0xE0000 && c <= 0xE0FFF);
    }

    /**
     * Whether {@code value} holds an invisible character that makes a strict reading unsafe: any but those IDNA
     * maps to nothing (RFC 3454 table B.1: variation selectors, the combining grapheme joiner, Mongolian free
     * variation selectors), which the strict reading drops from a domain as clients do, and which emoji in display
     * names carry (U+FE0F).
     */
    public static boolean hasInvisible(String value) {
        // a loop, not a code point stream: read for every From field of every mail (docs/benchmarks.md, session 11)
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (isInvisible(c) && !isMappedToNothing(c)) {
                return true;
            }
            i += Character.charCount(c);
        }
        return false;
    }

    private static boolean isMappedToNothing(int c) {
        return c == 0x034F || (c >= 0x180B && c <= 0x180D) || (c >= 0xFE00 && c <= 0xFE0F);
    }

    /**
     * Characters Unicode's confusables list maps to FULL STOP that NFKC leaves alone (Arabic-Indic zeros, Syriac
     * and Vai full stops, Lisu tone letter, Kharoshthi punctuation, the musical augmentation dot).
     */
    static boolean isLookAlikeDot(int c) {
        return c == 0x0660 || c == 0x06F0 || c == 0x0701 || c == 0x0702 || c == 0xA4F8 || c == 0xA60E
                || c == 0x10A50 || c == 0x1D16D;
    }

    public static boolean hasLookAlikeDot(String value) {
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (isLookAlikeDot(c)) {
                return true;
            }
            i += Character.charCount(c);
        }
        return false;
    }

    private static String withLookAlikeDots(String value) {
        if (!hasLookAlikeDot(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> out.appendCodePoint(isLookAlikeDot(c) ? '.' : c));
        return out.toString();
    }

    private static String withoutInvisible(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().filter(c -> !isInvisible(c)).forEach(out::appendCodePoint);
        return out.toString();
    }

    /**
     * The value as displayed where a RIGHT-TO-LEFT OVERRIDE (U+202E) forces its run, up to the next POP
     * DIRECTIONAL FORMATTING or POP DIRECTIONAL ISOLATE (or the end), to show in reverse order.
     */
    static String reverseOverrides(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        int n = value.length();
        while (i < n) {
            int rlo = value.indexOf('\u202E', i);
            if (rlo < 0) {
                out.append(value, i, n);
                break;
            }
            out.append(value, i, rlo);
            int end = rlo + 1;
            while (end < n && value.charAt(end) != '\u202C' && value.charAt(end) != '\u2069') {
                end++;
            }
            out.append(new StringBuilder(value.substring(rlo + 1, end)).reverse());
            i = end;
        }
        return out.toString();
    }

    private static void scan(String s, Set<String> found, int limit) {
        Set<String> tried = new HashSet<>();     // a name repeated many times is normalised once
        int n = s.length();
        for (int i = 0; i < n && found.size() < limit; i++) {
            if (!AuthorDomains.isAtSign(s.charAt(i))) {
                continue;
            }
            int start = i + 1;
            while (start < n && (s.charAt(start) == ' ' || s.charAt(start) == '\t' || s.charAt(start) == '\r'
                    || s.charAt(start) == '\n')) {
                start++;
            }
            if (start < n && s.charAt(start) == '"') {
                start++;                        // a quoted domain (ceo@"victim.example") shows the name inside
            }
            boolean literal = start < n && s.charAt(start) == '[';
            if (literal) {
                start++;                        // a domain literal holding a name shows that name
                while (start < n && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
                    start++;
                }
            }
            int end = start;
            while (end < n && isDomainChar(s.charAt(end))) {
                end++;
            }
            if (!(literal && end < n && s.charAt(end) == ':')) {      // [IPv6:...] is an address
                String name = s.substring(start, end);
                if (tried.add(name)) {
                    add(name, found);
                }
            }
            i = Math.max(i, end - 1);
        }
    }

    private static boolean isDomainChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61'
                || (c >= 0x80 && Character.isLetterOrDigit(c));
    }

    private static void add(String written, Set<String> found) {
        // IDNA (RFC 3490 §3.1) reads the ideographic full stops as dots: "victim.example\u3002" is the fully
        // qualified victim.example, trimmed below like "victim.example." (review s22)
        String name = withAsciiDots(written);
        int from = 0;
        int to = name.length();
        while (to > from && (name.charAt(to - 1) == '.' || name.charAt(to - 1) == '-')) {
            to--;
        }
        if (to - from > MAX_NAME_CHARS) {
            // longer than any name the DNS holds: what a client shows at its end is a name of that length at most
            int cut = name.indexOf('.', to - MAX_NAME_CHARS);
            if (cut < 0 || cut >= to) {
                return;
            }
            from = cut + 1;
        }
        while (from < to && (name.charAt(from) == '.' || name.charAt(from) == '-')) {
            from++;
        }
        if (from == to) {
            return;
        }
        // an empty label (victim..example) is no name, but a reader sees the name without it (review s23)
        String d = withoutEmptyLabels(withBasicPunycode(name.substring(from, to)));
        if (d.substring(d.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit)) {
            return;                             // an IPv4 address (no top-level domain is all digits)
        }
        // a name the DNS cannot hold (a label over 63 octets, over 253 in all) still ends with the names of its
        // parents, which a reader sees: the longest valid one counts (keeping at least two labels)
        d = withinDnsLengths(d);
        for (int tries = 0; tries < MAX_SUFFIX_TRIES; tries++) {
            try {
                found.add(DomainNames.canonical(d));
                return;
            } catch (IllegalArgumentException e) {
                int dot = d.indexOf('.');
                if (dot < 0 || d.indexOf('.', dot + 1) < 0) {
                    return;                     // not a domain name a client could deliver to either
                }
                d = d.substring(dot + 1);
            }
        }
    }

    /** {@code name} with each run of dots written as one dot. Linear. */
    static String withoutEmptyLabels(String name) {
        if (!name.contains("..")) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '.' || out.length() == 0 || out.charAt(out.length() - 1) != '.') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@code name} with each {@code xn--} label whose Punycode has no encoded part ({@code xn--victim-}: RFC 3492
     * §3.1, the basic code points then the delimiter) written as the ASCII a decoder gives for it ({@code victim}):
     * no valid A-label (it decodes to ASCII alone, and ends with a hyphen), so no DNS name either, but a lenient
     * client shows it as that ASCII.
     */
    static String withBasicPunycode(String name) {
        if (name.indexOf('-') < 0) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length());
        int start = 0;
        while (start <= name.length()) {
            int end = name.indexOf('.', start);
            if (end < 0) {
                end = name.length();
            }
            String label = name.substring(start, end);
            boolean basic = label.length() > 5 && label.regionMatches(true, 0, "xn--", 0, 4)
                    && label.endsWith("-");
            out.append(basic ? label.substring(4, label.length() - 1) : label);
            if (end < name.length()) {
                out.append('.');
            }
            start = end + 1;
        }
        return out.toString();
    }

    /** The longest suffix of an ASCII name, at a label boundary, within RFC 1035's lengths; others unchanged. */
    private static String withinDnsLengths(String d) {
        if (!d.chars().allMatch(c -> c < 0x80)) {
            return d;
        }
        int from = d.length() > MAX_DNS_NAME ? d.indexOf('.', d.length() - MAX_DNS_NAME - 1) + 1 : 0;
        int labelStart = d.length();
        for (int i = d.length() - 1; i >= from - 1; i--) {
            if (i < from || d.charAt(i) == '.') {
                if (labelStart - (i + 1) > MAX_DNS_LABEL) {
                    from = labelStart + 1;      // after the over-long label
                    break;
                }
                labelStart = i;
            }
        }
        return from <= 0 || from >= d.length() ? d : d.substring(from);
    }

    /**
     * The value with white space (also no-break and other Unicode spaces) next to a dot removed: RFC 5322's
     * obsolete syntax allows it there, and a reader joins {@code victim . example} into one name. Linear.
     */
    static String joinedAroundDots(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int n = value.length();
        int i = 0;
        while (i < n) {
            char c = value.charAt(i);
            if (!isSpace(c)) {
                out.append(c);
                i++;
                continue;
            }
            int end = i;
            while (end < n && isSpace(value.charAt(end))) {
                end++;
            }
            boolean afterDot = out.length() > 0 && isDot(out.charAt(out.length() - 1));
            boolean beforeDot = end < n && isDot(value.charAt(end));
            if (!afterDot && !beforeDot) {
                out.append(value, i, end);
            }
            i = end;
        }
        return out.toString();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    /** {@code name} with the dots IDNA maps to '.' (U+3002, U+FF0E, U+FF61) written as '.'. */
    private static String withAsciiDots(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) != '.' && isDot(name.charAt(i))) {
                StringBuilder out = new StringBuilder(name);
                for (int j = i; j < out.length(); j++) {
                    if (isDot(out.charAt(j))) {
                        out.setCharAt(j, '.');
                    }
                }
                return out.toString();
            }
        }
        return name;
    }

    private static boolean isDot(char c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
    }

    /**
     * The value with every RFC 2047 encoded-word ({@code =?charset?Q|B?text?=}) decoded, as clients display
     * them wherever they stand; a word that does not decode stays as written.
     */
    public static String decodeEncodedWords(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        int n = value.length();
        int words = 0;
        while (i < n) {
            int start = words < MAX_ENCODED_WORDS ? value.indexOf("=?", i) : -1;
            if (start < 0) {
                out.append(value, i, n);
                break;
            }
            out.append(value, i, start);
            // an encoded-word is short: look for its parts within that length only (linear in the value)
            String word = value.substring(start, Math.min(n, start + MAX_ENCODED_WORD));
            String decoded = null;
            int end = -1;
            int charsetEnd = word.indexOf('?', 2);
            if (charsetEnd > 0 && charsetEnd + 2 < word.length() && word.charAt(charsetEnd + 2) == '?') {
                end = word.indexOf("?=", charsetEnd + 3);
                if (end > 0) {
                    words++;
                    decoded = decodeWord(word.substring(2, charsetEnd), word.charAt(charsetEnd + 1),
                            word.substring(charsetEnd + 3, end));
                }
            }
            if (decoded == null) {
                out.append("=?");
                i = start + 2;
            } else {
                out.append(decoded);
                i = start + end + 2;
            }
        }
        return out.toString();
    }

    private static String decodeWord(String charsetName, char encoding, String text) {
        String name = charsetName.contains("*") ? charsetName.substring(0, charsetName.indexOf('*'))
                : charsetName;   // RFC 2231 §5 language suffix
        byte[] bytes;
        if (encoding == 'B' || encoding == 'b') {
            bytes = decodeB(text);
        } else if (encoding == 'Q' || encoding == 'q') {
            bytes = decodeQ(text);
        } else {
            return null;
        }
        if (name.equalsIgnoreCase("utf-7") || name.equalsIgnoreCase("unicode-1-1-utf-7")) {
            return decodeUtf7(new String(bytes, StandardCharsets.US_ASCII));   // the JDK has no UTF-7
        }
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalArgumentException e) {
            charset = StandardCharsets.UTF_8;   // clients guess; UTF-8 and ASCII agree on addresses
        }
        return new String(bytes, charset);
    }

    /** RFC 2047 §4.1, read as leniently as clients do: characters outside the alphabet and padding skipped. */
    private static byte[] decodeB(String text) {
        StringBuilder clean = new StringBuilder(text.length() + 2);
        for (int i = 0; i < text.length(); i++) {
            if (isBase64Char(text.charAt(i))) {
                clean.append(text.charAt(i));
            }
        }
        if (clean.length() % 4 == 1) {
            clean.setLength(clean.length() - 1);        // a lone sextet holds no octet
        }
        while (clean.length() % 4 != 0) {
            clean.append('=');
        }
        return Base64.getDecoder().decode(clean.toString());
    }

    /**
     * RFC 2152 UTF-7, which some clients still decode: {@code +} starts modified base64 of UTF-16 up to the
     * first other character ({@code -} is absorbed), {@code +-} is {@code +}.
     */
    static String decodeUtf7(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '+') {
                out.append(c);
                i++;
                continue;
            }
            int end = i + 1;
            while (end < n && isBase64Char(text.charAt(end))) {
                end++;
            }
            if (end == i + 1) {
                out.append('+');
            } else {
                byte[] utf16 = decodeB(text.substring(i + 1, end));
                out.append(new String(utf16, 0, utf16.length & ~1, StandardCharsets.UTF_16BE));
            }
            i = end < n && text.charAt(end) == '-' ? end + 1 : end;
        }
        return out.toString();
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /** RFC 2047 §4.2: {@code _} is a space, {@code =XX} an octet. */
    private static byte[] decodeQ(String text) {
        byte[] out = new byte[text.length()];
        int o = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out[o++] = ' ';
            } else if (c == '=' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                out[o++] = (byte) (Character.digit(text.charAt(i + 1), 16) * 16
                        + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else {
                out[o++] = (byte) c;
            }
        }
        return Arrays.copyOf(out, o);
    }
}
