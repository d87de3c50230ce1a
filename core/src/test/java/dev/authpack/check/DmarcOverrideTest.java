package dev.authpack.check;

import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSet;
import dev.authpack.arc.ArcStatus;
import dev.authpack.arc.SignatureVerdict;
import dev.authpack.authres.AuthResultsParser;
import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dmarc.UnverifiableDisposition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DmarcOverrideTest {

    private static DmarcResult dmarc(DmarcStatus status, DmarcPolicy disposition) {
        return new DmarcResult(status, "test", "example.com", List.of("example.com"), "example.com", "example.com",
                null, DmarcPolicy.REJECT, DmarcPolicy.REJECT, disposition, false, false, null, List.of(), List.of(),
                false, false, false, DmarcMode.RFC9989, 1);
    }

    private static ArcSet set(int instance, String sealer, String aar) {
        return new ArcSet(instance, sealer, "s", instance == 1 ? "none" : "pass", sealer, "s", sealer, aar,
                AuthResultsParser.parse(sealer + "; " + aar), SignatureVerdict.PASS, null, SignatureVerdict.PASS,
                null, true);
    }

    private static ArcResult chain(ArcStatus status, ArcSet... sets) {
        return new ArcResult(status, status == ArcStatus.FAIL ? "broken" : null, status == ArcStatus.PASS ? 0 : -1,
                List.of(sets), sets.length, false);
    }

    private static final DmarcResult FAILED = dmarc(DmarcStatus.FAIL, DmarcPolicy.REJECT);

    @Test
    void aTrustedSealerThatSawDmarcPassOverridesTheFailure() {
        ArcResult arc = chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=pass header.from=example.com"));
        Optional<DmarcOverride> override = DmarcOverride.find(FAILED, arc, Set.of("lists.example.org"));
        assertThat(override).isPresent();
        assertThat(override.get().sealer()).isEqualTo("lists.example.org");
        assertThat(override.get().instance()).isEqualTo(1);

        AuthCheckReport report = new AuthCheckReport(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(FAILED), Optional.of(arc), override);
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.NONE);
        assertThat(report.methodResults()).anySatisfy(r -> {
            assertThat(r.method()).isEqualTo("dmarc");
            assertThat(r.result()).isEqualTo("fail");
            assertThat(r.reason()).contains("trusted ARC sealer lists.example.org");
        });
    }

    @Test
    void noOverrideForAnUntrustedSealer() {
        ArcResult arc = chain(ArcStatus.PASS, set(1, "evil.example", "dmarc=pass"));
        assertThat(DmarcOverride.find(FAILED, arc, Set.of("lists.example.org"))).isEmpty();
        AuthCheckReport report = new AuthCheckReport(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(FAILED), Optional.of(arc), Optional.empty());
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void onlySetsContiguouslyTrustedFromTheNewestCount() {
        // a trusted set below an untrusted newest sealer could have been replayed by that sealer
        ArcResult arc = chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=pass header.from=example.com"),
                set(2, "evil.example", "dmarc=fail"));
        assertThat(DmarcOverride.find(FAILED, arc, Set.of("lists.example.org"))).isEmpty();
        // both trusted: the older set's word counts
        assertThat(DmarcOverride.find(FAILED, arc, Set.of("lists.example.org", "evil.example"))).isPresent();
    }

    @Test
    void noOverrideWhenTheChainFailsOrTheSealerSawNoPass() {
        assertThat(DmarcOverride.find(FAILED, chain(ArcStatus.FAIL, set(1, "lists.example.org", "dmarc=pass")),
                Set.of("lists.example.org"))).isEmpty();
        assertThat(DmarcOverride.find(FAILED, chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=fail")),
                Set.of("lists.example.org"))).isEmpty();
        assertThat(DmarcOverride.find(FAILED, chain(ArcStatus.PASS, set(1, "lists.example.org", "spf=pass")),
                Set.of("lists.example.org"))).isEmpty();
        assertThat(DmarcOverride.find(FAILED, ArcResult.none(), Set.of("lists.example.org"))).isEmpty();
    }

    @Test
    void onlyAFailureIsOverridden() {
        ArcResult arc = chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=pass"));
        assertThat(DmarcOverride.find(dmarc(DmarcStatus.PASS, DmarcPolicy.NONE), arc, Set.of("lists.example.org")))
                .isEmpty();
        assertThat(DmarcOverride.find(dmarc(DmarcStatus.TEMPERROR, DmarcPolicy.NONE), arc,
                Set.of("lists.example.org"))).isEmpty();
    }

    @Test
    void sealerNamesCompareWithoutCaseOrTrailingDot() {
        ArcResult arc = chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=pass header.from=Example.COM."));
        CheckOptions options = CheckOptions.ALL.withTrustedArcSealers(Set.of(" Lists.Example.ORG. "));
        assertThat(DmarcOverride.find(FAILED, arc, options.trustedArcSealers())).isPresent();
    }

    @Test
    void aPassForAnotherAuthorDomainDoesNotOverride() {
        // an attacker adds From: ceo@example.com above a message a trusted list sealed for attacker.example
        ArcResult replay = chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=pass header.from=attacker.example"));
        assertThat(DmarcOverride.find(FAILED, replay, Set.of("lists.example.org"))).isEmpty();
        ArcResult noFrom = chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=pass"));
        assertThat(DmarcOverride.find(FAILED, noFrom, Set.of("lists.example.org"))).isEmpty();
        // two author domains: the sealer must have seen both pass
        DmarcResult two = new DmarcResult(DmarcStatus.FAIL, "test", "example.com",
                List.of("example.com", "victim.example"), "example.com", "example.com", null, DmarcPolicy.REJECT,
                DmarcPolicy.REJECT, DmarcPolicy.REJECT, false, false, null, List.of(), List.of(), false, false, false,
                DmarcMode.RFC9989, 1);
        ArcResult one = chain(ArcStatus.PASS, set(1, "lists.example.org", "dmarc=pass header.from=example.com"));
        assertThat(DmarcOverride.find(two, one, Set.of("lists.example.org"))).isEmpty();
        ArcResult both = chain(ArcStatus.PASS, set(1, "lists.example.org",
                "dmarc=pass header.from=example.com; dmarc=pass header.from=victim.example"));
        assertThat(DmarcOverride.find(two, both, Set.of("lists.example.org"))).isPresent();
    }

    /** A chain our overload left unvalidated: its key lookup was not sent (ArcResult#localOverload). */
    private static ArcResult notSent(ArcSet... sets) {
        return new ArcResult(ArcStatus.FAIL, "ARC-Seal i=1 did not validate: key unavailable (lookup of"
                + " s._domainkey.lists.example.org not sent, this server's DNS resolver is overloaded)", -1,
                List.of(sets), sets.length, false, true);
    }

    @Test
    void aTrustedChainOurOverloadLeftUnvalidatedMakesTheFailureAnOverloadTemperror() {
        ArcResult arc = notSent(set(1, "lists.example.org", "dmarc=pass header.from=example.com"));
        Set<String> trusted = Set.of("lists.example.org");
        assertThat(DmarcOverride.find(FAILED, arc, trusted)).isEmpty();
        DmarcResult undecided = DmarcOverride.unlessUndecided(FAILED, arc, trusted, DmarcOptions.DEFAULT);
        assertThat(undecided.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(undecided.localOverload()).isTrue();
        assertThat(undecided.reason()).startsWith("cannot be completed: the chain of trusted ARC sealer"
                + " lists.example.org (i=1) not checked, this server's DNS resolver is overloaded (test)");
        assertThat(undecided.disposition()).isEqualTo(DmarcPolicy.REJECT);
        // nothing overrode the failure: not even dmarcUnverifiableDisposition=none makes it milder
        assertThat(DmarcOverride.unlessUndecided(FAILED, arc, trusted, DmarcOptions.DEFAULT
                .withUnverifiableDisposition(UnverifiableDisposition.NONE)).disposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void aFailPctLeftOutKeepsItsSampledDispositionWhenOurOverloadLeavesTheOverrideUndecided() {
        // RFC 7489 §6.6.4: pct left this p=reject fail out, so it is quarantined; the override could only make
        // that milder, so the fail left undecided must not ask for more than quarantine
        DmarcResult sampledOut = new DmarcResult(DmarcStatus.FAIL, "test; left out by pct=50", "example.com",
                List.of("example.com"), "example.com", "example.com", null, DmarcPolicy.REJECT,
                DmarcPolicy.QUARANTINE, DmarcPolicy.QUARANTINE, false, false, null, List.of(), List.of(), false, true,
                false, DmarcMode.RFC7489, 1);
        ArcResult arc = notSent(set(1, "lists.example.org", "dmarc=pass header.from=example.com"));
        Set<String> trusted = Set.of("lists.example.org");
        DmarcOptions rfc7489 = DmarcOptions.DEFAULT.withMode(DmarcMode.RFC7489);
        DmarcResult undecided = DmarcOverride.unlessUndecided(sampledOut, arc, trusted, rfc7489);
        assertThat(undecided.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(undecided.localOverload()).isTrue();
        assertThat(undecided.sampledOut()).isTrue();
        assertThat(undecided.policy()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(undecided.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(undecided.undecidedFail()).isTrue();
        assertThat(undecided.withLocalOverload(false).undecidedFail()).isFalse();
        // a disposition configured for unverifiable mail still counts (rule 7)
        assertThat(DmarcOverride.unlessUndecided(sampledOut, arc, trusted, rfc7489.withUnverifiableDisposition(
                UnverifiableDisposition.REJECT)).disposition()).isEqualTo(DmarcPolicy.REJECT);
        // in the sample: the fail's own reject
        assertThat(DmarcOverride.unlessUndecided(FAILED, arc, trusted, rfc7489).disposition())
                .isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void anOverloadGivesNothingWhereNoOverrideCouldApply() {
        Set<String> trusted = Set.of("lists.example.org");
        ArcResult pass = notSent(set(1, "lists.example.org", "dmarc=pass header.from=example.com"));
        for (ArcResult arc : List.of(notSent(set(1, "evil.example", "dmarc=pass header.from=example.com")),
                notSent(set(1, "lists.example.org", "dmarc=fail header.from=example.com")),
                notSent(set(1, "lists.example.org", "dmarc=pass header.from=example.com"),
                        set(2, "evil.example", "dmarc=pass header.from=example.com")),
                chain(ArcStatus.FAIL, set(1, "lists.example.org", "dmarc=pass header.from=example.com")))) {
            assertThat(DmarcOverride.unlessUndecided(FAILED, arc, trusted, DmarcOptions.DEFAULT)).isSameAs(FAILED);
        }
        assertThat(DmarcOverride.unlessUndecided(FAILED, pass, Set.of(), DmarcOptions.DEFAULT)).isSameAs(FAILED);
        // a pass wins, and an error stays the error it is
        for (DmarcStatus status : List.of(DmarcStatus.PASS, DmarcStatus.TEMPERROR, DmarcStatus.PERMERROR)) {
            DmarcResult other = dmarc(status, DmarcPolicy.NONE);
            assertThat(DmarcOverride.unlessUndecided(other, pass, trusted, DmarcOptions.DEFAULT)).isSameAs(other);
        }
        assertThatThrownBy(() -> dmarc(DmarcStatus.PASS, DmarcPolicy.NONE).undecidedByOverload("x",
                DmarcOptions.DEFAULT)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ArcResult(ArcStatus.PASS, null, 0, List.of(), 1, false, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DmarcResult(DmarcStatus.TEMPERROR, "test", "example.com",
                List.of("example.com"), null, null, null, null, null, DmarcPolicy.NONE, false, false, null, List.of(),
                List.of(), false, false, false, DmarcMode.RFC9989, 1, false, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
