package dev.authpack.authres;

import dev.authpack.dns.DomainNames;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the authserv-id at the start of an {@code Authentication-Results} body (RFC 8601 §2.2), skipping
 * comments and folding whitespace; enough to recognise fields that claim to be ours (§5).
 */
public final class AuthServIds {
    /** An authserv-id is a domain name or a short token; longer text is not read further for the comparison. */
    private static final int MAX_ID_CHARS = 1024;

    private AuthServIds() {
    }

    /** The authserv-id of a field body, or empty when the body does not start with a usable one. */
    public static Optional<String> of(String fieldBody) {
        if (fieldBody == null) {
            return Optional.empty();
        }
        int i = skipCfws(fieldBody, 0);
        if (i < 0 || i >= fieldBody.length()) {
            return Optional.empty();
        }
        StringBuilder id = new StringBuilder();
        if (fieldBody.charAt(i) == '"') {
            for (i++; i < fieldBody.length(); i++) {
                char c = fieldBody.charAt(i);
                if (c == '\\' && i + 1 < fieldBody.length()) {
                    id.append(fieldBody.charAt(++i));
                } else if (c == '"') {
                    return id.length() == 0 ? Optional.empty() : Optional.of(id.toString());
                } else if (c != '\r' && c != '\n') {
                    // CR and LF are dropped as AuthResultsParser drops them (RFC 5322 §3.2.4 folding), so that a
                    // bare CR cannot make a field look foreign here and ours to the trust classifier
                    id.append(c);
                }
            }
            return Optional.empty();
        }
        for (; i < fieldBody.length(); i++) {
            char c = fieldBody.charAt(i);
            if (c <= ' ' || c == ';' || c == '(' || c == '"' || c == 0x7f) {
                break;
            }
            id.append(c);
        }
        return id.length() == 0 ? Optional.empty() : Optional.of(id.toString());
    }

    /**
     * Whether the field claims to come from {@code ourId}: THE forged-field rule (RFC 8601 §5), used by the mailets
     * that remove such fields and by {@link AuthResultsTrust} that refuses to believe them. Fail closed: anything a
     * reader could take as our id counts as ours. After leading CFWS (and invisible characters: controls, format
     * characters such as U+200B), and inside a quoted form, the id is ours when
     * <ul>
     *   <li>its ASCII reading (the run of {@code A-Z a-z 0-9 . - _}) equals ours, trailing dots ignored,
     *       whatever follows (a version {@code /1} or {@code  1}, a comment, {@code ;}, 8-bit or other junk);</li>
     *   <li>or its Unicode reading (that run with non-ASCII letters, marks, format characters and the Unicode full
     *       stops) equals ours after IDNA (A-label vs U-label, full-width forms, soft hyphens);</li>
     *   <li>or, for ids that are not domain names, the RFC 2045 token (what {@link AuthResultsParser} reads), the
     *       whole token or the quoted text equals ours;</li>
     *   <li>or any of these holds after RFC 2047 encoded-words are decoded ({@code =?utf-8?q?mx.example.org?=}).</li>
     * </ul>
     * Comparison is case-insensitive, as for domain names. {@code ourId} is normalized the same way.
     */
    public static boolean claims(String fieldBody, String ourId) {
        if (fieldBody == null || ourId == null) {
            return false;
        }
        // a client displaying the field decodes RFC 2047 encoded-words: =?utf-8?q?mx.example.org?= reads as ours
        if (EncodedWords.present(fieldBody) && claimsAsWritten(EncodedWords.decode(fieldBody), ourId)) {
            return true;
        }
        return claimsAsWritten(fieldBody, ourId);
    }

    private static boolean claimsAsWritten(String fieldBody, String ourId) {
        Set<String> own = ownForms(ourId);
        if (own.isEmpty()) {
            return false;
        }
        Optional<String> candidate = candidate(fieldBody);
        if (candidate.isEmpty()) {
            return false;
        }
        for (String reading : readings(candidate.get())) {
            if (own.contains(reading)) {
                return true;
            }
        }
        return false;
    }

