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
        // none passed: the strictest (permerror before temperror: review s22), not the first listed
        assertThat(r.result("iprev")).contains("permerror");
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

    // ------------------------------------------------------------------ trust bound to the path

    private static final Arrival FROM_FILTER = new Arrival(dev.authpack.dns.IpLiterals.parse("10.1.2.3"), false);
    private static final Arrival FROM_STRANGER = new Arrival(dev.authpack.dns.IpLiterals.parse("203.0.113.9"), false);
    private static final Arrival FROM_OWN_NETWORK = new Arrival(dev.authpack.dns.IpLiterals.parse("192.0.2.1"), true);

    private static AuthResultsTrust scoped(String id, TrustScope scope) {
        return AuthResultsTrust.scoped(java.util.Map.of(id, scope), List.of(), "mx.example.org");
    }

    private static TrustedAuthResults.PlacedField at(int receivedAbove, String body) {
        return new TrustedAuthResults.PlacedField(body, receivedAbove);
    }

    @Test
    void aTrustedIdIsBelievedOnlyFromItsNetworks() {
        AuthResultsTrust trust = scoped("Filter.example.net", TrustScope.parse("10.1.0.0/16"));
        String field = "filter.example.net; dmarc=pass header.from=bank.example";
        assertThat(trust.classify(field, Optional.of("filter.example.net"), FROM_FILTER, 1)).isEqualTo(FieldTrust.TRUSTED);
        assertThat(trust.classify(field, Optional.of("filter.example.net"), FROM_STRANGER, 1)).isEqualTo(FieldTrust.OFF_PATH);
        assertThat(trust.classify(field, Optional.of("filter.example.net"), Arrival.UNKNOWN, 0)).isEqualTo(FieldTrust.OFF_PATH);
        assertThat(trust.classify(field, Optional.of("filter.example.net"), FROM_OWN_NETWORK, 1)).isEqualTo(FieldTrust.OFF_PATH);
        assertThat(FieldTrust.OFF_PATH.word()).isEqualTo("off-path");
        // untrusted, ignored and own ids keep their classification
        assertThat(trust.classify("evil.example; none", Optional.of("evil.example"), FROM_FILTER, 1)).isEqualTo(FieldTrust.UNTRUSTED);
        assertThat(trust.classify("mx.example.org; none", Optional.of("mx.example.org"), FROM_FILTER, 1)).isEqualTo(FieldTrust.OWN);
    }

    @Test
    void aBareIdIsBelievedFromTheReceiversOwnNetworksAndAnyFromAnywhere() {
        AuthResultsTrust bare = scoped("filter.example.net", TrustScope.OWN_NETWORKS);
        String field = "filter.example.net; dmarc=pass";
        assertThat(bare.classify(field, Optional.of("filter.example.net"), FROM_OWN_NETWORK, 1)).isEqualTo(FieldTrust.TRUSTED);
        assertThat(bare.classify(field, Optional.of("filter.example.net"), FROM_FILTER, 1)).isEqualTo(FieldTrust.OFF_PATH);
        AuthResultsTrust any = scoped("filter.example.net", TrustScope.parse("ANY"));
        assertThat(any.classify(field, Optional.of("filter.example.net"), FROM_STRANGER, 1)).isEqualTo(FieldTrust.TRUSTED);
        assertThat(any.classify(field, Optional.of("filter.example.net"), FROM_STRANGER, 2)).isEqualTo(FieldTrust.OFF_PATH);
    }

    @Test
    void onlyFieldsAboveTheTrustedServersReceivedAreBelieved() {
        AuthResultsTrust trust = scoped("filter.example.net", TrustScope.parse("10.1.0.0/16"));
        TrustedAuthResults r = TrustedAuthResults.evaluate(List.of(), List.of(
                at(0, "filter.example.net; arc=pass"),                          // above our own Received
                at(1, "filter.example.net; spf=pass smtp.mailfrom=bank.example"), // the filter's block
                at(2, "filter.example.net; dmarc=pass header.from=bank.example"), // below the filter's Received
                at(3, "filter.example.net; dkim=pass header.d=bank.example")), trust, FROM_FILTER);
        assertThat(r.fields()).extracting(TrustedAuthResults.EvaluatedField::trust).containsExactly(
                FieldTrust.TRUSTED, FieldTrust.TRUSTED, FieldTrust.OFF_PATH, FieldTrust.OFF_PATH);
        assertThat(r.results()).containsOnlyKeys("arc", "spf");
        // the same message straight from a stranger: nothing is believed
        assertThat(TrustedAuthResults.evaluate(List.of(), List.of(at(1, "filter.example.net; dmarc=pass")), trust,
                FROM_STRANGER).results()).isEmpty();
    }

    @Test
    void scopesParseStrictlyAndMerge() {
        assertThat(TrustScope.parse(" 10.1.0.0/16 ").networks()).extracting(Object::toString).containsExactly("10.1.0.0/16");
        assertThat(TrustScope.parse("2001:db8::1").admits(new Arrival(dev.authpack.dns.IpLiterals.parse("2001:db8::1"), false))).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrustScope.parse("filter.example.net"))
                .hasMessageContaining("neither 'any' nor an IP address or CIDR range");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrustScope.parse("0.0.0.0/0"))
                .hasMessageContaining("every address");
        TrustScope merged = TrustScope.OWN_NETWORKS.plus(TrustScope.parse("10.1.0.0/16")).plus(TrustScope.parse("10.1.0.0/16"));
        assertThat(merged.spellings()).containsExactly("", "10.1.0.0/16");
        assertThat(merged.admits(FROM_FILTER)).isTrue();
        assertThat(merged.admits(FROM_OWN_NETWORK)).isTrue();
        assertThat(merged.admits(FROM_STRANGER)).isFalse();
        // the path-blind policy of tools (the CLI) trusts by name
        assertThat(AuthResultsTrust.of(List.of("a.example"), List.of(), null).scopes())
                .containsExactly(java.util.Map.entry("a.example", TrustScope.ANYWHERE));
    }
}
