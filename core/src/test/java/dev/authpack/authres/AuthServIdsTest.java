package dev.authpack.authres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthServIdsTest {

    @Test
    void readsTheFirstToken() {
        assertThat(AuthServIds.of(" mx.example.org; spf=pass")).contains("mx.example.org");
        assertThat(AuthServIds.of("mx.example.org 1; none")).contains("mx.example.org");
    }

    @Test
    void skipsCommentsAndFolding() {
        assertThat(AuthServIds.of("\r\n\t(a (nested) comment) mx.example.org;")).contains("mx.example.org");
    }

    @Test
    void readsQuotedIds() {
        assertThat(AuthServIds.of("\"mx.example.org\"; none")).contains("mx.example.org");
        assertThat(AuthServIds.of("\"mx\\\"x\"; none")).contains("mx\"x");
    }

    @Test
    void emptyOrBrokenGivesNothing() {
        assertThat(AuthServIds.of("")).isEmpty();
        assertThat(AuthServIds.of(null)).isEmpty();
        assertThat(AuthServIds.of("(unterminated comment mx")).isEmpty();
        assertThat(AuthServIds.of("\"unterminated")).isEmpty();
        assertThat(AuthServIds.of("; spf=pass")).isEmpty();
    }

    @Test
    void claimsComparesCaseInsensitively() {
        assertThat(AuthServIds.claims("MX.Example.ORG; spf=pass", "mx.example.org")).isTrue();
        assertThat(AuthServIds.claims("mx.example.org.evil; spf=pass", "mx.example.org")).isFalse();
        assertThat(AuthServIds.claims("other; spf=pass", "mx.example.org")).isFalse();
    }

    private static final String OURS = "mx.example.org";

    /** Every form a reader could take as our id counts as ours (fail closed): the attacker's variants. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "mx.example.org; dmarc=pass",
            "MX.EXAMPLE.ORG; dmarc=pass",
            "mx.example.org.; dmarc=pass",
            "mx.example.org..; dmarc=pass",
            "mx.example.org/1; dmarc=pass",
            "mx.example.org 1; dmarc=pass",
            "mx.example.org (version) 1; dmarc=pass",
            "mx.example.org(comment); dmarc=pass",
            "(comment) mx.example.org; dmarc=pass",
            "(a (nested) comment)\r\n\tmx.example.org; dmarc=pass",
            "mx.example.org\u00e9; dmarc=pass",
            "mx.example.org\u00ff\u00fe; dmarc=pass",
            "mx.example.org\ufffd; dmarc=pass",
            "mx.example.org\u200b; dmarc=pass",
            "\u200bmx.example.org; dmarc=pass",
            "mx\u00ad.example.org; dmarc=pass",
            "mx.example.org@evil; dmarc=pass",
            "mx.example.org:; dmarc=pass",
            "mx.example.org,x; dmarc=pass",
            "mx.example.org\\; dmarc=pass",
            "mx.example.org; ",
            "mx.example.org",
            "\"mx.example.org\"; dmarc=pass",
            "\" MX.example.org. \"; dmarc=pass",
            "\"mx.exa\rmple.org\"; dmarc=pass",
            "\"mx.exa\n\n\nmple.org\"; dmarc=pass",
            "\"mx\\.example.org\"; dmarc=pass",
            "\"mx.example.org; dmarc=pass",
            "\"mx.example.org\" 1; dmarc=pass",
            "\uff4d\uff58\uff0e\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff4f\uff52\uff47; dmarc=pass",
            "mx\u3002example\u3002org; dmarc=pass",
            "\u0000mx.example.org; dmarc=pass",
            "\tmx.example.org\t; dmarc=pass",
    })
    void claimsEveryFormAReaderCouldTakeAsOurs(String body) {
        assertThat(AuthServIds.claims(body, OURS)).as(body).isTrue();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "mx.example.org.evil; dmarc=pass",
            "mx.example.org.uk; dmarc=pass",
            "mx.example.org-x; dmarc=pass",
            "mx.example.org_x; dmarc=pass",
            "mx.example.orgx; dmarc=pass",
            "xmx.example.org; dmarc=pass",
            "mx2.example.org; dmarc=pass",
            "example.org; dmarc=pass",
            "filter.example.net; mx.example.org=pass",
            "\"mx.example.org.evil\"; dmarc=pass",
            "(mx.example.org) other.example; dmarc=pass",
            "; dmarc=pass",
            "",
            "(unterminated mx.example.org; dmarc=pass",
    })
    void otherIdsAreNotOurs(String body) {
        assertThat(AuthServIds.claims(body, OURS)).as(body).isFalse();
    }

    @Test
    void ourOwnIdIsNormalizedTheSameWay() {
        assertThat(AuthServIds.claims("mx.example.org; none", "MX.Example.Org.")).isTrue();
        assertThat(AuthServIds.claims("mx.example.org.; none", " mx.example.org ")).isTrue();
    }

    @Test
    void idnALabelAndULabelAreTheSameId() {
        assertThat(AuthServIds.claims("mx.xn--bcher-kva.example; none", "mx.b\u00fccher.example")).isTrue();
        assertThat(AuthServIds.claims("mx.b\u00fccher.example; none", "mx.xn--bcher-kva.example")).isTrue();
        assertThat(AuthServIds.claims("MX.B\u00dcCHER.example.; none", "mx.xn--bcher-kva.example")).isTrue();
        assertThat(AuthServIds.claims("mx.bucher.example; none", "mx.xn--bcher-kva.example")).isFalse();
    }

    @Test
    void idsThatAreNotDomainNamesCompareWhole() {
        assertThat(AuthServIds.claims("\"my server\"; none", "my server")).isTrue();
        assertThat(AuthServIds.claims("\"My  Server\"; none", "my server")).isFalse();
        assertThat(AuthServIds.claims("my; none", "my server")).isFalse();
        // what our own parser reads as the id (an RFC 2045 token) is always compared
        assertThat(AuthServIds.claims("a+b/1; none", "a+b")).isTrue();
        assertThat(AuthServIds.claims("a+b=c; none", "a+b")).isTrue();
    }

    /** The classifier (AuthResultsTrust) also believes the parser's reading: claims must never be narrower. */
    @Test
    void whateverOurParserReadsAsOurIdIsClaimedAsOurs() {
        java.util.Random random = new java.util.Random(42);
        String[] pieces = {"mx.example.org", "MX.EXAMPLE.ORG", "\"mx.example.org\"", "(c)", " ", "\t", "\r\n ", ".",
                "..", "/1", " 1", ";", "; dmarc=pass", "\u00e9", "\u200b", "x", "-", "_", "=", "@", "\"", "\\", "(", ")"};
        for (int n = 0; n < 200_000; n++) {
            StringBuilder body = new StringBuilder();
            int parts = 1 + random.nextInt(5);
            for (int i = 0; i < parts; i++) {
                body.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = body.toString();
            boolean parserSaysOurs = AuthResultsParser.parse(text).authservId()
                    .map(id -> id.strip().toLowerCase(java.util.Locale.ROOT).equals(OURS)).orElse(false);
            if (parserSaysOurs) {
                assertThat(AuthServIds.claims(text, OURS)).as(text).isTrue();
            }
        }
    }
}
