package dev.authpack.authres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Session 22's attacker's review of the trust of upstream Authentication-Results.
 */
class ReviewS22AuthResultsTest {
    private static final AuthResultsTrust TRUST = AuthResultsTrust.of(List.of("filter.example.net"), List.of(),
            "mx.example.org");

    /**
     * A trusted filter that evaluates every author domain of {@code From: ceo@victim.example, x@attacker.example}
     * writes a DMARC result for each: the attacker's own domain passes. "pass wins" (right for DKIM, one result per
     * signature) made the field {@code dmarc=pass}, so {@code HasAuthResult=dmarc=fail} did not match the failure
     * for victim.example (RFC 9989 §11.5: the strictest result of the author domains applies).
     */
    @Test
    void aDmarcPassForTheAttackersOtherAuthorDomainDoesNotHideTheFailure() {
        TrustedAuthResults r = TrustedAuthResults.evaluate(List.of("filter.example.net;"
                + " dmarc=fail (p=reject) header.from=victim.example; dmarc=pass header.from=attacker.example"), TRUST);
        assertThat(r.result("dmarc")).contains("fail");
        TrustedAuthResults passFirst = TrustedAuthResults.evaluate(List.of("filter.example.net;"
                + " dmarc=pass header.from=attacker.example; dmarc=fail header.from=victim.example"), TRUST);
        assertThat(passFirst.result("dmarc")).contains("fail");
    }

    /**
     * Review s22 (reviewB): the same attack with the attacker's other author domain having no DMARC record. The
     * rule takes "the first result listed that did not pass", not the strictest: {@code dmarc=none} for
     * {@code x@nopolicy.example} listed first hid {@code dmarc=fail} for victim.example, so
     * {@code HasAuthResult=dmarc=fail} did not match (RFC 9989 §11.5: the strictest result applies).
     */
    @Test
    void aDmarcNoneForTheAttackersOtherAuthorDomainDoesNotHideTheFailure() {
        for (String other : List.of("none", "neutral", "policy", "temperror", "permerror")) {
            TrustedAuthResults r = TrustedAuthResults.evaluate(List.of("filter.example.net; dmarc=" + other
                    + " header.from=nopolicy.example; dmarc=fail (p=reject) header.from=victim.example"), TRUST);
            assertThat(r.result("dmarc")).as(other).contains("fail");
        }
    }

    @Test
    void onlyMethodsWithOneResultPerSignatureLetAPassWin() {
        TrustedAuthResults r = TrustedAuthResults.evaluate(List.of("filter.example.net;"
                + " dkim=fail header.d=a.example; dkim=pass header.d=b.example;"
                + " iprev=pass policy.iprev=192.0.2.1; iprev=fail policy.iprev=192.0.2.2;"
                + " dmarc=pass header.from=a.example; dmarc=pass header.from=b.example"), TRUST);
        assertThat(r.result("dkim")).contains("pass");
        assertThat(r.result("iprev")).contains("fail");
        assertThat(r.result("dmarc")).contains("pass");
    }
}
