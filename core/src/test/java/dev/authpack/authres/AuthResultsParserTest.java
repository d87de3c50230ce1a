package dev.authpack.authres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthResultsParserTest {

    private static AuthResultsHeader valid(String body) {
        ParsedAuthResults parsed = AuthResultsParser.parse(body);
        assertThat(parsed.error()).as("error for %s", body).isEmpty();
        return parsed.header().orElseThrow();
    }

    private static String error(String body) {
        ParsedAuthResults parsed = AuthResultsParser.parse(body);
        assertThat(parsed.header()).as("header for %s", body).isEmpty();
        return parsed.error().orElseThrow();
    }

    private static MethodResult result(String method, String result, String reason, ResultProperty... properties) {
        return new MethodResult(method, result, reason, List.of(properties));
    }

    private static ResultProperty prop(String ptype, String property, String value) {
        return new ResultProperty(ptype, property, value);
    }

    /** The examples of RFC 8601 Appendix B, as the RFC prints them (folded with CRLF and spaces). */
    @Nested
    class Rfc8601AppendixB {
        @Test
        void b2NearlyTrivialCaseNone() {
            AuthResultsHeader h = valid("example.org 1; none");
            assertThat(h.authservId()).isEqualTo("example.org");
            assertThat(h.version()).isEqualTo(1);
            assertThat(h.isNone()).isTrue();
        }

        @Test
        void b3ServiceProvidedAuthenticationDone() {
            AuthResultsHeader h = valid("example.com;\r\n          spf=pass smtp.mailfrom=example.net");
            assertThat(h.authservId()).isEqualTo("example.com");
            assertThat(h.version()).isEqualTo(1);
            assertThat(h.results()).containsExactly(
                    result("spf", "pass", null, prop("smtp", "mailfrom", "example.net")));
        }

        @Test
        void b4SeveralAuthenticationsSingleMta() {
            AuthResultsHeader h = valid("example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
                    + "          spf=pass smtp.mailfrom=example.net");
            assertThat(h.results()).containsExactly(
                    result("auth", "pass", null, prop("smtp", "auth", "sender@example.net")),
                    result("spf", "pass", null, prop("smtp", "mailfrom", "example.net")));
            AuthResultsHeader iprev = valid("example.com; iprev=pass\r\n          policy.iprev=192.0.2.200");
            assertThat(iprev.results()).containsExactly(
                    result("iprev", "pass", null, prop("policy", "iprev", "192.0.2.200")));
        }

        @Test
        void b5SeveralAuthenticationsDifferentMtas() {
            assertThat(valid("example.com;\r\n          dkim=pass (good signature) header.d=example.com").results())
                    .containsExactly(result("dkim", "pass", null, prop("header", "d", "example.com")));
            assertThat(valid("example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.com;\r\n"
                    + "          spf=fail smtp.mailfrom=example.com").results())
                    .containsExactly(result("auth", "pass", null, prop("smtp", "auth", "sender@example.com")),
                            result("spf", "fail", null, prop("smtp", "mailfrom", "example.com")));
        }

        @Test
        void b6MultiTieredAuthentication() {
            AuthResultsHeader h = valid("example.com;\r\n      dkim=pass reason=\"good signature\"\r\n"
                    + "        header.i=@mail-router.example.net;\r\n      dkim=fail reason=\"bad signature\"\r\n"
                    + "        header.i=@newyork.example.com");
            assertThat(h.results()).containsExactly(
                    result("dkim", "pass", "good signature", prop("header", "i", "@mail-router.example.net")),
                    result("dkim", "fail", "bad signature", prop("header", "i", "@newyork.example.com")));
            assertThat(valid("example.net;\r\n      dkim=pass (good signature) header.i=@newyork.example.com")
                    .results()).containsExactly(
                    result("dkim", "pass", null, prop("header", "i", "@newyork.example.com")));
        }

        @Test
        void b7CommentHeavyExample() {
            AuthResultsHeader h = valid("foo.example.net (foobar) 1 (baz);\r\n"
                    + "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
                    + "      policy (A dot can go here) . (like that) expired\r\n"
                    + "      (this surprised me) = (as I wasn't expecting it) 1362471462");
            assertThat(h.authservId()).isEqualTo("foo.example.net");
            assertThat(h.version()).isEqualTo(1);
            assertThat(h.results()).containsExactly(
                    result("dkim", "fail", null, prop("policy", "expired", "1362471462")));
        }
    }

    @Nested
    class Grammar {
        @Test
        void quotedAuthservIdWithEscapesAndUnicode() {
            assertThat(valid("\"example.org\"; none").authservId()).isEqualTo("example.org");
            assertThat(valid("\"ex\\\"am ple\"; none").authservId()).isEqualTo("ex\"am ple");
            assertThat(valid("\"Bloß.de\"; none").authservId()).isEqualTo("Bloß.de");
        }

        @Test
        void namesAndResultWordsAreLowerCasedValuesAreNot() {
            AuthResultsHeader h = valid("MX.Example.ORG; DKIM=Pass Header.D=Example.COM; SPF=SoftFail"
                    + " REASON=\"Mixed Case\" smtp.MailFrom=Bob@Example.com; None-Such=ok");
            assertThat(h.authservId()).isEqualTo("MX.Example.ORG");
            assertThat(h.results()).containsExactly(
                    result("dkim", "pass", null, prop("header", "d", "Example.COM")),
                    result("spf", "softfail", "Mixed Case", prop("smtp", "mailfrom", "Bob@Example.com")),
                    result("none-such", "ok", null));
        }

        @Test
        void noneIsCaseInsensitiveAndTheOnlyResult() {
            assertThat(valid("example.org; NONE").isNone()).isTrue();
            assertThat(valid("example.org;none (nothing to do)").isNone()).isTrue();
            assertThat(valid("example.org; none;").isNone()).isTrue();
            assertThat(error("example.org; none; spf=pass")).contains("'none' must be the only result");
            assertThat(error("example.org; spf=pass; none")).contains("'none' must be the only result");
        }

        @Test
        void unknownMethodsAndPropertiesAreKept() {
            AuthResultsHeader h = valid("example.org; x-tls=pass smtp.cipher=TLS_AES_256_GCM_SHA384"
                    + " body.x-custom_prop=\"a;b\"");
            assertThat(h.results()).containsExactly(result("x-tls", "pass", null,
                    prop("smtp", "cipher", "TLS_AES_256_GCM_SHA384"), prop("body", "x-custom_prop", "a;b")));
        }

        @Test
        void quotedValuesWithEscapedQuotesBackslashesAndSemicolons() {
            AuthResultsHeader h = valid("example.org; dkim=fail reason=\"he said \\\"no\\\"; \\\\o/\""
                    + " header.d=\"example.com\" header.i=\"dkim+foo-bar@example.github.com\"");
            MethodResult r = h.results().get(0);
            assertThat(r.reason()).isEqualTo("he said \"no\"; \\o/");
            assertThat(r.properties()).containsExactly(prop("header", "d", "example.com"),
                    prop("header", "i", "dkim+foo-bar@example.github.com"));
        }

        @Test
        void pvalueForms() {
            AuthResultsHeader h = valid("example.org; spf=pass smtp.mailfrom=@example.com"
                    + " smtp.helo=mail.example.com smtp.rcptto=alice.o'neil+tag@example.com"
                    + " header.from=\"quoted local\"@example.com header.i=Pelé@example.com");
            assertThat(h.results().get(0).properties()).containsExactly(
                    prop("smtp", "mailfrom", "@example.com"),
                    prop("smtp", "helo", "mail.example.com"),
                    prop("smtp", "rcptto", "alice.o'neil+tag@example.com"),
                    prop("header", "from", "\"quoted local\"@example.com"),
                    prop("header", "i", "Pelé@example.com"));
        }

        @Test
        void leniencyForUnquotedValuesSeenInTheWild() {
            AuthResultsHeader h = valid("mx.example.org; iprev=pass policy.iprev=2001:db8::1;"
                    + " spf=none smtp.helo=[192.0.2.1]; dkim=pass header.b=gfT/i2HB+= header.a=rsa-sha256");
            assertThat(h.results()).containsExactly(
                    result("iprev", "pass", null, prop("policy", "iprev", "2001:db8::1")),
                    result("spf", "none", null, prop("smtp", "helo", "[192.0.2.1]")),
                    result("dkim", "pass", null, prop("header", "b", "gfT/i2HB+="), prop("header", "a", "rsa-sha256")));
        }

        @Test
        void trailingAndEmptySemicolonsAreSkipped() {
            assertThat(valid("example.com; spf=pass smtp.mailfrom=example.net;").results()).hasSize(1);
            assertThat(valid("example.com;; spf=pass ;  ; dkim=none ;").results())
                    .extracting(MethodResult::method).containsExactly("spf", "dkim");
        }

        @Test
        void reasonMayComeAfterPropertiesAndActionIsSkipped() {
            AuthResultsHeader h = valid("mx.example.net; dmarc=pass action=none header.from=example.com;"
                    + " dkim=pass header.d=example.com reason=\"late reason\"");
            assertThat(h.results()).containsExactly(
                    result("dmarc", "pass", null, prop("header", "from", "example.com")),
                    result("dkim", "pass", "late reason", prop("header", "d", "example.com")));
        }

        @Test
        void methodVersionIsAcceptedAndNotKept() {
            assertThat(valid("example.org; dkim/1=pass header.d=example.com").results())
                    .containsExactly(result("dkim", "pass", null, prop("header", "d", "example.com")));
            assertThat(valid("example.org; spf / 2 = fail").results()).containsExactly(result("spf", "fail", null));
        }

        @Test
        void foldingAnywhereCfwsIsAllowed() {
            AuthResultsHeader h = valid("\r\n\texample.org\r\n\t1\r\n\t;\r\n\tdkim\r\n\t=\r\n\tpass\r\n\treason\r\n\t=\r\n\t"
                    + "\"folded\r\n\treason\"\r\n\theader\r\n\t.\r\n\td\r\n\t=\r\n\texample.com\r\n");
            assertThat(h.results()).containsExactly(
                    result("dkim", "pass", "folded\treason", prop("header", "d", "example.com")));
            // bare LF folding, as in files with LF line ends
            assertThat(valid("example.org;\n spf=pass\n smtp.mailfrom=example.com").results())
                    .containsExactly(result("spf", "pass", null, prop("smtp", "mailfrom", "example.com")));
        }

        @Test
        void commentsAtTokenBoundariesNestedAndEscaped() {
            AuthResultsHeader h = valid("(lead)example.org(a)(b);(c)spf(d)=(e)pass(f)smtp(g).(h)mailfrom(i)=(j)"
                    + "example.com(k);dkim=fail (outer (inner (innermost)) \\) still comment; \\( not nested)"
                    + " header.d=example.com (trailing)");
            assertThat(h.authservId()).isEqualTo("example.org");
            assertThat(h.results()).containsExactly(
                    result("spf", "pass", null, prop("smtp", "mailfrom", "example.com")),
                    result("dkim", "fail", null, prop("header", "d", "example.com")));
        }

        @Test
        void aCommentEndsAnUnquotedValueAndSemicolonsInCommentsDoNotSplit() {
            AuthResultsHeader h = valid("example.org; auth=pass (cram-md5; with semicolon) smtp.auth=alice(user)");
            assertThat(h.results()).containsExactly(result("auth", "pass", null, prop("smtp", "auth", "alice")));
        }

        @Test
        void commentDepthUpToTheLimitIsAccepted() {
            String deep = "(".repeat(AuthResultsParser.MAX_COMMENT_DEPTH) + ")".repeat(AuthResultsParser.MAX_COMMENT_DEPTH);
            assertThat(valid("example.org " + deep + "; none").isNone()).isTrue();
            String tooDeep = "(".repeat(AuthResultsParser.MAX_COMMENT_DEPTH + 1)
                    + ")".repeat(AuthResultsParser.MAX_COMMENT_DEPTH + 1);
            assertThat(error("example.org " + tooDeep + "; none")).contains("nested more than 16 deep");
        }

        @Test
        void resultAndPropertyLimits() {
            String many = "example.org" + "; spf=pass".repeat(AuthResultsParser.MAX_RESULTS);
            assertThat(valid(many).results()).hasSize(AuthResultsParser.MAX_RESULTS);
            assertThat(error(many + "; dkim=pass")).isEqualTo("more than 100 results");
            String props = "example.org; dkim=pass" + " header.d=x".repeat(AuthResultsParser.MAX_PROPERTIES);
            assertThat(valid(props).results().get(0).properties()).hasSize(AuthResultsParser.MAX_PROPERTIES);
            assertThat(error(props + " header.s=y")).isEqualTo("more than 50 properties in dkim=pass");
        }

        @Test
        void fieldLengthLimit() {
            String padding = " ".repeat(AuthResultsParser.MAX_FIELD_CHARS - "example.org; none".length());
            assertThat(valid("example.org;" + padding + " none").isNone()).isTrue();
            assertThat(error("example.org;" + padding + "  none")).isEqualTo("field longer than 65536 characters");
        }
    }

    @Nested
    class Malformed {
        @Test
        void missingAuthservId() {
            assertThat(error("spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com"))
                    .isEqualTo("no authserv-id: the field starts with a result ('spf=')");
            assertThat(error("; spf=pass")).startsWith("expected the authserv-id at character 1, found ';'");
            assertThat(error("")).isEqualTo("no authserv-id: the field is empty");
            assertThat(error("  (only a comment)  ")).isEqualTo("no authserv-id: the field is empty");
            assertThat(error("\"\"; none")).isEqualTo("empty authserv-id");
        }

        @Test
        void authservIdWithoutResults() {
            assertThat(error("example.org")).startsWith("no result after the authserv-id");
            assertThat(error("example.org;")).startsWith("no result after the authserv-id");
            assertThat(error("example.org 1")).startsWith("no result after the authserv-id");
            assertThat(error("example.org spf=pass")).isEqualTo("expected ';' after the authserv-id at character 13, found 's'");
            assertThat(error("mx@example.org; none")).isEqualTo("expected ';' after the authserv-id at character 3, found '@'");
        }

        @Test
        void versions() {
            assertThat(error("example.org 2; none")).isEqualTo("unsupported authres-version 2 (only 1 is defined)");
            assertThat(error("example.org 0001234567890; none")).startsWith("authres-version too long");
            assertThat(valid("example.org 01; none").version()).isEqualTo(1);
            assertThat(error("example.org; spf/=pass")).startsWith("expected the version of method spf at character 18");
        }

        @Test
        void brokenResinfos() {
            assertThat(error("example.org; spf")).isEqualTo("expected '=' after method 'spf' at character 17, found the end of the field");
            assertThat(error("example.org; spf=")).startsWith("expected the result of method spf");
            assertThat(error("example.org; spf=;")).startsWith("expected the result of method spf");
            assertThat(error("example.org; =pass")).startsWith("expected a method name at character 14, found '='");
            assertThat(error("example.org; spf=pass smtp")).startsWith("expected '.' after 'smtp'");
            assertThat(error("example.org; spf=pass smtp.")).startsWith("expected a property name after 'smtp.'");
            assertThat(error("example.org; spf=pass smtp.mailfrom")).startsWith("expected '=' after smtp.mailfrom");
            assertThat(error("example.org; spf=pass smtp.mailfrom=")).startsWith("missing value for smtp.mailfrom");
            assertThat(error("example.org; spf=pass smtp.mailfrom= ;")).startsWith("missing value for smtp.mailfrom");
            assertThat(error("example.org; spf=pass reason=")).startsWith("missing value for reason");
            assertThat(error("example.org; spf=pass reason=a reason=b")).startsWith("reason given twice in spf=pass");
            assertThat(error("example.org; spf=pass header.from=\"x\"@")).startsWith("missing domain after '@'");
        }

        @Test
        void aMalformedFieldStillSaysWhoseItIsWhenTheIdWasRead() {
            assertThat(AuthResultsParser.parse("(c) \"mx.example.org\" 1; spf").authservId()).contains("mx.example.org");
            assertThat(AuthResultsParser.parse("mx.example.org 2; none").authservId()).contains("mx.example.org");
            assertThat(AuthResultsParser.parse("spf=pass smtp.mailfrom=x").authservId()).isEmpty();
            assertThat(AuthResultsParser.parse("\"unterminated; none").authservId()).isEmpty();
            assertThat(AuthResultsParser.parse(null).authservId()).isEmpty();
            assertThat(AuthResultsParser.parse("a.example; none").authservId()).contains("a.example");
        }

        @Test
        void aMissingSemicolonNeverHidesAResult() {
            assertThat(error("example.org; spf=pass smtp.mailfrom=example.com dkim=fail header.d=example.com"))
                    .isEqualTo("expected ptype.property=value at character 49, found 'dkim=' (a missing ';' before it?)");
        }

        @Test
        void truncatedInput() {
            String full = "example.org (c) 1; dkim=pass reason=\"good (sig)\" header.d=example.com (c); spf=fail";
            for (int length = 0; length < full.length(); length++) {
                String cut = full.substring(0, length);
                // every prefix parses or fails with a reason; none throws
                ParsedAuthResults parsed = AuthResultsParser.parse(cut);
                assertThat(parsed.isValid() || parsed.error().orElseThrow().length() > 0).isTrue();
            }
            assertThat(error("example.org; dkim=pass reason=\"good")).isEqualTo("unterminated quoted-string at character 31");
            assertThat(error("example.org; dkim=pass reason=\"good\\")).isEqualTo("unterminated quoted-string at character 31");
            assertThat(error("example.org (c; none")).isEqualTo("unterminated comment at character 13");
            assertThat(error("example.org; dkim=pass (a (b) c")).isEqualTo("unterminated comment at character 24");
            assertThat(error("\"example.org; none")).isEqualTo("unterminated quoted-string at character 1");
        }

        @Test
        void controlCharacters() {
            assertThat(error("example.org; dkim=pass reason=\"a\u0000b\""))
                    .isEqualTo("control character U+0000 in a quoted-string at character 33");
            assertThat(error("example.org; dkim=pass header.d=ex\u0001ample.com"))
                    .isEqualTo("expected ptype.property=value in dkim=pass at character 35, found U+0001");
            assertThat(error("example.org;\u0000spf=pass")).isEqualTo("expected a method name at character 13, found U+0000");
        }

        @Test
        void nullBody() {
            assertThat(error(null)).isEqualTo("no field body");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"", "(", ")", ";", "=", ".", "\\", "a;b=c", "a; b=c d", "a; b=c d.", "a; b=c d.e",
                "a; b=c d.e=", "a; b=c; ;=", "a; b/x=c", "a 1 2; none", "a; none none", "a; b=\"c\"",
                "a; \"b\"=c", "a; b=c (", "a; b=c d.e=\"f", "a; b=c d.e=f\\", "a;b=c;d", "\u00e9xampl\u00e9.org; none"})
        void garbageNeverThrows(String body) {
            ParsedAuthResults parsed = AuthResultsParser.parse(body);
            assertThat(parsed.isValid() != parsed.error().isPresent()).isTrue();
        }

        @Test
        void randomGarbageNeverThrows() {
            java.util.Random random = new java.util.Random(8601);
            String alphabet = "ab1 ;=.()\"\\@/\r\n\t-_\u00e9";
            for (int i = 0; i < 2000; i++) {
                StringBuilder s = new StringBuilder();
                int length = random.nextInt(40);
                for (int j = 0; j < length; j++) {
                    s.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                ParsedAuthResults parsed = AuthResultsParser.parse(s.toString());
                assertThat(parsed.isValid() != parsed.error().isPresent()).as(s.toString()).isTrue();
            }
        }
    }

    @Test
    void whatTheWriterWritesParsesBack() {
        List<MethodResult> written = List.of(
                result("spf", "pass", "matched ip4:192.0.2.0/24; \"quoted\" \\ back", prop("smtp", "mailfrom", "example.com")),
                result("iprev", "fail", null, prop("policy", "iprev", "2001:db8::1")),
                result("auth", "pass", null, prop("smtp", "auth", "alice smith@example.com")));
        String body = AuthResultsWriter.headerValue("mx.example.org", written);
        AuthResultsHeader h = valid(body);
        assertThat(h.authservId()).isEqualTo("mx.example.org");
        assertThat(h.results()).isEqualTo(written);
        assertThat(valid(AuthResultsWriter.headerValue("mx \"odd\" id", List.of())).authservId())
                .isEqualTo("mx \"odd\" id");
    }
}
