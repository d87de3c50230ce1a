package dev.authpack.dmarc;

import dev.authpack.check.AuthResultsMapping;
import static dev.authpack.dmarc.DmarcTesting.dkim;
import static dev.authpack.dmarc.DmarcTesting.dkimPass;
import static dev.authpack.dmarc.DmarcTesting.dmarc;
import static dev.authpack.dmarc.DmarcTesting.host;
import static dev.authpack.dmarc.DmarcTesting.noSpf;
import static dev.authpack.dmarc.DmarcTesting.signature;
import static dev.authpack.dmarc.DmarcTesting.spf;
import static dev.authpack.dmarc.DmarcTesting.spfPass;
import static dev.authpack.dmarc.DmarcTesting.unsigned;
import static dev.authpack.dmarc.DmarcTesting.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DmarcEvaluatorTest {

    private static DmarcResult run(DnsResolver dns, DmarcOptions options, String from, Optional<SpfResult> spf,
                                   Optional<DkimReport> dkim) {
        CompletableFuture<DmarcResult> f = new DmarcEvaluator(dns, options).evaluate(List.of(from), spf, dkim);
        assertThat(f).isCompleted();    // zone answers are immediate, so the whole evaluation is
        return f.join();
    }

    private static DmarcResult run(DnsResolver dns, String from, Optional<SpfResult> spf,
                                   Optional<DkimReport> dkim) {
        return run(dns, DmarcOptions.DEFAULT, from, spf, dkim);
    }

    private static final DmarcOptions RFC7489 = DmarcOptions.DEFAULT.withMode(DmarcMode.RFC7489);

    @Nested
    class Alignment {
        final ZoneFileResolver dns = zone(
                dmarc("example.com", "v=DMARC1; p=reject; rua=mailto:d@example.com"),
                dmarc("strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s"),
                host("news.example.com"), host("foo.example.com"));

        @Test
        void passThroughSpfAloneRelaxed() {
            DmarcResult r = run(dns, "alice@example.com", spfPass("bounce.example.com"), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(r.spfAligned()).isTrue();
            assertThat(r.dkimAligned()).isFalse();
            assertThat(r.spfDomain()).isEqualTo("bounce.example.com");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(r.policy()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(r.policyDomain()).isEqualTo("example.com");
            assertThat(r.organizationalDomain()).isEqualTo("example.com");
            assertThat(r.reason()).isEqualTo("aligned: SPF bounce.example.com");
        }

        @Test
        void passThroughDkimAloneRelaxed() {
            DmarcResult r = run(dns, "alice@example.com", spf(SpfStatus.FAIL, "example.com"),
                    dkimPass("mail.example.com"));
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(r.spfAligned()).isFalse();
            assertThat(r.dkimAligned()).isTrue();
            assertThat(r.alignedDkimDomains()).containsExactly("mail.example.com");
        }

        @Test
        void failWhenNeitherAligns() {
            DmarcResult r = run(dns, "alice@example.com", spfPass("example.net"),
                    dkim(signature(DkimStatus.PASS, "example.org"), signature(DkimStatus.FAIL, "example.com")));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(r.dkimDomains()).containsExactly("example.org");
            assertThat(r.reason()).isEqualTo("no aligned identifier: SPF pass for example.net not aligned; "
                    + "DKIM pass for example.org not aligned");
        }

        @Test
        void failWithoutAnyAuthenticatedIdentifier() {
            DmarcResult r = run(dns, "alice@example.com", spf(SpfStatus.SOFTFAIL, "example.com"), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.reason()).isEqualTo("no aligned identifier: SPF softfail for example.com; no DKIM signature");
            assertThat(run(dns, "alice@example.com", noSpf(), Optional.empty()).reason())
                    .isEqualTo("no aligned identifier: no SPF result; no DKIM result");
        }

        @Test
        void aHeloSpfPassIsNotAnAuthenticatedIdentifier() {
            Optional<SpfResult> helo = Optional.of(new SpfResult(SpfStatus.PASS, SpfIdentity.HELO, "example.com",
                    "all", null, 1, 0, "test"));
            DmarcResult r = run(dns, "alice@example.com", helo, unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.spfDomain()).isNull();
        }

        @Test
        void relaxedSiblingsShareTheOrganizationalDomain() {
            DmarcResult r = run(dns, "alice@news.example.com", noSpf(), dkimPass("foo.example.com"));
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(r.organizationalDomain()).isEqualTo("example.com");
        }

        @Test
        void strictMeansEqualNames() {
            DmarcResult sub = run(dns, "alice@strict.example", spfPass("mail.strict.example"),
                    dkimPass("mail.strict.example"));
            assertThat(sub.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(sub.disposition()).isEqualTo(DmarcPolicy.REJECT);
            DmarcResult equal = run(dns, "alice@strict.example", spfPass("STRICT.Example."), unsigned());
            assertThat(equal.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(equal.spfAligned()).isTrue();
            DmarcResult dkimEqual = run(dns, "alice@Strict.EXAMPLE.", noSpf(), dkimPass("strict.example."));
            assertThat(dkimEqual.status()).isEqualTo(DmarcStatus.PASS);
        }

        @Test
        void strictDoesNotAlignAParentDomainEither() {
            // peers have shipped strict checks that compared organizational domains, or suffixes
            ZoneFileResolver z = zone(dmarc("mail.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s"),
                    dmarc("strict.example", "v=DMARC1; p=none"));
            DmarcResult r = run(z, "alice@mail.strict.example", spfPass("strict.example"), dkimPass("strict.example"));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void strictNeedsNoTreeWalkForTheIdentifiers() {
            CountingResolver counting = new CountingResolver(dns);
            run(counting, "alice@strict.example", spfPass("other.strict.example"), dkimPass("a.b.strict.example"));
            assertThat(counting.askedTxt()).containsExactly("_dmarc.strict.example", "_dmarc.example");
        }

        @Test
        void namesThatOnlyShareASuffixStringAreNotAligned() {
            DmarcResult r = run(dns, "alice@example.com", spfPass("evilexample.com"), dkimPass("notexample.com"));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            DmarcResult other = run(dns, "alice@example.com", spfPass("example.com.evil.net"), unsigned());
            assertThat(other.status()).isEqualTo(DmarcStatus.FAIL);
        }

        @Test
        void anyOneAlignedDkimSignatureIsEnough() {
            DmarcResult r = run(dns, "alice@example.com", noSpf(),
                    dkimPass("example.org", "example.net", "example.com"));
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(r.alignedDkimDomains()).containsExactly("example.com");
            assertThat(r.dkimDomains()).containsExactly("example.org", "example.net", "example.com");
        }

        @Test
        void dkimDomainsBeyondTheBoundAreNotChecked() {
            DmarcOptions two = DmarcOptions.DEFAULT.withMaxDkimDomains(2);
            DmarcResult r = run(dns, two, "alice@example.com", noSpf(),
                    dkimPass("example.org", "example.net", "example.com"));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.reason()).contains("1 more DKIM domains not checked (limit 2)");
        }

        @Test
        void aDkimKeyInTestingModeStillAuthenticates() {
            DkimReport report = new DkimReport(List.of(new dev.authpack.dkim.DkimResult(DkimStatus.PASS, null,
                    "example.com", "@example.com", "s", "ed25519-sha256", "x", true, 0)), null, 1);
            assertThat(run(dns, "alice@example.com", noSpf(), Optional.of(report)).status())
                    .isEqualTo(DmarcStatus.PASS);
        }
    }

    @Nested
    class PolicySelection {
        final ZoneFileResolver dns = zone(
                dmarc("example.com", "v=DMARC1; p=reject; sp=quarantine; np=reject"),
                dmarc("nosp.example", "v=DMARC1; p=quarantine"),
                dmarc("nonp.example", "v=DMARC1; p=reject; sp=none"),
                dmarc("own.example.com", "v=DMARC1; p=none"),
                host("sub.example.com"), host("sub.nosp.example"),
                "mx.example.com. MX 10 mail.example.net.");

        @Test
        void theAuthorDomainsOwnRecordUsesP() {
            DmarcResult r = run(dns, "a@example.com", noSpf(), unsigned());
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void anExistingSubdomainUsesSp() {
            DmarcResult r = run(dns, "a@sub.example.com", noSpf(), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.policyDomain()).isEqualTo("example.com");
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
            // a name with only an MX record exists as well
            assertThat(run(dns, "a@mx.example.com", noSpf(), unsigned()).disposition())
                    .isEqualTo(DmarcPolicy.QUARANTINE);
        }

        @Test
        void aNonExistentSubdomainUsesNp() {
            CountingResolver counting = new CountingResolver(dns);
            DmarcResult r = run(counting, "a@ghost.example.com", noSpf(), unsigned());
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(counting.asked()).contains("A ghost.example.com", "AAAA ghost.example.com",
                    "MX ghost.example.com");
            assertThat(r.dnsQueries()).isEqualTo(counting.asked().size());
        }

        @Test
        void withoutSpTheSubdomainsGetP() {
            assertThat(run(dns, "a@sub.nosp.example", noSpf(), unsigned()).requestedPolicy())
                    .isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(run(dns, "a@ghost.nosp.example", noSpf(), unsigned()).requestedPolicy())
                    .isEqualTo(DmarcPolicy.QUARANTINE);
        }

        @Test
        void withoutNpANonExistentSubdomainGetsSpAndNoExistenceQueryIsSent() {
            CountingResolver counting = new CountingResolver(dns);
            DmarcResult r = run(counting, "a@ghost.nonp.example", noSpf(), unsigned());
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.NONE);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(counting.asked()).allMatch(q -> q.startsWith("TXT "));
        }

        @Test
        void aSubdomainWithItsOwnRecordUsesItsP() {
            DmarcResult r = run(dns, "a@own.example.com", noSpf(), unsigned());
            assertThat(r.policyDomain()).isEqualTo("own.example.com");
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.NONE);
            // its organizational domain is still example.com, so mail signed by example.com aligns
            assertThat(r.organizationalDomain()).isEqualTo("example.com");
            assertThat(run(dns, "a@own.example.com", noSpf(), dkimPass("example.com")).status())
                    .isEqualTo(DmarcStatus.PASS);
        }

        @Test
        void anUnknownExistenceOnlyMattersForAFailure() {
            ZoneFileResolver failing = dns.withFailure("ghost.example.com", DnsOutcome.TIMEOUT);
            DmarcResult fail = run(failing, "a@ghost.example.com", noSpf(), unsigned());
            assertThat(fail.status()).isEqualTo(DmarcStatus.TEMPERROR);
            // unverifiable: the stricter of sp and np (docs/dmarc.md "Fail-closed rules")
            assertThat(fail.disposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(fail.reason()).contains("cannot tell whether ghost.example.com exists");
            DmarcResult pass = run(failing, "a@ghost.example.com", noSpf(), dkimPass("example.com"));
            assertThat(pass.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(pass.requestedPolicy()).isEqualTo(DmarcPolicy.QUARANTINE);
        }
    }

    @Nested
    class TestModeAndSampling {
        final ZoneFileResolver dns = zone(
                dmarc("reject.example", "v=DMARC1; p=reject; t=y; pct=0"),
                dmarc("quarantine.example", "v=DMARC1; p=quarantine; t=y"),
                dmarc("none.example", "v=DMARC1; p=none; t=y"),
                dmarc("half.example", "v=DMARC1; p=reject; pct=50"),
                dmarc("halfq.example", "v=DMARC1; p=quarantine; pct=50"),
                dmarc("zero.example", "v=DMARC1; p=reject; pct=0"),
                dmarc("full.example", "v=DMARC1; p=reject; pct=100"));

        @Test
        void testModeTakesThePolicyOneLevelDown() {
            DmarcResult reject = run(dns, "a@reject.example", noSpf(), unsigned());
            assertThat(reject.testMode()).isTrue();
            assertThat(reject.requestedPolicy()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(reject.policy()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(reject.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(reject.sampledOut()).isFalse();      // pct is not part of RFC 9989
            DmarcResult quarantine = run(dns, "a@quarantine.example", noSpf(), unsigned());
            assertThat(quarantine.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(run(dns, "a@none.example", noSpf(), unsigned()).disposition()).isEqualTo(DmarcPolicy.NONE);
            DmarcResult pass = run(dns, "a@reject.example", spfPass("reject.example"), unsigned());
            assertThat(pass.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(pass.policy()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(pass.disposition()).isEqualTo(DmarcPolicy.NONE);
        }

        @Test
        void pctIsIgnoredByRfc9989() {
            assertThat(run(dns, "a@zero.example", noSpf(), unsigned()).disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void testModeIsNotPartOfRfc7489() {
            DmarcResult r = run(dns, RFC7489.withSampler(() -> 0), "a@quarantine.example", noSpf(), unsigned());
            assertThat(r.testMode()).isFalse();
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        }

        @Test
        void pctZeroNeverEnactsAndOneHundredAlwaysDoes() {
            DmarcOptions highest = RFC7489.withSampler(() -> 0);
            DmarcResult zero = run(dns, highest, "a@zero.example", noSpf(), unsigned());
            assertThat(zero.sampledOut()).isTrue();
            assertThat(zero.requestedPolicy()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(zero.policy()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(zero.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(zero.reason()).endsWith("left out by pct=0");
            DmarcResult full = run(dns, RFC7489.withSampler(() -> 99), "a@full.example", noSpf(), unsigned());
            assertThat(full.sampledOut()).isFalse();
            assertThat(full.disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void samplingDrawsAgainstPct() {
            assertThat(run(dns, RFC7489.withSampler(() -> 49), "a@half.example", noSpf(), unsigned()).disposition())
                    .isEqualTo(DmarcPolicy.REJECT);
            assertThat(run(dns, RFC7489.withSampler(() -> 50), "a@half.example", noSpf(), unsigned()).disposition())
                    .isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(run(dns, RFC7489.withSampler(() -> 50), "a@halfq.example", noSpf(), unsigned())
                    .disposition()).isEqualTo(DmarcPolicy.NONE);
        }

        @Test
        void samplingIsOnlyDrawnForFailures() {
            int[] draws = {0};
            DmarcOptions counting = RFC7489.withSampler(() -> {
                draws[0]++;
                return 99;
            });
            run(dns, counting, "a@half.example", spfPass("half.example"), unsigned());
            assertThat(draws[0]).isZero();
            run(dns, counting, "a@half.example", noSpf(), unsigned());
            assertThat(draws[0]).isEqualTo(1);
        }
    }

    @Nested
    class TreeWalkDiscovery {
        @Test
        void theOrganizationalDomainsRecordIsFoundByWalking() {
            CountingResolver dns = new CountingResolver(zone(dmarc("example.com", "v=DMARC1; p=quarantine"),
                    host("a.b.c.example.com")));
            DmarcResult r = run(dns, "x@a.b.c.example.com", noSpf(), unsigned());
            assertThat(r.policyDomain()).isEqualTo("example.com");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(dns.askedTxt()).containsExactlyInAnyOrder("_dmarc.a.b.c.example.com",
                    "_dmarc.b.c.example.com", "_dmarc.c.example.com", "_dmarc.example.com", "_dmarc.com");
        }

        @Test
        void aRecordBetweenAuthorAndOrganizationalDomainIsNotThePolicy() {
            // RFC 9989 §4.10.1: author domain, else organizational domain, else public suffix domain
            ZoneFileResolver dns = zone(dmarc("mail.example.com", "v=DMARC1; p=none"),
                    dmarc("example.com", "v=DMARC1; p=reject"), host("a.mail.example.com"));
            DmarcResult r = run(dns, "x@a.mail.example.com", noSpf(), unsigned());
            assertThat(r.policyDomain()).isEqualTo("example.com");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void psdNoMakesADelegatedOrganizationalDomain() {
            ZoneFileResolver dns = zone(dmarc("dept.example.com", "v=DMARC1; p=quarantine; psd=n"),
                    dmarc("example.com", "v=DMARC1; p=reject"), host("a.dept.example.com"));
            DmarcResult r = run(dns, "x@a.dept.example.com", noSpf(), dkimPass("example.com"));
            assertThat(r.policyDomain()).isEqualTo("dept.example.com");
            assertThat(r.organizationalDomain()).isEqualTo("dept.example.com");
            // example.com is another organization now: its signature does not align
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(run(dns, "x@a.dept.example.com", noSpf(), dkimPass("b.dept.example.com")).status())
                    .isEqualTo(DmarcStatus.PASS);
        }

        @Test
        void aPublicSuffixDomainsPolicyAppliesBelowItsBoundary() {
            ZoneFileResolver dns = zone(dmarc("gov", "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=y"),
                    host("agency.gov"), host("other.gov"), host("mail.agency.gov"));
            DmarcResult r = run(dns, "x@mail.agency.gov", noSpf(), dkimPass("other.gov"));
            assertThat(r.policyDomain()).isEqualTo("gov");
            assertThat(r.organizationalDomain()).isEqualTo("agency.gov");
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(run(dns, "x@mail.agency.gov", noSpf(), dkimPass("agency.gov")).status())
                    .isEqualTo(DmarcStatus.PASS);
            // the registered name itself is a subdomain of the PSD: sp, or np when it does not exist
            assertThat(run(dns, "x@agency.gov", noSpf(), unsigned()).requestedPolicy())
                    .isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(run(dns, "x@unregistered.gov", noSpf(), unsigned()).requestedPolicy())
                    .isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void anOrganizationalDomainsOwnRecordWinsOverThePublicSuffixDomains() {
            ZoneFileResolver dns = zone(dmarc("gov", "v=DMARC1; p=reject; psd=y"),
                    dmarc("agency.gov", "v=DMARC1; p=none"), host("mail.agency.gov"));
            DmarcResult r = run(dns, "x@mail.agency.gov", noSpf(), unsigned());
            assertThat(r.policyDomain()).isEqualTo("agency.gov");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
        }

        @Test
        void longAuthorDomainsCostAtMostEightQueries() {
            String author = "a.b.c.d.e.f.g.h.i.j.mail.example.com";
            CountingResolver dns = new CountingResolver(zone(dmarc("example.com", "v=DMARC1; p=reject"),
                    host(author)));
            DmarcResult r = run(dns, "x@" + author, noSpf(), unsigned());
            assertThat(r.policyDomain()).isEqualTo("example.com");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(dns.askedTxt()).hasSize(8).contains("_dmarc." + author, "_dmarc.g.h.i.j.mail.example.com")
                    .doesNotContain("_dmarc.f.g.h.i.j.mail.example.com");
        }

        @Test
        void queriesStayBoundedWithManyIdentifiers() {
            CountingResolver dns = new CountingResolver(zone(dmarc("example.com", "v=DMARC1; p=reject")));
            String[] signers = new String[20];
            for (int i = 0; i < signers.length; i++) {
                signers[i] = "s" + i + ".x1.x2.x3.x4.x5.x6.x7.example.com";
            }
            DmarcResult r = run(dns, "x@a1.a2.a3.a4.a5.a6.a7.a8.example.com", spfPass("m1.m2.m3.m4.m5.m6.m7.com"),
                    dkimPass(signers));
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            // walks: author 8, SPF identifier 8, 10 DKIM identifiers 8 each; shared upper names asked once
            assertThat(dns.asked()).hasSizeLessThanOrEqualTo(8 * 12);
            assertThat(dns.asked()).doesNotHaveDuplicates();
            assertThat(r.dnsQueries()).isEqualTo(dns.asked().size());
        }

        @Test
        void everyNameIsAskedOnlyOnce() {
            CountingResolver dns = new CountingResolver(zone(dmarc("example.com", "v=DMARC1; p=reject"),
                    host("a.example.com")));
            run(dns, "x@a.example.com", spfPass("b.example.com"), dkimPass("c.example.com", "b.example.com"));
            assertThat(dns.askedTxt()).doesNotHaveDuplicates().containsExactlyInAnyOrder("_dmarc.a.example.com",
                    "_dmarc.example.com", "_dmarc.com", "_dmarc.b.example.com", "_dmarc.c.example.com");
        }

        @Test
        void noRecordAnywhereIsNone() {
            CountingResolver dns = new CountingResolver(zone(host("a.example.org")));
            DmarcResult r = run(dns, "x@a.example.org", spfPass("a.example.org"), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.NONE);
            assertThat(r.policy()).isNull();
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(r.reason()).isEqualTo("no DMARC record for a.example.org or its organizational domain");
            assertThat(dns.askedTxt()).hasSize(3);
        }
    }

    @Nested
    class PublicSuffixListMode {
        final ZoneFileResolver dns = zone(
                dmarc("example.co.uk", "v=DMARC1; p=reject; sp=quarantine; np=reject"),
                dmarc("example.com", "v=DMARC1; p=reject"),
                dmarc("mail.example.com", "v=DMARC1; p=none"),
                host("shop.example.co.uk"));

        @Test
        void organizationalDomainRecordFromTheList() {
            CountingResolver counting = new CountingResolver(dns);
            DmarcResult r = run(counting, RFC7489, "a@shop.example.co.uk", noSpf(), unsigned());
            assertThat(r.policyDomain()).isEqualTo("example.co.uk");
            assertThat(r.organizationalDomain()).isEqualTo("example.co.uk");
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(r.mode()).isEqualTo(DmarcMode.RFC7489);
            assertThat(counting.askedTxt()).containsExactlyInAnyOrder("_dmarc.shop.example.co.uk",
                    "_dmarc.example.co.uk");
        }

        @Test
        void relaxedAlignmentByTheListNeedsNoQueries() {
            CountingResolver counting = new CountingResolver(dns);
            DmarcResult r = run(counting, RFC7489, "a@shop.example.co.uk", spfPass("bounces.example.co.uk"),
                    dkimPass("other.co.uk"));
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(r.spfAligned()).isTrue();
            assertThat(r.dkimAligned()).isFalse();
            assertThat(counting.askedTxt()).hasSize(2);
        }

        @Test
        void theAuthorDomainsOwnRecordComesFirst() {
            DmarcResult r = run(dns, RFC7489, "a@mail.example.com", noSpf(), dkimPass("example.com"));
            assertThat(r.policyDomain()).isEqualTo("mail.example.com");
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
        }

        @Test
        void npFromRfc9091IsHonoured() {
            DmarcResult r = run(dns, RFC7489, "a@ghost.example.co.uk", noSpf(), unsigned());
            assertThat(r.requestedPolicy()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void bothModesAgreeOnOrdinaryMail() {
            for (DmarcOptions o : List.of(DmarcOptions.DEFAULT, RFC7489)) {
                assertThat(run(dns, o, "a@example.com", spfPass("mail.example.com"), unsigned()).status())
                        .isEqualTo(DmarcStatus.PASS);
                assertThat(run(dns, o, "a@example.com", spfPass("example.net"), unsigned()).disposition())
                        .isEqualTo(DmarcPolicy.REJECT);
            }
        }

        @Test
        void theListAndTheTreeWalkCanDisagree() {
            // a registry record with psd=y makes each name below it an organization for the tree walk only
            ZoneFileResolver z = zone(dmarc("example.com", "v=DMARC1; p=reject; psd=y"), host("a.example.com"),
                    host("b.example.com"));
            assertThat(run(z, "x@a.example.com", noSpf(), dkimPass("b.example.com")).status())
                    .isEqualTo(DmarcStatus.FAIL);
            assertThat(run(z, RFC7489, "x@a.example.com", noSpf(), dkimPass("b.example.com")).status())
                    .isEqualTo(DmarcStatus.PASS);
        }
    }

    @Nested
    class Records {
        @Test
        void anInvalidPolicyWithoutRuaIsAPermerror() {
            ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=block"));
            DmarcResult r = run(dns, "a@example.com", noSpf(), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.reason()).startsWith("DMARC record at _dmarc.example.com has invalid p and no valid rua");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(r.record()).isNotNull();
        }

        @Test
        void anInvalidPolicyWithAValidRuaIsTakenAsPNone() {
            ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=block; sp=reject; "
                    + "rua=mailto:d@example.com"));
            for (DmarcOptions o : List.of(DmarcOptions.DEFAULT, RFC7489)) {
                DmarcResult r = run(dns, o, "a@example.com", noSpf(), unsigned());
                assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
                assertThat(r.noneFallback()).isTrue();
                assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
                assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
                assertThat(r.policySummary()).isEqualTo("p=none sp=none dis=none");
            }
        }

        @Test
        void anInvalidSubdomainPolicyCountsToo() {
            ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=reject; np=nope"));
            assertThat(run(dns, "a@example.com", noSpf(), unsigned()).status()).isEqualTo(DmarcStatus.PERMERROR);
        }

        @Test
        void aMissingPolicyIsNoneForRfc9989AndUnusableForRfc7489() {
            ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; adkim=s"),
                    dmarc("example.net", "v=DMARC1; rua=mailto:d@example.net"));
            DmarcResult bis = run(dns, "a@example.com", noSpf(), unsigned());
            assertThat(bis.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(bis.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(bis.noneFallback()).isFalse();
            assertThat(run(dns, RFC7489, "a@example.com", noSpf(), unsigned()).status())
                    .isEqualTo(DmarcStatus.PERMERROR);
            DmarcResult withRua = run(dns, RFC7489, "a@example.net", noSpf(), unsigned());
            assertThat(withRua.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(withRua.noneFallback()).isTrue();
        }

        @Test
        void otherTxtRecordsAtTheNameAreIgnored() {
            ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=reject"),
                    dmarc("example.com", "google-site-verification=abc"), dmarc("example.com", "v=spf1 -all"));
            assertThat(run(dns, "a@example.com", noSpf(), unsigned()).disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void severalRecordsAtTheAuthorDomainAreDiscardedAndTheWalkGoesOn() {
            ZoneFileResolver dns = zone(dmarc("sub.example.com", "v=DMARC1; p=none"),
                    dmarc("sub.example.com", "v=DMARC1; p=quarantine"), dmarc("example.com", "v=DMARC1; p=reject"),
                    host("sub.example.com"));
            DmarcResult r = run(dns, "a@sub.example.com", noSpf(), unsigned());
            assertThat(r.policyDomain()).isEqualTo("example.com");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void severalRecordsAndNothingElseIsNone() {
            ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=none"),
                    dmarc("example.com", "v=DMARC1; p=reject"));
            DmarcResult r = run(dns, "a@example.com", noSpf(), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.NONE);
            assertThat(r.reason()).startsWith("2 DMARC records at _dmarc.example.com (all discarded)");
        }

        @Test
        void rfc7489StopsAtSeveralRecords() {
            ZoneFileResolver dns = zone(dmarc("sub.example.com", "v=DMARC1; p=none"),
                    dmarc("sub.example.com", "v=DMARC1; p=quarantine"), dmarc("example.com", "v=DMARC1; p=reject"));
            DmarcResult r = run(dns, RFC7489, "a@sub.example.com", noSpf(), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.NONE);
            assertThat(r.reason()).isEqualTo("2 DMARC records at _dmarc.sub.example.com (all discarded)");
        }

        @Test
        void aRecordSplitIntoSeveralStringsIsJoined() {
            ZoneFileResolver dns = zone("_dmarc.example.com. TXT \"v=DMARC1; p=\" \"reject\"");
            assertThat(run(dns, "a@example.com", noSpf(), unsigned()).disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void anOverlongRecordIsUnusable() {
            ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=reject; rua=mailto:d@example.com; x="
                    + "y".repeat(200)));
            DmarcResult r = run(dns, DmarcOptions.DEFAULT.withMaxRecordLength(100), "a@example.com", noSpf(),
                    unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.reason()).contains("longer than 100");
        }
    }

    @Nested
    class FromFields {
        final ZoneFileResolver dns = zone(dmarc("reject.example", "v=DMARC1; p=reject"),
                dmarc("quarantine.example", "v=DMARC1; p=quarantine"),
                dmarc("pass.example", "v=DMARC1; p=reject"));

        private DmarcResult from(DmarcOptions options, List<String> values) {
            return new DmarcEvaluator(dns, options).evaluate(values, spfPass("pass.example"), unsigned()).join();
        }

        @Test
        void noFromIsAPermerror() {
            DmarcResult r = from(DmarcOptions.DEFAULT, List.of());
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.reason()).isEqualTo("no From field");
            assertThat(r.fromDomain()).isNull();
            assertThat(AuthResultsMapping.dmarc(r).properties()).isEmpty();
        }

        @Test
        void anUnparsableFromIsReadBestEffort() {
            DmarcResult r = from(DmarcOptions.DEFAULT, List.of("Alice <alice@reject.example"));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.fromDomain()).isEqualTo("reject.example");
            assertThat(r.reason()).startsWith("From field read best-effort as mail clients"
                    + " show it (unterminated angle-addr); reject.example: no aligned identifier");
            DmarcResult nothing = from(DmarcOptions.DEFAULT, List.of("Alice <alice"));
            assertThat(nothing.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(nothing.reason()).endsWith("no author domain in the From field");
        }

        @Test
        void severalDomainsGetTheStrictestFailingPolicy() {
            DmarcResult r = from(DmarcOptions.DEFAULT,
                    List.of("a@pass.example, b@quarantine.example, c@reject.example, d@none.example"));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.fromDomain()).isEqualTo("reject.example");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(r.fromDomains()).containsExactly("pass.example", "quarantine.example", "reject.example",
                    "none.example");
            assertThat(r.reason()).startsWith("From holds 4 author domains; reject.example: no aligned identifier");
        }

        @Test
        void severalFromFieldsAreEvaluatedLikeSeveralDomains() {
            DmarcResult r = from(DmarcOptions.DEFAULT, List.of("a@pass.example", "Bank <ceo@reject.example>"));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(r.reason()).startsWith("2 From fields with 2 author domain(s); reject.example");
            DmarcResult same = from(DmarcOptions.DEFAULT, List.of("a@pass.example", "b@pass.example"));
            assertThat(same.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(same.reason()).startsWith("2 From fields with 1 author domain(s)");
        }

        @Test
        void severalDomainsThatAllPassPass() {
            DmarcResult r = from(DmarcOptions.DEFAULT, List.of("a@pass.example, b@none.example"));
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(r.fromDomain()).isEqualTo("pass.example");
        }

        @Test
        void severalDomainsCanBeAPermerrorInstead() {
            DmarcOptions strict = DmarcOptions.DEFAULT.withMultipleAuthorDomains(MultipleAuthorDomains.PERMERROR);
            DmarcResult r = from(strict, List.of("a@pass.example, c@reject.example"));
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.reason()).isEqualTo("From holds 2 author domains (RFC 9989 §5.3.1)");
            assertThat(from(strict, List.of("a@pass.example", "a@pass.example")).status())
                    .isEqualTo(DmarcStatus.PERMERROR);
            assertThat(from(strict, List.of("a@pass.example, b@pass.example")).status())
                    .isEqualTo(DmarcStatus.PASS);
        }

        @Test
        void tooManyAuthorDomainsIsAPermerror() {
            DmarcResult r = from(DmarcOptions.DEFAULT.withMaxAuthorDomains(2),
                    List.of("a@pass.example, b@quarantine.example, c@reject.example"));
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.reason()).isEqualTo("more than 2 author domains in From");
        }

        @Test
        void internationalizedAuthorDomain() {
            ZoneFileResolver idn = zone(dmarc("xn--bcher-kva.example", "v=DMARC1; p=reject"));
            DmarcResult r = new DmarcEvaluator(idn).evaluate(List.of("Bücher <info@bücher.example>"), noSpf(),
                    dkimPass("xn--bcher-kva.example")).join();
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
            assertThat(r.fromDomain()).isEqualTo("xn--bcher-kva.example");
            DmarcResult fail = new DmarcEvaluator(idn).evaluate(List.of("info@BÜCHER.example"), noSpf(),
                    unsigned()).join();
            assertThat(fail.disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void fromARawMessage() throws Exception {
            byte[] bytes = ("Received: x\r\nFrom: Alice\r\n <alice@reject.example>\r\nSubject: hi\r\n\r\nbody\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            DmarcEvaluator evaluator = new DmarcEvaluator(dns);
            DmarcResult r = evaluator.evaluate(RawMessage.parse(bytes), noSpf(), unsigned()).join();
            assertThat(r.fromDomain()).isEqualTo("reject.example");
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(evaluator.evaluate(bytes, noSpf(), unsigned()).join()).isEqualTo(r);
            DmarcResult none = evaluator.evaluate("Subject: x\r\n\r\n".getBytes(StandardCharsets.UTF_8), noSpf(),
                    unsigned()).join();
            assertThat(none.status()).isEqualTo(DmarcStatus.PERMERROR);
            DmarcResult broken = evaluator.evaluate(" starts with a continuation\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8), noSpf(), unsigned()).join();
            assertThat(broken.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(broken.reason()).startsWith("unreadable header section");
        }
    }

    @Nested
    class DnsFailures {
        final ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=reject"), host("a.example.com"),
                host("b.example.com"));

        @Test
        void aFailureAtTheAuthorDomainIsATemperror() {
            for (DnsOutcome outcome : List.of(DnsOutcome.TEMP_FAILURE, DnsOutcome.TIMEOUT)) {
                for (DmarcOptions o : List.of(DmarcOptions.DEFAULT, RFC7489)) {
                    DmarcResult r = run(dns.withFailure("_dmarc.example.com", outcome), o, "a@example.com",
                            noSpf(), unsigned());
                    assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
                    assertThat(r.reason()).startsWith("DNS " + outcome + " for _dmarc.example.com");
                    assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
                    assertThat(AuthResultsMapping.dmarc(r).result()).isEqualTo("temperror");
                }
            }
        }

        @Test
        void aFailureHigherUpTheWalkIsATemperrorWhenTheRecordIsNotKnown() {
            DmarcResult r = run(dns.withFailure("_dmarc.com", DnsOutcome.TIMEOUT), "x@a.example.com", noSpf(),
                    unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
            assertThat(r.reason()).startsWith("DNS TIMEOUT for _dmarc.com");
        }

        @Test
        void aFailureOnlyMattersWhenTheAnswerIsNeeded() {
            ZoneFileResolver failing = dns.withFailure("_dmarc.com", DnsOutcome.TIMEOUT);
            // the record is at the author domain and the identifier is the author domain: no walk needed
            assertThat(run(failing, "x@example.com", spfPass("example.com"), unsigned()).status())
                    .isEqualTo(DmarcStatus.PASS);
            // strict alignment is a comparison
            ZoneFileResolver strict = zone(dmarc("example.com", "v=DMARC1; p=reject; aspf=s"))
                    .withFailure("_dmarc.com", DnsOutcome.TIMEOUT);
            assertThat(run(strict, "x@example.com", spfPass("a.example.com"), unsigned()).status())
                    .isEqualTo(DmarcStatus.FAIL);
            // another identifier that aligns decides without the unknown one
            assertThat(run(failing.withFailure("_dmarc.b.example.com", DnsOutcome.TIMEOUT), "x@example.com",
                    spfPass("b.example.com"), dkimPass("example.com")).status()).isEqualTo(DmarcStatus.PASS);
        }

        @Test
        void relaxedAlignmentThatNeedsAFailedWalkIsATemperror() {
            DmarcResult r = run(dns.withFailure("_dmarc.b.example.com", DnsOutcome.TEMP_FAILURE), "x@example.com",
                    spfPass("b.example.com"), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
            assertThat(r.reason()).startsWith("alignment undetermined: DNS TEMP_FAILURE for _dmarc.b.example.com");
            // b.example.com is the author's organization's name: no verdict, the record's p=reject applies
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void aResolverThatThrowsGivesATemperrorNotAnException() {
            DnsResolver broken = new DnsResolver() {
                @Override
                public CompletableFuture<DnsLookup<String>> txt(String name) {
                    throw new IllegalStateException("boom");
                }

                @Override
                public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
                    return CompletableFuture.failedFuture(new IllegalStateException("boom"));
                }

                @Override
                public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
                    return a(name);
                }

                @Override
                public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
                    return CompletableFuture.failedFuture(new IllegalStateException("boom"));
                }

                @Override
                public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
                    return CompletableFuture.failedFuture(new IllegalStateException("boom"));
                }
            };
            DmarcResult r = new DmarcEvaluator(broken).evaluate(List.of("a@example.com"), noSpf(), unsigned())
                    .join();
            assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
            assertThat(r.reason()).startsWith("internal error");
        }
    }

    @Nested
    class Concurrency {
        /** Answers like the zone, but later and on another thread, as a network resolver does. */
        private DnsResolver delayed(DnsResolver zone) {
            java.util.concurrent.Executor later = CompletableFuture.delayedExecutor(5,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            return new DnsResolver() {
                @Override
                public CompletableFuture<DnsLookup<String>> txt(String name) {
                    return zone.txt(name).thenApplyAsync(l -> l, later);
                }

                @Override
                public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
                    return zone.a(name).thenApplyAsync(l -> l, later);
                }

                @Override
                public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
                    return zone.aaaa(name).thenApplyAsync(l -> l, later);
                }

                @Override
                public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
                    return zone.mx(name).thenApplyAsync(l -> l, later);
                }

                @Override
                public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
                    return zone.ptr(address).thenApplyAsync(l -> l, later);
                }
            };
        }

        @Test
        void anAsynchronousResolverGivesTheSameResults() {
            ZoneFileResolver zone = zone(dmarc("example.com", "v=DMARC1; p=reject; sp=quarantine; np=reject"),
                    host("sub.example.com"), host("a.example.com"));
            DnsResolver slow = delayed(zone);
            for (String from : List.of("x@example.com", "x@sub.example.com", "x@ghost.example.com",
                    "x@a.example.com, y@sub.example.com")) {
                for (Optional<DkimReport> dkim : List.of(unsigned(), dkimPass("a.example.com"),
                        dkimPass("example.net"))) {
                    DmarcResult expected = new DmarcEvaluator(zone).evaluate(List.of(from), noSpf(), dkim).join();
                    CompletableFuture<DmarcResult> pending = new DmarcEvaluator(slow)
                            .evaluate(List.of(from), noSpf(), dkim);
                    assertThat(pending.join()).as(from).isEqualTo(expected);
                }
            }
        }
    }

    @Nested
    class AuthenticationResults {
        final ZoneFileResolver dns = zone(dmarc("example.com", "v=DMARC1; p=reject; sp=none"),
                dmarc("example.net", "v=DMARC1; p=quarantine; np=reject; t=y"));

        private static String property(MethodResult m, String ptype, String name) {
            return m.properties().stream().filter(p -> p.ptype().equals(ptype) && p.property().equals(name))
                    .map(ResultProperty::value).findFirst().orElse(null);
        }

        @Test
        void failLine() {
            MethodResult m = AuthResultsMapping.dmarc(run(dns, "a@example.com", spfPass("example.org"), unsigned()));
            assertThat(m.method()).isEqualTo("dmarc");
            assertThat(m.result()).isEqualTo("fail");
            assertThat(m.reason()).isEqualTo("p=reject sp=none dis=reject; no aligned identifier: "
                    + "SPF pass for example.org not aligned; no DKIM signature");
            assertThat(m.properties()).containsExactly(new ResultProperty("header", "from", "example.com"),
                    new ResultProperty("policy", "dmarc", "reject"));
        }

        @Test
        void passLine() {
            MethodResult m = AuthResultsMapping.dmarc(run(dns, "a@example.net", noSpf(), dkimPass("example.net")));
            assertThat(m.result()).isEqualTo("pass");
            assertThat(m.reason()).isEqualTo("p=quarantine sp=quarantine np=reject t=y dis=none; "
                    + "aligned: DKIM example.net");
            assertThat(property(m, "policy", "dmarc")).isEqualTo("none");
            assertThat(property(m, "header", "from")).isEqualTo("example.net");
        }

        @Test
        void noneLineHasNoPolicy() {
            MethodResult m = AuthResultsMapping.dmarc(run(dns, "a@example.org", noSpf(), unsigned()));
            assertThat(m.result()).isEqualTo("none");
            assertThat(m.properties()).containsExactly(new ResultProperty("header", "from", "example.org"));
            assertThat(m.reason()).isEqualTo("no DMARC record for example.org or its organizational domain");
        }

        @Test
        void theLineSurvivesTheHeaderWriterAndParser() {
            MethodResult m = AuthResultsMapping.dmarc(run(dns, "a@example.com", spfPass("example.org"), unsigned()));
            String value = dev.authpack.authres.AuthResultsWriter.headerValue("mx.example.org", List.of(m));
            assertThat(value).contains("dmarc=fail").contains("header.from=example.com")
                    .contains("policy.dmarc=reject");
            var parsed = dev.authpack.authres.AuthResultsParser.parse(value);
            assertThat(parsed.header().orElseThrow().results()).singleElement().satisfies(back -> {
                assertThat(back.method()).isEqualTo("dmarc");
                assertThat(back.reason()).isEqualTo(m.reason());
                assertThat(back.properties()).isEqualTo(m.properties());
            });
        }

        @Test
        void pctShowsInTheSummaryOfRfc7489Only() {
            ZoneFileResolver z = zone(dmarc("example.com", "v=DMARC1; p=reject; pct=20"));
            DmarcResult legacy = run(z, RFC7489.withSampler(() -> 10), "a@example.com", noSpf(), unsigned());
            assertThat(legacy.policySummary()).isEqualTo("p=reject sp=reject pct=20 dis=reject");
            assertThat(run(z, "a@example.com", noSpf(), unsigned()).policySummary())
                    .isEqualTo("p=reject sp=reject dis=reject");
        }
    }
}