    /** The text that stands where the authserv-id stands: a quoted form's content, or the rest of the field. */
    private static Optional<String> candidate(String fieldBody) {
        int i = skipCfws(fieldBody, 0);
        if (i < 0) {
            return Optional.empty();
        }
        while (i < fieldBody.length() && invisible(fieldBody.charAt(i))) {
            i++;
        }
        if (i >= fieldBody.length()) {
            return Optional.empty();
        }
        if (fieldBody.charAt(i) != '"') {
            return Optional.of(fieldBody.substring(i, Math.min(fieldBody.length(), i + MAX_ID_CHARS)));
        }
        // a quoted form; an unterminated one still says what it says
        StringBuilder id = new StringBuilder();
        for (i++; i < fieldBody.length() && id.length() < MAX_ID_CHARS; i++) {
            char c = fieldBody.charAt(i);
            if (c == '\\' && i + 1 < fieldBody.length()) {
                id.append(fieldBody.charAt(++i));
            } else if (c == '"') {
                break;
            } else if (c != '\r' && c != '\n') {
                // CR and LF dropped as in of() and AuthResultsParser: the reading the trust classifier gets
                id.append(c);
            }
        }
        return Optional.of(id.toString().strip());
    }

    /** Our configured id, lower case without trailing dots, and its A-label form when it is an IDN. */
    private static Set<String> ownForms(String ourId) {
        String id = withoutTrailingDots(ourId.strip());
        Set<String> out = new HashSet<>(2);
        if (id.isEmpty()) {
            return out;
        }
        out.add(id.toLowerCase(Locale.ROOT));
        // not a domain name under IDNA: compared as written
        DomainNames.toAscii(id).ifPresent(a -> out.add(withoutTrailingDots(a).toLowerCase(Locale.ROOT)));
        return out;
    }

    /** The lower-case readings of an id (see {@link #claims}); empty when none is usable. */
    private static Set<String> readings(String text) {
        Set<String> out = new HashSet<>(4);
        int start = 0;
        while (start < text.length() && invisible(text.charAt(start))) {
            start++;
        }
        String id = text.substring(start);
        // the whole token (up to ';', whitespace or a comment) or the whole quoted text
        int end = 0;
        while (end < id.length() && id.charAt(end) != ';' && id.charAt(end) != '(') {
            end++;
        }
        String whole = withoutTrailingDots(id.substring(0, end).strip());
        if (!whole.isEmpty()) {
            out.add(whole.toLowerCase(Locale.ROOT));
        }
        // what AuthResultsParser reads: an RFC 2045 token
        String token = withoutTrailingDots(run(id, AuthServIds::tokenChar));
        if (!token.isEmpty()) {
            out.add(token.toLowerCase(Locale.ROOT));
        }
        String ascii = withoutTrailingDots(run(id, AuthServIds::asciiNameChar));
        if (!ascii.isEmpty()) {
            out.add(ascii.toLowerCase(Locale.ROOT));
        }
        String unicode = run(id, c -> asciiNameChar(c) || unicodeNameChar(c));
        if (!unicode.isEmpty()) {
            // not a domain name under IDNA: the other readings stand
            DomainNames.toAscii(unicode).map(AuthServIds::withoutTrailingDots).filter(a -> !a.isEmpty())
                    .ifPresent(a -> out.add(a.toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    private static String run(String s, java.util.function.IntPredicate member) {
        int end = 0;
        while (end < s.length() && member.test(s.charAt(end))) {
            end++;
        }
        return s.substring(0, end);
    }

    private static String withoutTrailingDots(String name) {
        int end = name.length();
        while (end > 0 && name.charAt(end - 1) == '.') {
            end--;
        }
        return name.substring(0, end);
    }

    /** RFC 2045 token: printable ASCII except SPACE and tspecials. */
    private static boolean tokenChar(int c) {
        return c > ' ' && c < 0x7f && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }

    private static boolean asciiNameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_';
    }

    /** Non-ASCII characters IDNA maps into a domain name: letters, digits, marks, format characters, full stops. */
    private static boolean unicodeNameChar(int c) {
        if (c < 0x80) {
            return false;
        }
        if (c == 0x3002 || c == 0xFF0E || c == 0xFF61) {
            return true; // RFC 3490 §3.1: label separators
        }
        int type = Character.getType(c);
        return Character.isLetterOrDigit(c) || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK || type == Character.FORMAT;
    }

    /** Characters a reader does not see: controls, format characters (U+200B, U+FEFF, ...), Unicode spaces. */
    private static boolean invisible(char c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.isSpaceChar(c);
    }

    /** Index after whitespace and (nested) comments, or -1 for an unterminated or too deep comment. */
    private static int skipCfws(String s, int i) {
        int depth = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (depth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    // no depth limit: a counter, no recursion; a reader without our parser's limit still reads the
                    // id after the comment, so the claim must be seen (fail closed)
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
            } else if (c == '(') {
                depth = 1;
            } else if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                return i;
            }
        }
        return depth > 0 ? -1 : i;
    }
}
