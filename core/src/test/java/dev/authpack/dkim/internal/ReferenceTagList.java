package dev.authpack.dkim.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The tag-list parser as it was before it read octets (test sources only): the reference the fast {@link TagList}
 * is compared with in {@link TagListPropertyTest}, same names, values, offsets and error messages.
 *
 * <p>A parsed tag-list (RFC 6376 §3.2), the syntax of DKIM-Signature fields and key records:
 * {@code tag-spec *( ";" tag-spec ) [ ";" ]}, {@code tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]}.
 *
 * <p>Strict: a tag name must be {@code ALPHA *(ALPHA / DIGIT / "_")}, every tag needs {@code =}, values may hold
 * only VALCHAR ({@code %x21-3A / %x3C-7E}) and whitespace between them, and a tag may appear once (§3.2:
 * "Tags that are duplicated MUST be treated as an error"). One leniency, as most verifiers have: empty tag-specs
 * ({@code ";;"}) are skipped. Tag names are case-sensitive; unknown tags are kept and ignored by the callers.
 *
 * <p>Whitespace is SP, HTAB, CR and LF (folding of a header field, or spaces in a TXT record).
 */
final class ReferenceTagList {
    /** Bounds the work on hostile input; real lists have about 12 tags. */
    public static final int MAX_TAGS = 64;

    /**
     * One tag. Offsets are char offsets in the parsed text.
     *
     * @param name       the tag name
     * @param value      the value without the whitespace around it (inner folding kept)
     * @param afterEquals the offset just after the {@code =}
     * @param end        the offset of the {@code ;} that ends the tag-spec, or the text length
     */
    public record Tag(String name, String value, int afterEquals, int end) {
    }

    private final List<Tag> tags;

    private ReferenceTagList(List<Tag> tags) {
        this.tags = tags;
    }

    static ReferenceTagList parse(String text) throws TagSyntaxException {
        return parse(text, false);
    }

    /**
     * Parses without the leniency for empty tag-specs: {@code ";;"} (or a {@code ;} before any tag) is a syntax
     * error, as the grammar says; only the optional {@code ;} at the end is allowed. ARC (RFC 8617) verifiers are
     * expected to be this strict.
     */
    static ReferenceTagList parseStrict(String text) throws TagSyntaxException {
        return parse(text, true);
    }

    private static ReferenceTagList parse(String text, boolean strict) throws TagSyntaxException {
        List<Tag> tags = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            i = skipSpace(text, i);
            if (i >= n) {
                break;
            }
            char c = text.charAt(i);
            if (c == ';') {
                if (strict) {
                    throw new TagSyntaxException("empty tag-spec (';' without a tag before it, offset " + i + ")");
                }
                i++;
                continue;
            }
            if (!isAlpha(c)) {
                throw new TagSyntaxException("unexpected character " + describe(c) + " where a tag name should"
                        + " start (offset " + i + ")");
            }
            int nameStart = i;
            while (i < n && isNameChar(text.charAt(i))) {
                i++;
            }
            String name = text.substring(nameStart, i);
            i = skipSpace(text, i);
            if (i >= n || text.charAt(i) != '=') {
                throw new TagSyntaxException("tag " + name + " has no '='");
            }
            i++;
            int afterEquals = i;
            int semicolon = text.indexOf(';', i);
            int end = semicolon < 0 ? n : semicolon;
            int valueStart = skipSpace(text, i);
            int valueEnd = end;
            while (valueEnd > valueStart && isSpace(text.charAt(valueEnd - 1))) {
                valueEnd--;
            }
            for (int k = valueStart; k < valueEnd; k++) {
                char v = text.charAt(k);
                if (!isSpace(v) && (v < 0x21 || v > 0x7e)) {
                    throw new TagSyntaxException("invalid character " + describe(v) + " in the value of tag "
                            + name);
                }
            }
            for (Tag t : tags) {
                if (t.name().equals(name)) {
                    throw new TagSyntaxException("duplicate tag " + name);
                }
            }
            if (tags.size() >= MAX_TAGS) {
                throw new TagSyntaxException("more than " + MAX_TAGS + " tags");
            }
            tags.add(new Tag(name, text.substring(valueStart, valueEnd), afterEquals, end));
            i = end + 1;
        }
        return new ReferenceTagList(Collections.unmodifiableList(tags));
    }

    public List<Tag> tags() {
        return tags;
    }

    /** The tag with this exact name, or null. */
    public Tag tag(String name) {
        for (Tag t : tags) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The value of the tag with this exact name, or null. */
    public String get(String name) {
        Tag t = tag(name);
        return t == null ? null : t.value();
    }

    public boolean has(String name) {
        return tag(name) != null;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isNameChar(char c) {
        return isAlpha(c) || c >= '0' && c <= '9' || c == '_';
    }

    private static String describe(char c) {
        return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("0x%02x", (int) c);
    }
}
