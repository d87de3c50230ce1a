package dev.authpack.authres;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s20: characters that end, break or disguise a header line for some reader never reach a field we write,
 * whatever entry point the value goes through. C0 controls (HTAB too), DEL, the C1 controls U+0080-U+009F (NEL
 * U+0085 ends a line for Java's {@code .}, {@code $} and XML 1.1), U+2028 / U+2029 (line and paragraph separators,
 * line ends for Java regexes and JavaScript) and the bidi embedding, override and isolate controls (U+202A-U+202E,
 * U+2066-U+2069: a "Trojan Source" override inside a quoted value reorders what a reader shows after it, other
 * properties included) become a space; an unpaired surrogate, which is no character and has no UTF-8 form
 * (RFC 3629, so not RFC 6532 text), becomes U+FFFD. Other UTF-8 text (RFC 6532) is kept as it is.
 */
class AuthResultsWriterControlsTest {
    /** Each character that becomes a space, as {@code "\\uXXXX"} for messages. */
    private static final List<Character> TO_SPACE = toSpace();
    private static final List<String> UNPAIRED = List.of("\ud800", "\udbff", "\udc00", "\udfff");
    /** RFC 6532 text that must come through unchanged: Latin, CJK, an astral emoji, ZWJ and ZWNJ sequences. */
    private static final String UTF8_TEXT = "Gr\u00fc\u00dfe \u65e5\u672c\u8a9e \ud83d\ude00 "
            + "\ud83d\udc69\u200d\ud83d\udcbb \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u00a0\u00ff\ufffd";

    private static List<Character> toSpace() {
        List<Character> chars = new ArrayList<>();
        for (char c = 0; c < 0x20; c++) {
            chars.add(c);
        }
        for (char c = 0x7f; c <= 0x9f; c++) {
            chars.add(c);
        }
        chars.add('\u2028');
        chars.add('\u2029');
        for (char c = '\u202a'; c <= '\u202e'; c++) {
            chars.add(c);
        }
        for (char c = '\u2066'; c <= '\u2069'; c++) {
            chars.add(c);
        }
        return chars;
    }

    /** Every way a value reaches a written field, each giving the text written for {@code value}. */
    private static List<Function<String, String>> entryPoints() {
        return List.of(
                v -> AuthResultsWriter.headerValue("mx", List.of(result(v, null, "example.com"))),
                v -> AuthResultsWriter.headerValue("mx", List.of(result("x", v, "example.com"))),
                v -> AuthResultsWriter.headerField("mx", List.of(result("x", "r", v))),
                v -> AuthResultsWriter.unfolded("mx", List.of(result(v, v, v))),
                v -> AuthResultsWriter.headerValue(v, List.of()),
                v -> AuthResultsWriter.headerField(v, List.of(result("x", null, "example.com"))),
                AuthResultsWriter::pvalue,
                AuthResultsWriter::value,
                AuthResultsWriter::quoted);
    }

    /** {@code spf=pass} with a reason and smtp.mailfrom and header.from. */
    private static MethodResult result(String mailfrom, String reason, String from) {
        return new MethodResult("spf", "pass", reason, List.of(new ResultProperty("smtp", "mailfrom", mailfrom),
                new ResultProperty("header", "from", from)));
    }

    private static String hex(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }

    /** No character a reader could take for a line end, a control or a reordering, and no unpaired surrogate. */
    private static void assertOneCleanLine(String written, String input) {
        String unfolded = written.replace("\r\n\t", " ");
        for (int i = 0; i < unfolded.length(); i++) {
            char c = unfolded.charAt(i);
            assertThat(TO_SPACE.contains(c)).as("%s written as %s", hex(input), hex(written)).isFalse();
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < unfolded.length() && Character.isLowSurrogate(unfolded.charAt(i + 1)))
                        .as("%s written as %s", hex(input), hex(written)).isTrue();
                i++;
            } else {
                assertThat(Character.isLowSurrogate(c)).as("%s written as %s", hex(input), hex(written)).isFalse();
            }
        }
    }

    @Test
    void controlsSeparatorsAndBidiControlsBecomeASpaceThroughEveryEntryPoint() {
        for (char c : TO_SPACE) {
            String value = "a" + c + "b";
            for (Function<String, String> write : entryPoints()) {
                String written = write.apply(value);
                assertOneCleanLine(written, value);
                assertThat(written).as(hex(value)).contains("\"a b\"");
            }
        }
    }

    @Test
    void anUnpairedSurrogateBecomesTheReplacementCharacterThroughEveryEntryPoint() {
        for (String lone : UNPAIRED) {
            for (String value : List.of("a" + lone + "b", lone + "b", "a" + lone, lone + lone)) {
                String expected = "\"" + value.replace(lone, "\ufffd") + "\"";
                for (Function<String, String> write : entryPoints()) {
                    String written = write.apply(value);
                    assertOneCleanLine(written, value);
                    assertThat(written).as(hex(value)).contains(expected);
                }
            }
        }
        // a low then a high surrogate is no pair: both replaced
        assertThat(AuthResultsWriter.quoted("\udc00\ud800")).isEqualTo("\"\ufffd\ufffd\"");
    }

    @Test
    void utf8TextIsKeptAsItIs() {
        for (Function<String, String> write : entryPoints()) {
            String written = write.apply(UTF8_TEXT);
            assertOneCleanLine(written, UTF8_TEXT);
            assertThat(written).contains("\"" + UTF8_TEXT + "\"");
        }
    }

    /**
     * The attacker's values: a NEL, a line separator or a bidi override before text shaped like another property
     * or resinfo. Our parser reads back exactly the properties we wrote, each value one quoted-string with the
     * character replaced.
     */
    @Test
    void aValueIsNeverReadAsAnotherPropertyOrResinfo() {
        for (String breaker : List.of("\u0085", "\u2028", "\u2029", "\u202e", "\u000b", "\u001b[2K", "\u009b2K",
                "\ud800")) {
            String hostile = "evil.example" + breaker + "header.from=bank.example; dkim=pass header.d=bank.example";
            String body = AuthResultsWriter.headerValue("mx.example.org",
                    List.of(result(hostile, hostile, "evil.example")));
            assertOneCleanLine(body, hostile);
            ParsedAuthResults parsed = AuthResultsParser.parse(body);
            assertThat(parsed.error()).as(hex(body)).isEmpty();
            List<MethodResult> read = parsed.header().orElseThrow().results();
            assertThat(read).hasSize(1);
            String clean = breaker.equals("\ud800") ? hostile.replace(breaker, "\ufffd")
                    : hostile.replace(breaker, " ".repeat(1) + breaker.substring(1));
            assertThat(read.get(0).reason()).isEqualTo(clean);
            assertThat(read.get(0).properties()).containsExactly(new ResultProperty("smtp", "mailfrom", clean),
                    new ResultProperty("header", "from", "evil.example"));
        }
    }
}
