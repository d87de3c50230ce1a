package dev.authpack.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed macro string (RFC 7208 §7): literal text and {@code %{...}} expansions. Immutable.
 */
final class MacroString {
    /** Where the string appears; decides which letters and characters are allowed. */
    enum Kind {
        /** A domain-spec of a mechanism, {@code redirect=} or {@code exp=}: letters {@code slodipvh} only. */
        DOMAIN_SPEC("slodipvh", false),
        /** The explanation text fetched for {@code exp=}: all letters, spaces allowed (§7.1 explain-string). */
        EXPLANATION("slodipvhcrt", true),
        /** The value of an unknown modifier: only its syntax matters (it is never expanded). */
        MODIFIER_VALUE("slodipvhcrt", false);

        private final String letters;
        private final boolean spaces;

        Kind(String letters, boolean spaces) {
            this.letters = letters;
            this.spaces = spaces;
        }
    }

    /** Transformer digits above this are treated as "all parts"; RFC 7208 §7.3 requires at least 128. */
    private static final int MAX_PARTS = 512;
    private static final String DELIMITERS = ".-+,/_=";

    private sealed interface Part permits Literal, Expand {
    }

    private record Literal(String text) implements Part {
    }

    /** {@code %{letter digits r delimiters}}; {@code rightParts == 0} keeps all parts. */
    private record Expand(char letter, boolean urlEscape, int rightParts, boolean reverse, String delimiters)
            implements Part {
    }

    private final String source;
    private final List<Part> parts;

    private MacroString(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /** Parses a macro string of the given kind (syntax only). */
    static MacroString parse(String text, Kind kind) throws SpfSyntaxException {
        return parse(text, kind, null);
    }

    /**
     * Parses a {@code domain-spec} (§7.1): a non-empty macro string that ends in a macro expansion or in
     * {@code "." toplabel ["."]}.
     */
    static MacroString parseDomainSpec(String text) throws SpfSyntaxException {
        if (text.isEmpty()) {
            throw new SpfSyntaxException("empty domain-spec");
        }
        int[] tailStart = new int[1];
        MacroString parsed = parse(text, Kind.DOMAIN_SPEC, tailStart);
        String tail = text.substring(tailStart[0]);
        if (!tail.isEmpty()) {
            String t = tail.endsWith(".") ? tail.substring(0, tail.length() - 1) : tail;
            int dot = t.lastIndexOf('.');
            if (dot < 0 || !SpfNames.isToplabel(t.substring(dot + 1))) {
                throw new SpfSyntaxException("domain-spec '" + text + "' does not end in a valid top-level label");
            }
        }
        return parsed;
    }

    /** @param tailStart when not null, receives the index after the last macro-expand (start of trailing literal) */
    private static MacroString parse(String text, Kind kind, int[] tailStart) throws SpfSyntaxException {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int afterLastExpand = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                boolean allowed = (c >= 0x21 && c <= 0x7e) || (c == ' ' && kind.spaces);
                if (!allowed) {
                    throw new SpfSyntaxException(String.format("character U+%04X not allowed in '%s'", (int) c, text));
                }
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new SpfSyntaxException("'%' at the end of '" + text + "'");
            }
            char next = text.charAt(i + 1);
            switch (next) {
                case '%' -> literal.append('%');
                case '_' -> literal.append(' ');
                case '-' -> literal.append("%20");
                case '{' -> {
                    int close = text.indexOf('}', i + 2);
                    if (close < 0) {
                        throw new SpfSyntaxException("unterminated macro in '" + text + "'");
                    }
                    if (literal.length() > 0) {
                        parts.add(new Literal(literal.toString()));
                        literal.setLength(0);
                    }
                    parts.add(parseExpand(text.substring(i + 2, close), kind, text));
                    i = close + 1;
                    afterLastExpand = i;
                    continue;
                }
                default -> throw new SpfSyntaxException("'%" + next + "' is not a macro in '" + text + "'");
            }
            i += 2;
            afterLastExpand = i;
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        if (tailStart != null) {
            tailStart[0] = afterLastExpand;
        }
        return new MacroString(text, parts);
    }

