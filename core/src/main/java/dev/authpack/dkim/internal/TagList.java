package dev.authpack.dkim.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A parsed tag-list (RFC 6376 §3.2), the syntax of DKIM-Signature fields and key records:
 * {@code tag-spec *( ";" tag-spec ) [ ";" ]}, {@code tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]}.
 *
 * <p>Strict: a tag name must be {@code ALPHA *(ALPHA / DIGIT / "_")}, every tag needs {@code =}, values may hold
 * only VALCHAR ({@code %x21-3A / %x3C-7E}) and whitespace between them, and a tag may appear once (§3.2:
 * "Tags that are duplicated MUST be treated as an error"). One leniency, as most verifiers have: empty tag-specs
 * ({@code ";;"}) are skipped. Tag names are case-sensitive; unknown tags are kept and ignored by the callers.
 *
 * <p>Whitespace is SP, HTAB, CR and LF (folding of a header field, or spaces in a TXT record).
 *
 * <p>The list is parsed from octets (a header field's own bytes, or text one octet per char) and keeps only where
 * each tag's name and value are; a value becomes a {@code String} only when asked for, and base64 values
 * ({@link #base64}) are decoded straight from the octets. Offsets ({@link Tag#afterEquals()}, {@link Tag#end()})
 * count from the start of the parsed range.
 */
public final class TagList {
    /** Bounds the work on hostile input; real lists have about 12 tags. */
    public static final int MAX_TAGS = 64;
    /** Where, per tag in {@link #at}: name start and end, value start and end, after the '=', end of the tag-spec. */
    private static final int NAME = 0;
    private static final int NAME_END = 1;
    private static final int VALUE = 2;
    private static final int VALUE_END = 3;
    private static final int AFTER_EQUALS = 4;
    private static final int END = 5;
    private static final int SLOTS = 6;
    /** Stands for a char above 0xFF of a parsed String: invalid wherever it is, as that char. */
    private static final byte WIDE_CHAR = (byte) 0xFF;

    /**
     * One tag; equal to another with the same name, value and offsets.
     */
    public static final class Tag {
        private final TagList list;
        private final int index;

        private Tag(TagList list, int index) {
            this.list = list;
            this.index = index;
        }

        /** The tag name. */
        public String name() {
            return list.name(index);
        }

        /** The value without the whitespace around it (inner folding kept). */
        public String value() {
            return list.value(index);
        }

        /** The offset just after the {@code =}. */
        public int afterEquals() {
            return list.at[index * SLOTS + AFTER_EQUALS] - list.base;
        }

        /** The offset of the {@code ;} that ends the tag-spec, or the length of the parsed range. */
        public int end() {
            return list.at[index * SLOTS + END] - list.base;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tag t && afterEquals() == t.afterEquals() && end() == t.end()
                    && name().equals(t.name()) && value().equals(t.value());
        }

        @Override
        public int hashCode() {
            return Objects.hash(name(), value(), afterEquals(), end());
        }

        @Override
        public String toString() {
            return "Tag[name=" + name() + ", value=" + value() + ", afterEquals=" + afterEquals() + ", end=" + end()
                    + "]";
        }
    }

    private final byte[] text;
    private final int base;
    /** The parsed String, for error messages (one char per octet), or null when parsed from octets. */
    private final String source;
    private final int[] at;
    private final int count;
    /** Values made into strings so far (racy but idempotent, like {@code String.hash}). */
    private final String[] values;
    private List<Tag> list;

    private TagList(byte[] text, int base, String source, int[] at, int count) {
        this.text = text;
        this.base = base;
        this.source = source;
        this.at = at;
        this.count = count;
        this.values = new String[count];
    }

    public static TagList parse(String text) throws TagSyntaxException {
        return parse(octets(text), 0, text.length(), false, text);
    }

    /**
     * Parses without the leniency for empty tag-specs: {@code ";;"} (or a {@code ;} before any tag) is a syntax
     * error, as the grammar says; only the optional {@code ;} at the end is allowed. ARC (RFC 8617) verifiers are
     * expected to be this strict.
     */
    public static TagList parseStrict(String text) throws TagSyntaxException {
        return parse(octets(text), 0, text.length(), true, text);
    }

    /**
     * Parses the octets {@code text[from, to)} (a field value: the same as {@link #parse(String)} of them as
     * ISO-8859-1). The list keeps the array: the caller must not change it afterwards.
     */
    public static TagList parse(byte[] text, int from, int to) throws TagSyntaxException {
        return parse(text, from, to, false, null);
    }

    /** {@link #parseStrict(String)} of the octets {@code text[from, to)}; the list keeps the array. */
    public static TagList parseStrict(byte[] text, int from, int to) throws TagSyntaxException {
        return parse(text, from, to, true, null);
    }

    /** One octet per char; a char above 0xFF (never valid in a tag-list) becomes an octet that is not valid either. */
    private static byte[] octets(String text) {
        byte[] out = new byte[text.length()];
        for (int i = 0; i < out.length; i++) {
            char c = text.charAt(i);
            out[i] = c <= 0xFF ? (byte) c : WIDE_CHAR;
        }
        return out;
    }

    private static TagList parse(byte[] text, int from, int to, boolean strict, String source)
            throws TagSyntaxException {
        Objects.checkFromToIndex(from, to, text.length);
        int[] at = new int[16 * SLOTS];
        int count = 0;
        int i = from;
        while (i < to) {
            i = skipSpace(text, i, to);
            if (i >= to) {
                break;
            }
            int c = text[i] & 0xff;
            if (c == ';') {
                if (strict) {
                    throw new TagSyntaxException("empty tag-spec (';' without a tag before it, offset " + (i - from)
                            + ")");
                }
                i++;
                continue;
            }
            if (!isAlpha(c)) {
                throw new TagSyntaxException("unexpected character " + describe(text, i, source) + " where a tag name"
                        + " should start (offset " + (i - from) + ")");
            }
            int nameStart = i;
            while (i < to && isNameChar(text[i] & 0xff)) {
                i++;
            }
            int nameEnd = i;
            i = skipSpace(text, i, to);
            if (i >= to || text[i] != '=') {
                throw new TagSyntaxException("tag " + ascii(text, nameStart, nameEnd) + " has no '='");
            }
            i++;
            int afterEquals = i;
            int end = i;
            while (end < to && text[end] != ';') {
                end++;
            }
            int valueStart = skipSpace(text, i, to);
            int valueEnd = end;
            while (valueEnd > valueStart && isSpace(text[valueEnd - 1])) {
                valueEnd--;
            }
            for (int k = valueStart; k < valueEnd; k++) {
                int v = text[k] & 0xff;
                if ((v < 0x21 || v > 0x7e) && !isSpace(text[k])) {
                    throw new TagSyntaxException("invalid character " + describe(text, k, source)
                            + " in the value of tag " + ascii(text, nameStart, nameEnd));
                }
            }
            for (int t = 0; t < count; t++) {
                if (sameOctets(text, at[t * SLOTS + NAME], at[t * SLOTS + NAME_END], nameStart, nameEnd)) {
                    throw new TagSyntaxException("duplicate tag " + ascii(text, nameStart, nameEnd));
                }
            }
            if (count >= MAX_TAGS) {
                throw new TagSyntaxException("more than " + MAX_TAGS + " tags");
            }
            if ((count + 1) * SLOTS > at.length) {
                at = Arrays.copyOf(at, at.length * 2);
            }
            int s = count * SLOTS;
            at[s + NAME] = nameStart;
            at[s + NAME_END] = nameEnd;
            at[s + VALUE] = valueStart;
            at[s + VALUE_END] = valueEnd;
            at[s + AFTER_EQUALS] = afterEquals;
            at[s + END] = end;
            count++;
            i = end + 1;
        }
        return new TagList(text, from, source, at, count);
    }

    public List<Tag> tags() {
        List<Tag> l = list;
        if (l == null) {
            List<Tag> all = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                all.add(new Tag(this, i));
            }
            l = Collections.unmodifiableList(all);
            list = l;
        }
        return l;
    }

    /** The tag with this exact name, or null. */
    public Tag tag(String name) {
        int i = indexOf(name);
        return i < 0 ? null : new Tag(this, i);
    }

    /** The value of the tag with this exact name, or null. */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : value(i);
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** The value of the tag with this exact name with every whitespace character removed, or null. */
    public String compact(String name) {
        return compact(name, Integer.MAX_VALUE);
    }

    /** {@link #compact(String)}, cut after {@code maxLength} characters. */
    public String compact(String name, int maxLength) {
        int i = indexOf(name);
        if (i < 0) {
            return null;
        }
        int from = at[i * SLOTS + VALUE];
        int to = at[i * SLOTS + VALUE_END];
        byte[] out = new byte[Math.min(to - from, maxLength)];
        int n = 0;
        for (int k = from; k < to && n < out.length; k++) {
            if (!isSpace(text[k])) {
                out[n++] = text[k];
            }
        }
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * The value of the tag with this exact name decoded as base64, whitespace skipped ({@link FoldedBase64}): empty
     * when the value is, null when it is not valid base64.
     *
     * @throws IllegalArgumentException if there is no such tag
     */
    public byte[] base64(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no tag " + name);
        }
        return FoldedBase64.decode(text, at[i * SLOTS + VALUE], at[i * SLOTS + VALUE_END]);
    }

    private int indexOf(String name) {
        int length = name.length();
        for (int i = 0; i < count; i++) {
            int start = at[i * SLOTS + NAME];
            if (at[i * SLOTS + NAME_END] - start == length && equalsAscii(start, name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean equalsAscii(int start, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (text[start + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private String name(int i) {
        return ascii(text, at[i * SLOTS + NAME], at[i * SLOTS + NAME_END]);
    }

    private String value(int i) {
        String v = values[i];
        if (v == null) {
            int from = at[i * SLOTS + VALUE];
            int to = at[i * SLOTS + VALUE_END];
            v = source != null ? source.substring(from, to) : ascii(text, from, to);
            values[i] = v;
        }
        return v;
    }

    /** The value with every whitespace character removed (for base64 values and h= lists). */
    public static String withoutSpace(String value) {
        int n = value.length();
        int k = 0;
        while (k < n && !isSpace(value.charAt(k))) {
            k++;
        }
        if (k == n) {
            return value;
        }
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (!isSpace(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static int skipSpace(byte[] text, int i, int to) {
        while (i < to && isSpace(text[i])) {
            i++;
        }
        return i;
    }

    private static boolean sameOctets(byte[] text, int from1, int to1, int from2, int to2) {
        return Arrays.equals(text, from1, to1, text, from2, to2);
    }

    private static String ascii(byte[] text, int from, int to) {
        return new String(text, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static boolean isAlpha(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isNameChar(int c) {
        return isAlpha(c) || c >= '0' && c <= '9' || c == '_';
    }

    private static String describe(byte[] text, int i, String source) {
        int c = source != null ? source.charAt(i) : text[i] & 0xff;
        return c >= 0x21 && c <= 0x7e ? "'" + (char) c + "'" : String.format("0x%02x", c);
    }
}
