package dev.authpack.mail;

import dev.authpack.dns.DomainNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every domain a mail client could show as the domain of an address in a From value that RFC 5322 cannot read,
 * or reads differently from clients (docs/dmarc.md "Fail-closed rules"): the name after every {@code @} (also the
 * full-width and small commercial at), wherever it stands (quoted, in a comment, after an angle address), in these
 * renderings of the value: as written; without control and invisible format characters (a NUL, U+200B), which
 * clients drop or stop at; with RFC 2047 encoded-words decoded (two ways, {@link #decodeEncodedWords(String,
 * boolean)}); that in Unicode NFKC, which shows look-alike dots and letters ({@code victim․example}) as the ASCII
 * they stand for; and that with quoted-pairs as their characters and without DQUOTEs ({@link #withoutQuoting}). A name runs over letters, digits, hyphens,
 * underscores and dots (also the ideographic full stops IDNA maps to a dot), after an opening quote or bracket too,
 * and is kept when it is a valid domain name after {@link DomainNames#canonical}, read as a reader sees it: without
 * empty labels ({@code victim..example}), with an {@code xn--} label that has no encoded part as its ASCII, and
 * else as its longest valid parent; address literals are no domain. Linear in the value's length.
 */
public final class DisplayedDomains {
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

    /** {@code example.victim} for {@code victim.example}: how a name shows in a right-to-left override run. */
    public static String reversedLabels(String domain) {
        List<String> labels = new ArrayList<>(Arrays.asList(domain.split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels);
    }

    /**
     * What {@link #collect} reads of a value: the names, and for each name that was read only by reversing the
     * labels of another ({@link #reversedLabels}), that other name; and the names never shown with a local part
     * before their {@code @} (only at the start, after white space or one of {@code (<[,;:}: a handle such as
     * {@code (@jane.doe)}).
     */
    public record Reading(List<String> names, Map<String, String> reversedFrom, Set<String> withoutLocalPart) {
    }

    /** The names read so far, with what {@link Reading} tells of them. */
    private static final class Names {
        final Set<String> found = new LinkedHashSet<>();
        final Set<String> addressed = new HashSet<>();
        final Map<String, String> reversedFrom = new HashMap<>();
    }

    /** {@link #collect}'s names of {@code value}, at most {@code limit}, with the reversed readings apart. */
    public static Reading read(String value, int limit) {
        Names names = new Names();
        read(value, names, limit);
        Set<String> withoutLocalPart = new HashSet<>(names.found);
        withoutLocalPart.removeAll(names.addressed);
        return new Reading(List.copyOf(names.found), Map.copyOf(names.reversedFrom), Set.copyOf(withoutLocalPart));
    }

    /**
     * The candidate domains of {@code value}, normalised, in order of appearance, added to {@code into}; at most
     * {@code limit} distinct ones.
     */
    public static void collect(String value, Collection<String> into, int limit) {
        Names names = new Names();
        read(value, names, limit);
        into.addAll(names.found);
    }

    private static void read(String value, Names names, int limit) {
        scan(value, names, limit);
        String visible = withoutInvisible(value);
        scan(visible, names, limit);
        // clients differ on white space inside an encoded-word's text (mime4j decodes it, others do not): both
        String decoded = decodeEncodedWords(visible, false);
        scanDecoded(decoded, names, limit);
        String lenient = decodeEncodedWords(visible, true);
        if (!lenient.equals(decoded)) {
            scanDecoded(lenient, names, limit);
        }
        boolean bidi = false;
        for (String decodedRaw : new LinkedHashSet<>(List.of(decodeEncodedWords(value, false),
                decodeEncodedWords(value, true)))) {     // both readings, each once
            if (decodedRaw.codePoints().anyMatch(WrittenText::isBidiControl)) {
                // Unicode bidi: a right-to-left override shows its run reversed ("elpmaxe.mitciv" as
                // victim.example), embeddings and marks reorder the labels of a name
                String shown = withoutInvisible(reverseOverrides(decodedRaw));
                scan(withLookAlikeDots(Normalizer.normalize(shown, Normalizer.Form.NFKC)), names, limit);
                bidi = true;
            }
        }
        if (bidi) {
            for (String d : List.copyOf(names.found)) {
                String reversed = reversedLabels(d);
                if (names.found.size() < limit && names.found.add(reversed)) {
                    names.reversedFrom.put(reversed, d);
                    names.addressed.add(reversed);
                }
            }
        }
    }

    /** Scans an encoded-word decoding of a value, also in NFKC, joined around dots, and without its quoting. */
    private static void scanDecoded(String decoded, Names names, int limit) {
        scan(decoded, names, limit);
        String folded = withLookAlikeDots(Normalizer.normalize(decoded, Normalizer.Form.NFKC));
        scan(folded, names, limit);
        scan(joinedAroundDots(folded), names, limit);
        String plain = withoutQuoting(folded);
        if (!plain.equals(folded)) {
            scan(plain, names, limit);
            scan(joinedAroundDots(plain), names, limit);
        }
    }

    /**
     * The value with each quoted-pair written as the character it escapes ({@code bank\.example} shows
     * {@code bank.example}, RFC 5322 §3.2.1) and without its DQUOTEs ({@code ceo@"victim".example} shows
     * {@code ceo@victim.example}, review s23 B). Linear.
     */
    static String withoutQuoting(String value) {
        if (value.indexOf('"') < 0 && value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                out.append(value.charAt(++i));
            } else if (c != '"') {
                out.append(c);
            }
        }
        return out.toString();
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

    private static void scan(String s, Names names, int limit) {
        Set<String> tried = new HashSet<>();     // a name repeated many times is normalised once
        int n = s.length();
        for (int i = 0; i < n && names.found.size() < limit; i++) {
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
                boolean localPart = i > 0 && hasLocalPartEnd(s.charAt(i - 1));
                if (tried.add(localPart ? name : "@" + name)) {
                    String added = add(name, names.found);
                    if (added != null && localPart) {
                        names.addressed.add(added);
                    }
                }
            }
            i = Math.max(i, end - 1);
        }
    }

    /** Whether {@code c} before an {@code @} can end a local part: anything but white space and {@code (<[,;:}. */
    private static boolean hasLocalPartEnd(char c) {
        return !isSpace(c) && "(<[,;:".indexOf(c) < 0;
    }

    private static boolean isDomainChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61'
                || (c >= 0x80 && Character.isLetterOrDigit(c));
    }

    /** Adds the name {@code written} shows, if any, to {@code found}; returns it, or null. */
    private static String add(String written, Set<String> found) {
        // IDNA (RFC 3490 §3.1) reads the ideographic full stops as dots: "victim.example\u3002" is the fully
        // qualified victim.example, trimmed below like "victim.example." (review s22)
        String name = withAsciiDots(written);
        int from = 0;
        int to = name.length();
        while (to > from && name.charAt(to - 1) == '.') {
            to--;                               // the hyphens after the xn-- repair below (victim.xn--example-)
        }
        if (to - from > MAX_NAME_CHARS) {
            // longer than any name the DNS holds: what a client shows at its end is a name of that length at most
            int cut = name.indexOf('.', to - MAX_NAME_CHARS);
            if (cut < 0 || cut >= to) {
                return null;
            }
            from = cut + 1;
        }
        while (from < to && (name.charAt(from) == '.' || name.charAt(from) == '-')) {
            from++;
        }
        if (from == to) {
            return null;
        }
        // an empty label (victim..example) is no name, but a reader sees the name without it (review s23)
        String d = withoutEmptyLabels(trimmedAtEnd(withBasicPunycode(name.substring(from, to))));
        if (d.isEmpty()) {
            return null;
        }
        if (d.substring(d.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit)) {
            return null;                        // an IPv4 address (no top-level domain is all digits)
        }
        // a name the DNS cannot hold (a label over 63 octets, over 253 in all) still ends with the names of its
        // parents, which a reader sees: the longest valid one counts (keeping at least two labels)
        d = withinDnsLengths(d);
        for (int tries = 0; tries < MAX_SUFFIX_TRIES; tries++) {
            try {
                String canonical = DomainNames.canonical(d);
                found.add(canonical);
                return canonical;
            } catch (IllegalArgumentException e) {
                int dot = d.indexOf('.');
                if (dot < 0 || d.indexOf('.', dot + 1) < 0) {
                    return null;                     // not a domain name a client could deliver to either
                }
                d = d.substring(dot + 1);
            }
        }
        return null;
    }

    /** {@code name} without the dots and hyphens at its end. */
    private static String trimmedAtEnd(String name) {
        int to = name.length();
        while (to > 0 && (name.charAt(to - 1) == '.' || name.charAt(to - 1) == '-')) {
            to--;
        }
        return name.substring(0, to);
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
     * The value with every RFC 2047 encoded-word ({@code =?charset?Q|B?text?=}) decoded as the strictest clients
     * display them ({@link #decodeEncodedWords(String, boolean)}, no white space inside a word).
     */
    public static String decodeEncodedWords(String value) {
        return decodeEncodedWords(value, false);
    }

    /**
     * The value with every RFC 2047 encoded-word decoded, as clients display them wherever they stand; a word that
     * does not decode stays as written. As clients do: every word, however many (review s23 B: a count bound left
     * the 101st as written), of any length (not only RFC 2047 §2's 75 characters: mime4j, Thunderbird and Gmail
     * decode longer ones); white space between two adjacent words is not shown (§6.2), and the octets of adjacent
     * words of one charset are decoded together (a character split over two words, which §5 forbids, is shown
     * whole). With {@code spaceInWords} a word's text may hold white space (mime4j), else not. Linear: each word's
     * text is decoded once and the texts do not overlap, so all the octets decoded are fewer than the value's
     * characters; the searches for a word's end resume where the last one stopped.
     */
    public static String decodeEncodedWords(String value, boolean spaceInWords) {
        int n = value.length();
        StringBuilder out = new StringBuilder(n);
        Ahead close = new Ahead(value, (s, from) -> s.indexOf("?=", from));
        Ahead space = spaceInWords ? null : new Ahead(value, DisplayedDomains::indexOfSpace);
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        String pendingCharset = null;          // the charset of the octets in pending, null when none
        int copied = 0;                        // value[0, copied) is in out, or its octets in pending
        int i = 0;
        while (i < n) {
            int start = value.indexOf("=?", i);
            if (start < 0) {
                break;
            }
            int charsetEnd = charsetEnd(value, start + 2);
            int textStart = charsetEnd + 3;
            char encoding = charsetEnd > 0 && textStart <= n && value.charAt(charsetEnd + 2) == '?'
                    ? value.charAt(charsetEnd + 1) : 0;
            int end = encoding == 'B' || encoding == 'b' || encoding == 'Q' || encoding == 'q'
                    ? close.next(textStart) : -1;
            if (end < 0 || space != null && space.next(textStart) >= 0 && space.next(textStart) < end) {
                i = start + 2;
                continue;
            }
            String charset = charsetName(value.substring(start + 2, charsetEnd));
            // RFC 2047 §6.2: linear white space between two encoded-words is not displayed
            boolean adjacent = pendingCharset != null && onlyLinearWhiteSpace(value, copied, start);
            if (!adjacent || !pendingCharset.equalsIgnoreCase(charset)) {
                flush(pending, pendingCharset, out);
                pendingCharset = null;
            }
            if (!adjacent) {
                out.append(value, copied, start);
            }
            String text = value.substring(textStart, end);
            pending.writeBytes(encoding == 'B' || encoding == 'b' ? decodeB(text) : decodeQ(text));
            pendingCharset = charset;
            copied = end + 2;
            i = copied;
        }
        flush(pending, pendingCharset, out);
        out.append(value, copied, n);
        return out.toString();
    }

    /**
     * The end of the charset of an encoded-word whose charset starts at {@code from}: the next {@code ?}, or -1 at
     * white space, a control or the end. The runs read for two words do not overlap (a word starts with a
     * {@code ?} after its {@code =}).
     */
    private static int charsetEnd(String value, int from) {
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '?') {
                return i > from ? i : -1;
            }
            if (c <= ' ' || c == 0x7f) {
                return -1;
            }
        }
        return -1;
    }

    private static int indexOfSpace(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (isLinearWhiteSpace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isLinearWhiteSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean onlyLinearWhiteSpace(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isLinearWhiteSpace(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first match at or after a position, for positions that only grow: the last answer is kept while it is
     * still ahead, so the searches of one value read each character once.
     */
    private static final class Ahead {
        private final String value;
        private final java.util.function.ToIntBiFunction<String, Integer> search;
        private int searchedFrom = Integer.MAX_VALUE;
        private int found = -1;

        Ahead(String value, java.util.function.ToIntBiFunction<String, Integer> search) {
            this.value = value;
            this.search = search;
        }

        int next(int from) {
            if (from < searchedFrom || (found >= 0 && found < from)) {
                searchedFrom = from;
                found = search.applyAsInt(value, from);
            }
            return found;
        }
    }

    /** The charset name of an encoded-word without its RFC 2231 §5 language suffix. */
    private static String charsetName(String written) {
        int star = written.indexOf('*');
        return star < 0 ? written : written.substring(0, star);
    }

    private static void flush(ByteArrayOutputStream pending, String charsetName, StringBuilder out) {
        if (charsetName != null) {
            out.append(decodeOctets(pending.toByteArray(), charsetName));
        }
        pending.reset();
    }

    private static String decodeOctets(byte[] bytes, String name) {
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
