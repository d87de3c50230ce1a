package dev.authpack.dmarc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads DMARC Policy Records (RFC 9989 §4.7-4.8; RFC 7489 §6.3-6.4 for {@code pct}, {@code rf}, {@code ri}).
 *
 * <p>A TXT record is a DMARC record only if its first tag is {@code v=DMARC1} (value case-sensitive); anything
 * else is not DMARC and is discarded before counting records (RFC 9989 §4.10 step 2). Within a DMARC record:
 * <ul>
 *   <li>tag names are case-insensitive, values are case-insensitive except {@code v};</li>
 *   <li>unknown tags are ignored (§4.7); tags are accepted in any order (RFC 7489 wanted {@code p} second: a
 *       publisher rule that receivers need not enforce);</li>
 *   <li>a known tag with an invalid value, or given twice, keeps its default and is listed in
 *       {@link DmarcRecord#invalidTags()} (§4.8);</li>
 *   <li>a record longer than the configured bound is not parsed: it keeps the defaults with {@code p} marked
 *       invalid and no {@code rua}, so it is unusable (permerror) rather than silently taken as {@code p=none}.</li>
 * </ul>
 */
public final class DmarcRecordParser {
    /** The version tag value, case-sensitive (RFC 9989 §4.7, ABNF {@code %s"DMARC1"}). */
    public static final String VERSION = "DMARC1";
    /** At most this many report URIs are kept per tag; the rest are ignored with a problem noted. */
    public static final int MAX_REPORT_URIS = 20;

    private static final Set<String> KNOWN = Set.of("v", "p", "sp", "np", "adkim", "aspf", "pct", "t", "psd",
            "fo", "rua", "ruf", "rf", "ri");

    private DmarcRecordParser() {
    }

    /** Whether a TXT record is a DMARC record: its first tag is {@code v=DMARC1} (RFC 9989 §4.7, {@code v}). */
    public static boolean isDmarcRecord(String txt) {
        // read in place (every message asks this of its cached policy records): WSP* "v" WSP* "=" WSP* "DMARC1" WSP*
        int semi = txt.indexOf(';');
        int end = semi < 0 ? txt.length() : semi;
        int eq = txt.indexOf('=');
        if (eq < 0 || eq >= end) {
            return false;
        }
        return isTrimmed(txt, 0, eq, "v") && isTrimmed(txt, eq + 1, end, VERSION);
    }

    /** Whether {@code txt[from, to)} with WSP trimmed from both ends is {@code word}. */
    private static boolean isTrimmed(String txt, int from, int to, String word) {
        while (from < to && isWsp(txt.charAt(from))) {
            from++;
        }
        while (to > from && isWsp(txt.charAt(to - 1))) {
            to--;
        }
        return to - from == word.length() && txt.startsWith(word, from);
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Parses a record for which {@link #isDmarcRecord} holds.
     *
     * @param maxLength records longer than this many characters are not parsed (see the class comment)
     */
    public static DmarcRecord parse(String txt, int maxLength) {
        if (txt.length() > maxLength) {
            return new DmarcRecord(txt, null, null, null, AlignmentMode.RELAXED, AlignmentMode.RELAXED,
                    DmarcRecord.DEFAULT_PCT, false, PsdFlag.UNKNOWN, "0", List.of(), List.of(), "afrf",
                    DmarcRecord.DEFAULT_RI, Set.of("p"),
                    List.of("record longer than " + maxLength + " characters: not parsed"));
        }
        List<String> problems = new ArrayList<>();
        Set<String> invalid = new HashSet<>();
        Map<String, String> tags = new LinkedHashMap<>();
        String[] parts = txt.split(";", -1);
        for (int i = 1; i < parts.length; i++) {        // parts[0] is v=DMARC1
            String part = trimWsp(parts[i]);
            if (part.isEmpty()) {
                if (i != parts.length - 1) {
                    problems.add("empty tag");
                }
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : trimWsp(part.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (eq < 0 || !isAlpha(name)) {
                problems.add("malformed tag ignored: " + abbreviate(part));
                continue;
            }
            String value = trimWsp(part.substring(eq + 1));
            if (!KNOWN.contains(name)) {
                problems.add("unknown tag ignored: " + name);
                continue;
            }
            if (tags.containsKey(name)) {
                invalid.add(name);
                problems.add("tag " + name + " given more than once");
                continue;
            }
            if (value.isEmpty() || !isValueText(value)) {
                invalid.add(name);
                problems.add("tag " + name + " has an empty value or invalid characters");
                tags.put(name, null);
                continue;
            }
            tags.put(name, value);
        }
        if (tags.containsKey("v")) {
            invalid.add("v");
            problems.add("v given more than once");
        }
        Values values = new Values(tags, invalid, problems);
        DmarcPolicy p = values.policy("p");
        DmarcPolicy sp = values.policy("sp");
        DmarcPolicy np = values.policy("np");
        AlignmentMode adkim = values.alignment("adkim");
        AlignmentMode aspf = values.alignment("aspf");
        int pct = values.pct();
        boolean t = values.yesNo("t");
        PsdFlag psd = values.psd();
        String fo = values.fo();
        List<String> rua = values.uris("rua");
        List<String> ruf = values.uris("ruf");
        String rf = values.rf();
        long ri = values.ri();
        return new DmarcRecord(txt, p, sp, np, adkim, aspf, pct, t, psd, fo, rua, ruf, rf, ri, invalid, problems);
    }

    /** Tag values already split, with the bookkeeping of invalid ones. */
    private static final class Values {
        private final Map<String, String> tags;
        private final Set<String> invalid;
        private final List<String> problems;

        Values(Map<String, String> tags, Set<String> invalid, List<String> problems) {
            this.tags = tags;
            this.invalid = invalid;
            this.problems = problems;
        }

        private String get(String name) {
            return invalid.contains(name) ? null : tags.get(name);
        }

        private void bad(String name, String value) {
            invalid.add(name);
            problems.add("invalid " + name + "=" + abbreviate(value));
        }

        DmarcPolicy policy(String name) {
            String v = get(name);
            if (v == null) {
                return null;
            }
            Optional<DmarcPolicy> p = DmarcPolicy.parse(v);
            if (p.isEmpty()) {
                bad(name, v);
            }
            return p.orElse(null);
        }

        AlignmentMode alignment(String name) {
            String v = get(name);
            if (v == null) {
                return AlignmentMode.RELAXED;
            }
            if (v.equalsIgnoreCase("r")) {
                return AlignmentMode.RELAXED;
            }
            if (v.equalsIgnoreCase("s")) {
                return AlignmentMode.STRICT;
            }
            bad(name, v);
            return AlignmentMode.RELAXED;
        }

        boolean yesNo(String name) {
            String v = get(name);
            if (v == null || v.equalsIgnoreCase("n")) {
                return false;
            }
            if (v.equalsIgnoreCase("y")) {
                return true;
            }
            bad(name, v);
            return false;
        }

        PsdFlag psd() {
            String v = get("psd");
            if (v == null || v.equalsIgnoreCase("u")) {
                return PsdFlag.UNKNOWN;
            }
            if (v.equalsIgnoreCase("y")) {
                return PsdFlag.YES;
            }
            if (v.equalsIgnoreCase("n")) {
                return PsdFlag.NO;
            }
            bad("psd", v);
            return PsdFlag.UNKNOWN;
        }

        /** RFC 7489 §6.3: an integer from 0 to 100. */
        int pct() {
            String v = get("pct");
            if (v == null) {
                return DmarcRecord.DEFAULT_PCT;
            }
            if (v.length() <= 3 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                int n = Integer.parseInt(v);
                if (n <= 100) {
                    return n;
                }
            }
            bad("pct", v);
            return DmarcRecord.DEFAULT_PCT;
        }

        /** RFC 7489 §6.3: a 32-bit unsigned integer. */
        long ri() {
            String v = get("ri");
            if (v == null) {
                return DmarcRecord.DEFAULT_RI;
            }
            if (!v.isEmpty() && v.length() <= 10 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                long n = Long.parseLong(v);
                if (n <= 0xFFFF_FFFFL) {
                    return n;
                }
            }
            bad("ri", v);
            return DmarcRecord.DEFAULT_RI;
        }

        /** RFC 7489 §6.3: a colon-separated list of report format names (only "afrf" is registered). */
        String rf() {
            String v = get("rf");
            if (v == null) {
                return "afrf";
            }
            for (String token : v.split(":", -1)) {
                String t = trimWsp(token);
                if (t.isEmpty() || !t.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
                    bad("rf", v);
                    return "afrf";
                }
            }
            return v.toLowerCase(Locale.ROOT);
        }

        /** RFC 9989 §4.8 {@code dmarc-fo}: 0, 1, d, s separated by colons; 0 and 1 exclusive; each at most once. */
        String fo() {
            String v = get("fo");
            if (v == null) {
                return "0";
            }
            Set<String> seen = new HashSet<>();
            for (String token : v.split(":", -1)) {
                String t = trimWsp(token).toLowerCase(Locale.ROOT);
                if (!Set.of("0", "1", "d", "s").contains(t) || !seen.add(t)) {
                    bad("fo", v);
                    return "0";
                }
            }
            if (seen.contains("0") && seen.contains("1")) {
                bad("fo", v);
                return "0";
            }
            return v.toLowerCase(Locale.ROOT);
        }

        /** A comma-separated list of URIs; invalid ones are dropped (RFC 9989 §4.7: unsupported ones ignored). */
        List<String> uris(String name) {
            String v = get(name);
            if (v == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String item : v.split(",", -1)) {
                String uri = ReportUris.valid(trimWsp(item));
                if (uri == null) {
                    problems.add("invalid URI in " + name + " ignored: " + abbreviate(trimWsp(item)));
                } else if (out.size() >= MAX_REPORT_URIS) {
                    problems.add("more than " + MAX_REPORT_URIS + " URIs in " + name + ": the rest ignored");
                    break;
                } else {
                    out.add(uri);
                }
            }
            return out;
        }
    }

    /** RFC 9989 §4.8 {@code dmarc-value}: printable ASCII and space, no semicolon (split on already). */
    private static boolean isValueText(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    /** Removes RFC 5234 WSP (space, tab) at both ends. */
    static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
