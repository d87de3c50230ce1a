package dev.authpack.dmarc;

import dev.authpack.check.AuthResultsMapping;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfResult;
import dev.authpack.spf.SpfStatus;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review F1: an attacker fills the shared resolver so that the victim's lookups are not sent (a local overload), and
 * a spoofed {@code p=reject} message gets {@code temperror}. The results say that the temperror is this server's own
 * overload, so that enforcement does not accept it; a real DNS failure at the victim's names is not marked.
 */
class LocalOverloadTest {
    private static final String ZONE = """
            $ORIGIN .
            $TTL 300
            _dmarc.victim.example. IN TXT "v=DMARC1; p=reject"
            _dmarc.np.example. IN TXT "v=DMARC1; p=none; sp=none; np=reject"
            victim.example. IN TXT "v=spf1 include:_spf.victim.example -all"
            _spf.victim.example. IN TXT "v=spf1 ip4:203.0.113.0/24 -all"
            """;

    /** The zone, except that the resolver is at its bound for the names given: it sends no query for them. */
    static final class Overloaded implements DnsResolver {
        private final DnsResolver zone;
        private final Set<String> names;

        Overloaded(DnsResolver zone, String... names) {
            this.zone = zone;
            this.names = Set.of(names);
        }

        Overloaded(String... names) {
            this(new ZoneFileResolver(ZONE), names);
        }

