package dev.authpack.authres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrustedAuthResultsTest {
    private static final AuthResultsTrust TRUST = AuthResultsTrust.of(
            List.of("MX1.example.org", "mx2.example.org", "both.example.org"), List.of("both.example.org", "old.example.org"),
            "mx.example.org");

    @Test
    void classification() {
        assertThat(TRUST.classify("mx1.example.org; none", Optional.of("mx1.example.org"))).isEqualTo(FieldTrust.TRUSTED);
        assertThat(TRUST.classify("x", Optional.of("MX2.EXAMPLE.ORG"))).isEqualTo(FieldTrust.TRUSTED);
        assertThat(TRUST.classify("x", Optional.of("evil.example"))).isEqualTo(FieldTrust.UNTRUSTED);
        assertThat(TRUST.classify("x", Optional.of("old.example.org"))).isEqualTo(FieldTrust.IGNORED);
        // ignored wins over trusted, as in SpamAssassin (both tests apply)
        assertThat(TRUST.classify("x", Optional.of("both.example.org"))).isEqualTo(FieldTrust.IGNORED);
        // our own id, even when it is listed as trusted, and even in a field that does not parse
        AuthResultsTrust ownListed = AuthResultsTrust.of(List.of("mx.example.org"), List.of(), "MX.example.org");
        assertThat(ownListed.classify("mx.example.org; spf=pass", Optional.of("mx.example.org"))).isEqualTo(FieldTrust.OWN);
        assertThat(ownListed.classify("(c) \"mx.example.org\" garbage", Optional.empty())).isEqualTo(FieldTrust.OWN);
        // a field whose id could not be read is untrusted
        assertThat(TRUST.classify("mx1.example.org", Optional.empty())).isEqualTo(FieldTrust.UNTRUSTED);
        assertThat(TRUST.classify("", Optional.empty())).isEqualTo(FieldTrust.UNTRUSTED);
        assertThat(AuthResultsTrust.NONE.classify("mx1.example.org; none", Optional.of("mx1.example.org")))
                .isEqualTo(FieldTrust.UNTRUSTED);
        assertThat(FieldTrust.OWN.word()).isEqualTo("own");
    }

    @Test
    void blankIdsAreDroppedAndIdsLowerCased() {
        AuthResultsTrust trust = AuthResultsTrust.of(List.of(" A.example ", " "), List.of(""), " ");
        assertThat(trust.trusted()).containsExactly("a.example");
        assertThat(trust.ignored()).isEmpty();
        assertThat(trust.ownId()).isEmpty();
        assertThat(trust.withOwnId("Own.Example").ownId()).contains("own.example");
    }

    @Test
    void newestTrustedFieldDecidesEachMethod() {
        TrustedAuthResults r = TrustedAuthResults.evaluate(List.of(
                "evil.example; dkim=pass header.d=bank.example; dmarc=pass",  // untrusted: never used
                "mx.example.org; spf=pass smtp.mailfrom=forged.example",      // claims to be us: never used
                "old.example.org; arc=pass",                                    // ignored
                "mx1.example.org; dkim=fail header.d=example.com",              // newest trusted dkim
                "mx1.example.org; spf=softfail smtp.mailfrom=example.com; broken",  // malformed: not used
                "mx2.example.org; dkim=pass header.d=example.com; spf=fail smtp.mailfrom=example.com"), TRUST);
        assertThat(r.results()).containsExactly(
                java.util.Map.entry("dkim", "fail"), java.util.Map.entry("spf", "fail"));
        assertThat(r.result("DKIM")).contains("fail");
        assertThat(r.result("dmarc")).isEmpty();
        assertThat(r.result("arc")).isEmpty();
        assertThat(r.fields()).extracting(TrustedAuthResults.EvaluatedField::trust).containsExactly(
                FieldTrust.UNTRUSTED, FieldTrust.OWN, FieldTrust.IGNORED, FieldTrust.TRUSTED, FieldTrust.TRUSTED,
                FieldTrust.TRUSTED);
        assertThat(r.fields()).extracting(TrustedAuthResults.EvaluatedField::used)
                .containsExactly(false, false, false, true, false, true);
        assertThat(r.fields().get(4).authservId()).contains("mx1.example.org");
        assertThat(r.fields().get(4).parsed().error()).isPresent();
    }

    @Test
    void nothingIsTrustedWithoutTrustedIds() {
        TrustedAuthResults r = TrustedAuthResults.evaluate(List.of("mx1.example.org; dkim=pass"), AuthResultsTrust.NONE);
        assertThat(r.results()).isEmpty();
        assertThat(r.fields()).hasSize(1);
    }

    @Test
    void ownResultsComeFirstThenTrustedFieldsFillTheRest() {
        List<MethodResult> own = List.of(
                new MethodResult("spf", "pass", null, List.of(new ResultProperty("smtp", "mailfrom", "example.com"))),
                new MethodResult("iprev", "fail", null, List.of()));
        TrustedAuthResults r = TrustedAuthResults.evaluate(own, List.of(
                "mx1.example.org; spf=fail smtp.mailfrom=example.com; dmarc=pass header.from=example.com"), TRUST);
        assertThat(r.results()).containsExactly(java.util.Map.entry("spf", "pass"),
                java.util.Map.entry("iprev", "fail"), java.util.Map.entry("dmarc", "pass"));
    }

    @Test
    void withinOneFieldPassWinsAndSpfMailFromBeatsHelo() {
        TrustedAuthResults r = TrustedAuthResults.evaluate(List.of(
                "mx1.example.org; dkim=fail header.d=a.example; dkim=pass header.d=b.example;"
                        + " spf=pass smtp.helo=mail.example.com; spf=fail smtp.mailfrom=example.com;"
                        + " iprev=temperror; iprev=permerror"), TRUST);
        assertThat(r.result("dkim")).contains("pass");
        assertThat(r.result("spf")).contains("fail");
        assertThat(r.result("iprev")).contains("temperror");
        // HELO only: it decides
        assertThat(TrustedAuthResults.evaluate(List.of("mx1.example.org; spf=none smtp.helo=x.example"), TRUST)
                .result("spf")).contains("none");
        // an upper-case result word from our own results is lower-cased
        assertThat(TrustedAuthResults.summarize("dkim",
                List.of(new MethodResult("dkim", "PermError", null, List.of())))).isEqualTo("permerror");
    }

    @Test
    void atMostMaxFieldsAreRead() {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < TrustedAuthResults.MAX_FIELDS; i++) {
            bodies.add("untrusted.example; none");
        }
        bodies.add("mx1.example.org; dkim=pass");
        TrustedAuthResults r = TrustedAuthResults.evaluate(bodies, TRUST);
        assertThat(r.fields()).hasSize(TrustedAuthResults.MAX_FIELDS);
        assertThat(r.result("dkim")).isEmpty();
    }
}