    private static Expand parseExpand(String body, Kind kind, String text) throws SpfSyntaxException {
        if (body.isEmpty()) {
            throw new SpfSyntaxException("empty macro in '" + text + "'");
        }
        char raw = body.charAt(0);
        char letter = Character.toLowerCase(raw);
        if (raw > 0x7f || kind.letters.indexOf(letter) < 0) {
            throw new SpfSyntaxException("macro letter '" + raw + "' not allowed here in '" + text + "'");
        }
        int i = 1;
        int digitsStart = i;
        long count = 0;
        while (i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '9') {
            count = Math.min(count * 10 + (body.charAt(i) - '0'), MAX_PARTS + 1L);
            i++;
        }
        boolean hasDigits = i > digitsStart;
        if (hasDigits && count == 0) {
            throw new SpfSyntaxException("macro transformer must be nonzero in '" + text + "'");
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        // §7.1: *delimiter, so repeats are allowed ("%{l-.-.}"); each is kept once, so that the list looked up for
        // every character of the value is at most the seven delimiters however long the record wrote it
        StringBuilder delimiters = new StringBuilder(DELIMITERS.length());
        for (int k = i; k < body.length(); k++) {
            char c = body.charAt(k);
            if (DELIMITERS.indexOf(c) < 0) {
                throw new SpfSyntaxException("bad macro delimiter '" + c + "' in '" + text + "'");
            }
            if (delimiters.indexOf(String.valueOf(c)) < 0) {
                delimiters.append(c);
            }
        }
        int rightParts = !hasDigits || count > MAX_PARTS ? 0 : (int) count;
        return new Expand(letter, Character.isUpperCase(raw), rightParts, reverse, delimiters.toString());
    }

    /** The delimiters of each macro expansion, as kept (for tests). */
    List<String> delimiterSets() {
        List<String> sets = new ArrayList<>();
        for (Part part : parts) {
            if (part instanceof Expand e) {
                sets.add(e.delimiters());
            }
        }
        return sets;
    }

    /** Whether the string contains a {@code %{letter}} expansion (case-insensitive letter). */
    boolean uses(char letter) {
        for (Part part : parts) {
            if (part instanceof Expand e && e.letter() == letter) {
                return true;
            }
        }
        return false;
    }

    String source() {
        return source;
    }

    /** Expands with the given values (§7.3). The {@code p} value must already be in {@code values}. */
    String expand(MacroValues values) {
        StringBuilder out = new StringBuilder(source.length() + 32);
        for (Part part : parts) {
            out.append(piece(part, values));
        }
        return out.toString();
    }

    /**
     * The first {@code max} characters of {@link #expand} (all of it when shorter), built no further: the
     * sender's values can be kilobytes and the attacker's record can expand them thousands of times (review s22: a
     * 60 KB explanation of {@code %{s}} was 60 million characters before it was cut).
     */
    String expandHead(MacroValues values, int max) {
        StringBuilder out = new StringBuilder(Math.min(max, source.length() + 32));
        for (int i = 0; i < parts.size() && out.length() < max; i++) {
            out.append(piece(parts.get(i), values));
        }
        return out.length() > max ? out.substring(0, max) : out.toString();
    }

    /**
     * The last {@code max} characters of {@link #expand} (all of it when shorter), built from the right and no
     * further: only the end of a target name counts, §7.3 truncates it from the left (review s22, as
     * {@link #expandHead}).
     */
    String expandTail(MacroValues values, int max) {
        List<String> pieces = new ArrayList<>();
        long length = 0;
        for (int i = parts.size() - 1; i >= 0 && length < max; i--) {
            String piece = piece(parts.get(i), values);
            pieces.add(piece);
            length += piece.length();
        }
        StringBuilder out = new StringBuilder((int) Math.min(length, Integer.MAX_VALUE));
        for (int i = pieces.size() - 1; i >= 0; i--) {
            out.append(pieces.get(i));
        }
        return out.length() > max ? out.substring(out.length() - max) : out.toString();
    }

    private static String piece(Part part, MacroValues values) {
        if (part instanceof Literal l) {
            return l.text();
        }
        Expand e = (Expand) part;
        String value = transform(values.value(e.letter()), e);
        return e.urlEscape() ? urlEscape(value) : value;
    }

    /**
     * §7.3: split the value at the delimiters, reverse the parts for {@code r}, keep the rightmost ones, join them
     * with dots. The parts kept are found by scanning from the end of the value (from its start for {@code r}) only
     * as far as they reach, and nothing else is built, so the work is the length of the result: a macro repeated
     * thousands of times whose result is empty costs nothing each time (review s22, reviewA: a split of the whole
     * local part per occurrence was 1.5 GB for one term, which the output bound of {@link #expandTail} never saw).
     */
    private static String transform(String value, Expand e) {
        if (e.rightParts() == 0 && !e.reverse() && e.delimiters().isEmpty()) {
            return value;
        }
        String delimiters = e.delimiters().isEmpty() ? "." : e.delimiters();
        int keep = e.rightParts() == 0 ? Integer.MAX_VALUE : e.rightParts();
        return e.reverse() ? firstPartsReversed(value, delimiters, keep) : lastParts(value, delimiters, keep);
    }

    /** The last {@code keep} parts of {@code value}, in order, joined with dots. */
    private static String lastParts(String value, String delimiters, int keep) {
        int start = 0;
        int seen = 0;
        for (int i = value.length() - 1; i >= 0; i--) {
            if (delimiters.indexOf(value.charAt(i)) >= 0 && ++seen == keep) {
                start = i + 1;
                break;
            }
        }
        StringBuilder out = new StringBuilder(value.length() - start);
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(delimiters.indexOf(c) >= 0 ? '.' : c);
        }
        return out.toString();
    }

    /** The first {@code keep} parts of {@code value}, last first, joined with dots (the rightmost once reversed). */
    private static String firstPartsReversed(String value, String delimiters, int keep) {
        int end = value.length();
        int seen = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0 && ++seen == keep) {
                end = i;
                break;
            }
        }
        StringBuilder out = new StringBuilder(end);
        int partEnd = end;
        for (int i = end - 1; i >= -1; i--) {
            if (i < 0 || delimiters.indexOf(value.charAt(i)) >= 0) {
                if (partEnd < end) {
                    out.append('.');
                }
                out.append(value, i + 1, partEnd);
                partEnd = i;
            }
        }
        return out.toString();
    }

    /** §7.3: upper-case macro letters are URL-escaped; everything but RFC 3986 unreserved characters is escaped. */
    static String urlEscape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    /**
     * RFC 7208 §6.2: an explanation MUST be US-ASCII (it is meant for an SMTP reply). The text of the record is
     * (parsing refuses anything else), but a macro carries what the sender wrote: a CR or LF in the HELO, a TAB, a
     * control or non-ASCII character in the local part. Every character outside printable US-ASCII is escaped as
     * §7.3 escapes an upper-case macro ({@code %0D}, {@code %C3%BC}), so nothing is lost or made up; the result is
     * at most {@code max} characters, never ending inside an escape.
     */
    static String printableAscii(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(max, text.length() + 16));
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            String piece = c >= 0x20 && c <= 0x7e ? String.valueOf((char) c)
                    : urlEscape(new String(Character.toChars(c)));
            if (out.length() + piece.length() > max) {
                break;
            }
            out.append(piece);
            i += Character.charCount(c);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