        private <T> CompletableFuture<DnsLookup<T>> or(String n, DnsType type,
                                                       Supplier<CompletableFuture<DnsLookup<T>>> query) {
            return names.contains(DnsNames.normalize(n)) ? CompletableFuture.completedFuture(
                    DnsLookup.overloaded(n, type, "more than 256 DNS queries in flight")) : query.get();
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) {
            return or(n, DnsType.TXT, () -> zone.txt(n));
        }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) {
            return or(n, DnsType.A, () -> zone.a(n));
        }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) {
            return or(n, DnsType.AAAA, () -> zone.aaaa(n));
        }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) {
            return or(n, DnsType.MX, () -> zone.mx(n));
        }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) {
            return zone.ptr(ip);
        }
    }

    private static DmarcResult dmarc(DnsResolver dns, DmarcOptions options, String from, Optional<SpfResult> spf)
            throws Exception {
        return new DmarcEvaluator(dns, options).evaluate(List.of("ceo@" + from), spf, Optional.empty()).get();
    }

    private static DmarcResult dmarc(DnsResolver dns, String from) throws Exception {
        return dmarc(dns, DmarcOptions.DEFAULT, from, Optional.empty());
    }

    @Test
    void anOverloadAtTheVictimsDmarcNameIsATemperrorMarkedAsOursAndARealFailureIsNot() throws Exception {
        DmarcResult overloaded = dmarc(new Overloaded("_dmarc.victim.example"), "victim.example");
        assertThat(overloaded.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(overloaded.localOverload()).isTrue();
        // the A-R field does not claim the victim's DNS failed
        String label = AuthResultsMapping.dmarc(overloaded).reason();
        assertThat(label).contains("overloaded").doesNotContain("TEMP_FAILURE for");

        DmarcResult servfail = dmarc(new ZoneFileResolver(ZONE).withFailure("_dmarc.victim.example",
                DnsOutcome.TEMP_FAILURE), "victim.example");
        assertThat(servfail.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(servfail.localOverload()).isFalse();
        DmarcResult timeout = dmarc(new ZoneFileResolver(ZONE).withFailure("_dmarc.victim.example",
                DnsOutcome.TIMEOUT), "victim.example");
        assertThat(timeout.localOverload()).isFalse();

        // without the overload: fail, p=reject
        assertThat(dmarc(new ZoneFileResolver(ZONE), "victim.example").status()).isEqualTo(DmarcStatus.FAIL);
    }

    @Test
    void anOverloadThatHidesTheAuthorsPolicyIsNeverCheaperThanItsFailure() throws Exception {
        // session 18: the attacker overloads our resolver so that the victim's p=reject record is not fetched; the
        // mailet (mail already accepted) labelled it temperror with disposition none, and a spoofed message reached
        // the inbox where its failure would have been refused. The policy is unknown: quarantine at least.
        DmarcResult own = dmarc(new Overloaded("_dmarc.victim.example"), "victim.example");
        assertThat(own.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(own.localOverload()).isTrue();
        assertThat(own.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        // under a subdomain, the organization's record was not fetched either
        assertThat(dmarc(new Overloaded("_dmarc.victim.example"), "r4711.victim.example").disposition())
                .isEqualTo(DmarcPolicy.QUARANTINE);
        // the organization's p=reject seen, the subdomain's own record not fetched: the strictest seen
        assertThat(dmarc(new Overloaded("_dmarc.r4711.victim.example"), "r4711.victim.example").disposition())
                .isEqualTo(DmarcPolicy.REJECT);
        DmarcOptions rfc7489 = DmarcOptions.DEFAULT.withMode(DmarcMode.RFC7489);
        assertThat(dmarc(new Overloaded("_dmarc.victim.example"), rfc7489, "victim.example", Optional.empty())
                .disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        // the RFC's reading, asked for by the administrator, stays none
        DmarcOptions rfc = DmarcOptions.DEFAULT.withUnverifiableDisposition(UnverifiableDisposition.NONE);
        assertThat(dmarc(new Overloaded("_dmarc.victim.example"), rfc, "victim.example", Optional.empty())
                .disposition()).isEqualTo(DmarcPolicy.NONE);
        // a real SERVFAIL at the victim's own name is the victim's: nothing seen, none (rule 7)
        assertThat(dmarc(new ZoneFileResolver(ZONE).withFailure("_dmarc.victim.example", DnsOutcome.TEMP_FAILURE),
                "victim.example").disposition()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void anOverloadAnywhereInTheAuthorsPolicyDiscoveryIsMarked() throws Exception {
        // a random label under the victim: the walk's upper name is the one not asked
        DmarcResult walk = dmarc(new Overloaded("_dmarc.victim.example"), "r4711.victim.example");
        assertThat(walk.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(walk.localOverload()).isTrue();
        DmarcResult own = dmarc(new Overloaded("_dmarc.r4711.victim.example"), "r4711.victim.example");
        assertThat(own.localOverload()).isTrue();
        // RFC 7489: the author and its organizational domain
        DmarcOptions rfc7489 = DmarcOptions.DEFAULT.withMode(DmarcMode.RFC7489);
        DmarcResult psl = dmarc(new Overloaded("_dmarc.victim.example"), rfc7489, "r4711.victim.example",
                Optional.empty());
        assertThat(psl.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(psl.localOverload()).isTrue();
        assertThat(dmarc(new ZoneFileResolver(ZONE).withFailure("_dmarc.victim.example", DnsOutcome.TEMP_FAILURE),
                rfc7489, "r4711.victim.example", Optional.empty()).localOverload()).isFalse();
    }

    @Test
    void anOverloadThatLeavesAlignmentOrExistenceUnknownIsMarked() throws Exception {
        // relaxed alignment of an SPF-authenticated subdomain of the victim: its walk is the author's organization
        SpfResult pass = new SpfResult(SpfStatus.PASS, SpfIdentity.MAILFROM, "mail.victim.example", "all", null, 1,
                0, "pass");
        DmarcResult alignment = dmarc(new Overloaded("_dmarc.mail.victim.example"), DmarcOptions.DEFAULT,
                "victim.example", Optional.of(pass));
        assertThat(alignment.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(alignment.localOverload()).isTrue();
        DmarcResult realAlignment = dmarc(new ZoneFileResolver(ZONE).withFailure("_dmarc.mail.victim.example",
                DnsOutcome.TEMP_FAILURE), DmarcOptions.DEFAULT, "victim.example", Optional.of(pass));
        assertThat(realAlignment.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(realAlignment.localOverload()).isFalse();

        // np=reject: whether the subdomain exists was not asked
        DmarcResult existence = dmarc(new Overloaded("ghost.np.example"), "ghost.np.example");
        assertThat(existence.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(existence.localOverload()).isTrue();
        assertThat(existence.reason()).contains("overloaded");
        DmarcResult realExistence = dmarc(new ZoneFileResolver(ZONE).withFailure("ghost.np.example",
                DnsOutcome.TEMP_FAILURE), "ghost.np.example");
        assertThat(realExistence.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(realExistence.localOverload()).isFalse();
    }

    @Test
    void anOverloadOnlyAtNamesThatDoNotDecideLeavesTheVerdict() throws Exception {
        // the attacker's own names: SPF temperror at the MAIL FROM domain does not make DMARC temperror
        DmarcResult fail = dmarc(new Overloaded("_dmarc.attacker.example", "attacker.example"), "victim.example");
        assertThat(fail.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(fail.localOverload()).isFalse();
    }

    @Test
    void onlyATemperrorCanBeMarked() throws Exception {
        DmarcResult fail = dmarc(new ZoneFileResolver(ZONE), "victim.example");
        assertThat(fail.withLocalOverload(false)).isSameAs(fail);
        assertThatThrownBy(() -> fail.withLocalOverload(true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpfResult(SpfStatus.FAIL, SpfIdentity.MAILFROM, "x.example", null, null, 0, 0,
                "r", true)).isInstanceOf(IllegalArgumentException.class);
        DmarcResult temperror = DmarcResult.temperror("budget", DmarcOptions.DEFAULT);
        assertThat(temperror.localOverload()).isFalse();
        assertThat(temperror.withLocalOverload(true).localOverload()).isTrue();
    }

    @Test
    void anSpfTemperrorFromAnOverloadIsMarkedAndARealOneIsNot() throws Exception {
        InetAddress client = InetAddress.getByName("198.51.100.7");
        SpfResult top = new SpfChecker(new Overloaded("victim.example"))
                .checkMailFrom(client, "ceo@victim.example", "h.example").get();
        assertThat(top.status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(top.localOverload()).isTrue();
        assertThat(AuthResultsMapping.spf(top).reason()).contains("overloaded");
        SpfResult nested = new SpfChecker(new Overloaded("_spf.victim.example"))
                .checkMailFrom(client, "ceo@victim.example", "h.example").get();
        assertThat(nested.status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(nested.localOverload()).isTrue();
        SpfResult servfail = new SpfChecker(new ZoneFileResolver(ZONE).withFailure("_spf.victim.example",
                DnsOutcome.TEMP_FAILURE)).checkMailFrom(client, "ceo@victim.example", "h.example").get();
        assertThat(servfail.status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(servfail.localOverload()).isFalse();
        SpfResult fail = new SpfChecker(new ZoneFileResolver(ZONE))
                .checkMailFrom(client, "ceo@victim.example", "h.example").get();
        assertThat(fail.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(fail.localOverload()).isFalse();
    }

    /** A message from the victim signed by the victim (the signature itself is never checked: its key is not known). */
    private static final String SIGNED = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=victim.example;"
            + " s=sel;\r\n h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
            + " b=dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=\r\n"
            + "From: ceo@victim.example\r\nSubject: invoice\r\n\r\n";

    private static DkimReport dkim(DnsResolver dns) throws Exception {
        return new DkimVerifier(dns).verify(SIGNED.getBytes(StandardCharsets.US_ASCII)).get();
    }

    /** SPF for a MAIL FROM domain that is not aligned with the victim (a mailing service, say). */
    private static final SpfResult UNALIGNED_SPF = new SpfResult(SpfStatus.PASS, SpfIdentity.MAILFROM,
            "bounces.esp.example", "all", null, 1, 0, "pass");

    @Test
    void aDkimKeyLookupNotSentIsAMarkedTemperrorAndDmarcIsNotAFailure() throws Exception {
        // review F1 (second round): the victim's only aligned identifier is its DKIM signature, whose key is not
        // asked because of our overload: no verdict, and certainly no permanent refusal
        DnsResolver dns = new Overloaded("sel._domainkey.victim.example");
        DkimReport report = dkim(dns);
        assertThat(report.results()).hasSize(1);
        assertThat(report.results().get(0).status()).isEqualTo(DkimStatus.TEMPERROR);
        assertThat(report.results().get(0).localOverload()).isTrue();
        assertThat(report.results().get(0).reason()).contains("overloaded");
        DmarcResult dmarc = new DmarcEvaluator(dns, DmarcOptions.DEFAULT).evaluate(List.of("ceo@victim.example"),
                Optional.of(UNALIGNED_SPF), Optional.of(report)).get();
        assertThat(dmarc.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(dmarc.localOverload()).isTrue();
        assertThat(dmarc.reason()).contains("overloaded");
        assertThat(dmarc.policy()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void aRealFailureAtTheSendersOwnKeyStaysAFailure() throws Exception {
        // SERVFAIL at the sender's own key name is the sender's problem: DMARC fails as before
        DnsResolver dns = new ZoneFileResolver(ZONE).withFailure("sel._domainkey.victim.example",
                DnsOutcome.TEMP_FAILURE);
        DkimReport report = dkim(dns);
        assertThat(report.results().get(0).status()).isEqualTo(DkimStatus.TEMPERROR);
        assertThat(report.results().get(0).localOverload()).isFalse();
        DmarcResult dmarc = new DmarcEvaluator(dns, DmarcOptions.DEFAULT).evaluate(List.of("ceo@victim.example"),
                Optional.of(UNALIGNED_SPF), Optional.of(report)).get();
        assertThat(dmarc.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(dmarc.localOverload()).isFalse();
        assertThat(dmarc.disposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void anSpfTemperrorFromAnOverloadMakesDmarcATemperrorInsteadOfAFailure() throws Exception {
        // the victim passes only through SPF, and its SPF lookup was not sent
        DnsResolver dns = new Overloaded("victim.example");
        SpfResult spf = new SpfChecker(dns).checkMailFrom(InetAddress.getByName("203.0.113.5"),
                "ceo@victim.example", "h.example").get();
        assertThat(spf.localOverload()).isTrue();
        DmarcResult dmarc = dmarc(dns, DmarcOptions.DEFAULT, "victim.example", Optional.of(spf));
        assertThat(dmarc.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(dmarc.localOverload()).isTrue();
        // a real SPF temperror (the sender's DNS) leaves the failure
        DnsResolver servfail = new ZoneFileResolver(ZONE).withFailure("victim.example", DnsOutcome.TEMP_FAILURE);
        SpfResult real = new SpfChecker(servfail).checkMailFrom(InetAddress.getByName("203.0.113.5"),
                "ceo@victim.example", "h.example").get();
        assertThat(real.status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(dmarc(servfail, DmarcOptions.DEFAULT, "victim.example", Optional.of(real)).status())
                .isEqualTo(DmarcStatus.FAIL);
    }
}
