package dev.authpack.authres;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthResultsWriterTest {

    private static MethodResult spf(String domain, String reason) {
        return new MethodResult("spf", "pass", reason, List.of(new ResultProperty("smtp", "mailfrom", domain)));
    }

    @Test
    void writesOneFoldedResinfoPerLine() {
        String field = AuthResultsWriter.headerField("mx.example.org", List.of(
                spf("example.com", null),
                new MethodResult("iprev", "pass", null, List.of(new ResultProperty("policy", "iprev", "192.0.2.1")))));
        assertThat(field).isEqualTo("Authentication-Results: mx.example.org;\r\n"
                + "\tspf=pass smtp.mailfrom=example.com;\r\n"
                + "\tiprev=pass policy.iprev=192.0.2.1");
    }

    /** The resinfo {@code spf=pass} with properties header.a..d of the given value lengths. */
    private static MethodResult fourProperties(int... lengths) {
        List<ResultProperty> properties = new java.util.ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            properties.add(new ResultProperty("header", String.valueOf((char) ('a' + i)),
                    String.valueOf((char) ('A' + i)).repeat(lengths[i])));
        }
        return new MethodResult("spf", "pass", null, properties);
    }

    /**
     * A resinfo line of exactly {@link AuthResultsWriter#MAX_LINE_CHARS} (counted from the method) stays whole;
     * one character more folds before the part that passes the bound, which starts the next line.
     */
    @Test
    void foldsBeforeThePartThatPassesTheLineBoundAndNotAtIt() {
        // "spf=pass" + 4 x " header.x=" + 213 characters = 8 + 4 x 223 = 900
        String atBound = AuthResultsWriter.headerValue("mx", List.of(fourProperties(213, 213, 213, 213)));
        assertThat(atBound.split("\r\n")).hasSize(2);
        assertThat(atBound.split("\r\n")[1]).hasSize(1 + 900).startsWith("\tspf=pass header.a=A");

        String past = AuthResultsWriter.headerValue("mx", List.of(fourProperties(213, 213, 213, 214)));
        String[] lines = past.split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).hasSize(1 + 8 + 3 * 223).endsWith("C");
        assertThat(lines[2]).isEqualTo("\theader.d=" + "D".repeat(214));
    }

    /** A reason is copied as it is up to the first character to escape; from there on escaped as always. */
    @Test
    void aReasonIsQuotedWithItsQuotesBackslashesAndControlsHandled() {
        String body = AuthResultsWriter.headerValue("mx", List.of(new MethodResult("spf", "pass",
                "plain text then \"quoted\" a\\b c\r\nd\u007fe", List.of())));
        assertThat(body).endsWith("spf=pass reason=\"plain text then \\\"quoted\\\" a\\\\b c  d e\"");
    }

    @Test
    void noResultsIsTheNoneForm() {
        assertThat(AuthResultsWriter.headerValue("mx.example.org", List.of())).isEqualTo("mx.example.org; none");
    }

    @Test
    void reasonIsAlwaysQuotedAndEscaped() {
        String value = AuthResultsWriter.headerValue("mx", List.of(spf("example.com", "say \"hi\" \\ (now)")));
        assertThat(value).contains("spf=pass reason=\"say \\\"hi\\\" \\\\ (now)\" smtp.mailfrom=example.com");
    }

    @Test
    void addressesAndTokensAreWrittenBare() {
        assertThat(AuthResultsWriter.pvalue("user@example.com")).isEqualTo("user@example.com");
        assertThat(AuthResultsWriter.pvalue("@example.com")).isEqualTo("@example.com");
        assertThat(AuthResultsWriter.pvalue("2001:db8::1")).isEqualTo("\"2001:db8::1\"");
        assertThat(AuthResultsWriter.pvalue("192.0.2.1")).isEqualTo("192.0.2.1");
    }

    @Test
    void senderControlledValuesCannotBreakTheField() {
        String hostile = "evil.example;\r\nAuthentication-Results: mx; spf=pass (x\n\"y";
        String value = AuthResultsWriter.headerValue("mx", List.of(spf(hostile, hostile)));
        // the only CRLFs are our own folds, each followed by a tab
        assertThat(value.split("\r\n\t", -1)).hasSize(2);
        assertThat(value.replace("\r\n\t", "")).doesNotContain("\r").doesNotContain("\n");
        // the hostile value is one quoted-string: exactly one resinfo separator (ours) outside quotes
        assertThat(countUnquoted(value, ';')).isEqualTo(1);
        assertThat(countUnquoted(value, '(')).isZero();
    }

    @Test
    void quotesAnAuthservIdThatIsNotAToken() {
        assertThat(AuthResultsWriter.headerValue("mx example;x", List.of())).isEqualTo("\"mx example;x\"; none");
    }

    @Test
    void refusesAMethodNameThatIsNotAKeyword() {
        assertThatThrownBy(() -> AuthResultsWriter.headerValue("mx",
                List.of(new MethodResult("sp f", "pass", null, List.of()))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whatWeWriteStaysWithinWhatOurOwnParserAccepts() {
        String longText = "x\u00e9\"\\(".repeat(5_000);
        List<MethodResult> many = new java.util.ArrayList<>();
        for (int i = 0; i < 990; i++) {
            many.add(new MethodResult("dkim", "policy", longText, List.of(new ResultProperty("header", "d", longText),
                    new ResultProperty("header", "i", "@" + longText), new ResultProperty("header", "s", "s" + i))));
        }
        String body = AuthResultsWriter.headerValue("mx.example.org", many);
        assertThat(body.length()).isLessThanOrEqualTo(AuthResultsWriter.MAX_FIELD_CHARS);
        ParsedAuthResults parsed = AuthResultsParser.parse(body);
        assertThat(parsed.error()).isEmpty();
        List<MethodResult> read = parsed.header().orElseThrow().results();
        assertThat(read).isNotEmpty().hasSizeLessThanOrEqualTo(AuthResultsWriter.MAX_RESULTS);
        assertThat(read.get(0).reason()).hasSizeLessThanOrEqualTo(AuthResultsWriter.MAX_TEXT_CHARS);
        assertThat(read.get(0).properties().get(0).value()).hasSizeLessThanOrEqualTo(AuthResultsWriter.MAX_TEXT_CHARS + 2);
        assertThat(body).endsWith(" more results not listed)");
        assertThat(body.split("\r\n")).allSatisfy(line ->
                assertThat(line.length()).isLessThanOrEqualTo(AuthResultsWriter.MAX_LINE_CHARS));
    }

    @Test
    void atMostTenPropertiesAResinfo() {
        List<ResultProperty> properties = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            properties.add(new ResultProperty("header", "p" + i, "v" + i));
        }
        String body = AuthResultsWriter.headerValue("mx", List.of(new MethodResult("x", "pass", null, properties)));
        assertThat(AuthResultsParser.parse(body).header().orElseThrow().results().get(0).properties())
                .hasSize(AuthResultsWriter.MAX_PROPERTIES);
    }

    @Test
    void aFieldWithinTheLimitsIsWrittenWhole() {
        List<MethodResult> few = List.of(new MethodResult("spf", "pass", "r".repeat(AuthResultsWriter.MAX_TEXT_CHARS),
                List.of(new ResultProperty("smtp", "mailfrom", "example.com"))));
        String body = AuthResultsWriter.headerValue("mx", few);
        assertThat(body).isEqualTo("mx;\r\n\tspf=pass reason=\"" + "r".repeat(AuthResultsWriter.MAX_TEXT_CHARS)
                + "\" smtp.mailfrom=example.com");
    }

    private static int countUnquoted(String s, char wanted) {
        int count = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == wanted) {
                count++;
            }
        }
        return count;
    }

    @Test
    void saysWhetherABodyListsEveryResinfo() {
        assertThat(AuthResultsWriter.listsAll(AuthResultsWriter.headerValue("mx.example.org",
                List.of(spf("example.com", "ends like the comment: 3 more results not listed)"))))).isTrue();
        List<MethodResult> many = java.util.Collections.nCopies(AuthResultsWriter.MAX_RESULTS + 1,
                spf("example.com", "r"));
        String body = AuthResultsWriter.headerValue("mx.example.org", many);
        assertThat(body).endsWith("(1 more results not listed)");
        assertThat(AuthResultsWriter.listsAll(body)).isFalse();
    }
}