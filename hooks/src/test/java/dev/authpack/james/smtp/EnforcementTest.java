package dev.authpack.james.smtp;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckerSettings;
import dev.authpack.check.DmarcOverride;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.james.TrustedListPost;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfResult;
import dev.authpack.spf.SpfStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnforcementTest {
    private static DmarcResult failing(String from) throws Exception {
        ZoneFileResolver zone = new ZoneFileResolver("""
                _dmarc.reject.example. 300 IN TXT "v=DMARC1; p=reject"
                _dmarc.testing.example. 300 IN TXT "v=DMARC1; p=reject; t=y"
                """);
        return new DmarcEvaluator(zone).evaluate(List.of("a@" + from), Optional.empty(), Optional.empty()).get();
    }

    private static AuthCheckReport report(DmarcResult dmarc, Optional<DmarcOverride> override) {
        return new AuthCheckReport(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(dmarc), Optional.empty(), override);
    }

    @Test
    void aTrustedArcSealersOverrideAndTestModeAreHonoured() throws Exception {
        DmarcResult fail = failing("reject.example");
        assertThat(Enforcement.DEFAULT.atEndOfData(report(fail, Optional.empty()))).isPresent();
        DmarcOverride override = new DmarcOverride("lists.example", 1, "local policy: trusted ARC sealer");
        assertThat(Enforcement.DEFAULT.atEndOfData(report(fail, Optional.of(override)))).isEmpty();
        // RFC 9989 t=y: reject is applied as quarantine, which is not refused
        assertThat(Enforcement.DEFAULT.atEndOfData(report(failing("testing.example"), Optional.empty()))).isEmpty();
        assertThat(new Enforcement(false, Enforcement.SpfFailRefusal.NEVER, true, false)
                .atEndOfData(report(fail, Optional.empty()))).isEmpty();
    }

    /** MailAuthChecker's report of the trusted list's post over {@code dns}, trusting {@code sealers}. */
    private static AuthCheckReport listPost(ZoneFileResolver dns, Set<String> sealers) throws Exception {
        return listPost(dns, sealers, DmarcOptions.DEFAULT);
    }

    private static AuthCheckReport listPost(ZoneFileResolver dns, Set<String> sealers, DmarcOptions dmarc)
            throws Exception {
        return MailAuthChecker.create(dns, CheckerSettings.defaults("mx.example.org").withDmarc(dmarc))
                .check(TrustedListPost.envelope(), TrustedListPost.MESSAGE,
                        CheckOptions.ALL.withTrustedArcSealers(sealers)).get();
    }

    @Test
    void aTrustedSealersChainOurOverloadLeftUnvalidatedIsDeferredNotRefused() throws Exception {
        // review of session 16, finding 1: the list's key lookup was not sent; without it the override is gone
        Set<String> trusted = Set.of(TrustedListPost.SEALER);
        assertThat(Enforcement.DEFAULT.atEndOfData(listPost(TrustedListPost.ZONE, trusted))).isEmpty();
        AuthCheckReport overloaded = listPost(TrustedListPost.ZONE.withLocalOverload(TrustedListPost.KEY_NAME),
                trusted);
        for (Enforcement e : List.of(read("temperror", "accept"), read("temperror", "defer"))) {
            HookResult reply = e.atEndOfData(overloaded).orElseThrow();
            assertThat(reply.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(reply.getSmtpRetCode()).isEqualTo("451");
            assertThat(reply.getSmtpDescription()).startsWith("4.7.1 Server busy");
        }
        // what an attacker controls keeps today's 550: a SERVFAIL at the sealer's key, a sealer not trusted
        HookResult servfail = Enforcement.DEFAULT.atEndOfData(listPost(TrustedListPost.ZONE.withFailure(
                TrustedListPost.KEY_NAME, DnsOutcome.TEMP_FAILURE), trusted)).orElseThrow();
        assertThat(servfail.getSmtpRetCode()).isEqualTo("550");
        HookResult untrusted = Enforcement.DEFAULT.atEndOfData(listPost(TrustedListPost.ZONE.withLocalOverload(
                TrustedListPost.KEY_NAME), Set.of("other.example"))).orElseThrow();
        assertThat(untrusted.getSmtpRetCode()).isEqualTo("550");
    }

    @Test
    void aFailPctLeftOutIsNotDeferredWhenOurOverloadLeftTheOverrideUndecided() throws Exception {
        // RFC 7489 §6.6.4: pct=0 leaves every failing message out of p=reject: quarantined whether or not the
        // trusted sealer's override applies, so the overload at the sealer's key decides nothing a 451 could wait for
        Set<String> trusted = Set.of(TrustedListPost.SEALER);
        DmarcOptions rfc7489 = DmarcOptions.DEFAULT.withMode(DmarcMode.RFC7489);
        ZoneFileResolver sampled = TrustedListPost.zone("v=DMARC1; p=reject; pct=0");
        AuthCheckReport overloaded = listPost(sampled.withLocalOverload(TrustedListPost.KEY_NAME), trusted, rfc7489);
        DmarcResult dmarc = overloaded.dmarc().orElseThrow();
        assertThat(dmarc.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(dmarc.localOverload()).isTrue();
        assertThat(dmarc.sampledOut()).isTrue();
        assertThat(dmarc.undecidedFail()).isTrue();
        assertThat(overloaded.dmarcDisposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(read("temperror", "accept").atEndOfData(overloaded)).isEmpty();
        // temperror=defer: deferred as any temperror, naming the domain (not "server busy")
        assertThat(read("temperror", "defer").atEndOfData(overloaded).orElseThrow().getSmtpDescription())
                .startsWith("4.7.1 DMARC policy of victim.example");

        // in the sample (pct=100), or under RFC 9989 (no pct): the fail may be refused, so 451 as before
        for (AuthCheckReport refusable : List.of(
                listPost(TrustedListPost.zone("v=DMARC1; p=reject; pct=100").withLocalOverload(
                        TrustedListPost.KEY_NAME), trusted, rfc7489),
                listPost(sampled.withLocalOverload(TrustedListPost.KEY_NAME), trusted, DmarcOptions.DEFAULT))) {
            assertThat(refusable.dmarc().orElseThrow().localOverload()).isTrue();
            assertThat(refusable.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
            HookResult busy = read("temperror", "accept").atEndOfData(refusable).orElseThrow();
            assertThat(busy.getSmtpRetCode()).isEqualTo("451");
            assertThat(busy.getSmtpDescription()).isEqualTo(Enforcement.OVERLOADED.formatted("DMARC"));
        }
        // without the overload the sampled-out fail is overridden, and accepted
        assertThat(listPost(sampled, trusted, rfc7489).dmarcDisposition()).isEqualTo(DmarcPolicy.NONE);
    }

    private static AuthCheckReport report(DmarcResult dmarc, SpfResult spf) {
        return new AuthCheckReport(Optional.empty(), Optional.of(spf), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.ofNullable(dmarc), Optional.empty(), Optional.empty());
    }

    @Test
    void aTemperrorFromOurOwnOverloadIsDeferredWhateverTemperrorSaysAndAPlainOneAsConfigured() throws Exception {
        DmarcResult plain = new DmarcEvaluator(new ZoneFileResolver("""
                _dmarc.reject.example. 300 IN TXT "v=DMARC1; p=reject"
                """).withFailure("_dmarc.reject.example", DnsOutcome.TEMP_FAILURE))
                .evaluate(List.of("a@reject.example"), Optional.empty(), Optional.empty()).get();
        assertThat(plain.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(plain.localOverload()).isFalse();
        DmarcResult overload = plain.withLocalOverload(true);
        Enforcement accept = read("temperror", "accept");
        Enforcement defer = read("temperror", "defer");

        HookResult busy = accept.atEndOfData(report(overload, Optional.empty())).orElseThrow();
        assertThat(busy.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(busy.getSmtpRetCode()).isEqualTo("451");
        assertThat(busy.getSmtpDescription()).startsWith("4.7.1 ").contains("try again later")
                .doesNotContain("reject.example");
        assertThat(defer.atEndOfData(report(overload, Optional.empty())).orElseThrow().getSmtpRetCode())
                .isEqualTo("451");
        // a temperror the author's DNS gave: accepted and labelled unless temperror=defer
        assertThat(accept.atEndOfData(report(plain, Optional.empty()))).isEmpty();
        assertThat(defer.atEndOfData(report(plain, Optional.empty())).orElseThrow().getSmtpDescription())
                .startsWith("4.7.1 DMARC policy of reject.example");
        // DMARC not enforced: nothing to defer
        assertThat(read("refuseDmarcReject", "false").atEndOfData(report(overload, Optional.empty()))).isEmpty();

        // SPF, where SPF fail is refused
        SpfResult spfOverload = new SpfResult(SpfStatus.TEMPERROR, SpfIdentity.MAILFROM, "victim.example", null,
                null, 1, 0, "TXT lookup of victim.example failed: not sent, this server's DNS resolver is overloaded",
                true);
        SpfResult spfPlain = new SpfResult(SpfStatus.TEMPERROR, SpfIdentity.MAILFROM, "victim.example", null, null,
                1, 0, "TXT lookup of victim.example failed: temp failure");
        Enforcement mailFrom = read("refuseSpfFail", "mailfrom");
        HookResult atMail = mailFrom.atMailFrom(Optional.of(spfOverload)).orElseThrow();
        assertThat(atMail.getSmtpRetCode()).isEqualTo("451");
        assertThat(atMail.getSmtpDescription()).startsWith("4.7.1 ").doesNotContain("victim.example");
        assertThat(mailFrom.atMailFrom(Optional.of(spfPlain))).isEmpty();
        Enforcement data = read("refuseSpfFail", "data", "refuseDmarcReject", "false");
        assertThat(data.atEndOfData(report(null, spfOverload)).orElseThrow().getSmtpRetCode()).isEqualTo("451");
        assertThat(data.atEndOfData(report(null, spfPlain))).isEmpty();
        assertThat(read("refuseSpfFail", "never").atMailFrom(Optional.of(spfOverload))).isEmpty();
        assertThat(read("refuseSpfFail", "never", "refuseDmarcReject", "false")
                .atEndOfData(report(null, spfOverload))).isEmpty();
    }

    private static final String POLICIES = """
            _dmarc.none.example. 300 IN TXT "v=DMARC1; p=none"
            _dmarc.reject.example. 300 IN TXT "v=DMARC1; p=reject"
            _dmarc.np.example. 300 IN TXT "v=DMARC1; p=none; sp=none; np=reject"
            _dmarc.nonp.example. 300 IN TXT "v=DMARC1; p=reject; sp=none; np=quarantine"
            """;

    /** The zone, except that this server's resolver does not send the queries for {@code names} (overload). */
    private static DnsResolver overloaded(String... names) {
        ZoneFileResolver zone = new ZoneFileResolver(POLICIES);
        Set<String> busy = Set.of(names);
        return new DnsResolver() {
            private <T> CompletableFuture<DnsLookup<T>> or(String n, DnsType type,
                                                           CompletableFuture<DnsLookup<T>> answer) {
                return busy.contains(DnsNames.normalize(n)) ? CompletableFuture.completedFuture(DnsLookup.overloaded(n, type,
                        "more than 256 DNS queries in flight")) : answer;
            }
            @Override public CompletableFuture<DnsLookup<String>> txt(String n) {
                return or(n, DnsType.TXT, zone.txt(n));
            }
            @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) {
                return or(n, DnsType.A, zone.a(n));
            }
            @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) {
                return or(n, DnsType.AAAA, zone.aaaa(n));
            }
            @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) {
                return or(n, DnsType.MX, zone.mx(n));
            }
            @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) {
                return zone.ptr(ip);
            }
        };
    }

    /** DMARC for {@code author}, SPF passing for {@code spfDomain} (relaxed alignment asks its tree walk). */
    private static DmarcResult dmarcWithSpf(DnsResolver dns, String author, String spfDomain) throws Exception {
        SpfResult pass = new SpfResult(SpfStatus.PASS, SpfIdentity.MAILFROM, spfDomain, "all", null, 1, 0, "pass");
        return new DmarcEvaluator(dns).evaluate(List.of("a@" + author), Optional.of(pass), Optional.empty()).get();
    }

    @Test
    void anOverloadTemperrorIsDeferredOnlyWhereAPolicyThatMayApplyIsRejectOrThePolicyIsUnknown() throws Exception {
        // review F2: p=none known, alignment left open by our overload: the check could never refuse
        DmarcResult none = dmarcWithSpf(overloaded("_dmarc.mail.none.example"), "none.example",
                "mail.none.example");
        assertThat(none.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(none.localOverload()).isTrue();
        assertThat(none.policy()).isEqualTo(DmarcPolicy.NONE);
        Enforcement accept = read("temperror", "accept");
        assertThat(accept.atEndOfData(report(none, Optional.empty()))).isEmpty();
        // the ordinary temperror handling: deferred with temperror=defer, as for any temperror
        assertThat(read("temperror", "defer").atEndOfData(report(none, Optional.empty())).orElseThrow()
                .getSmtpDescription()).startsWith("4.7.1 DMARC policy of none.example");

        // p=reject known: the check could refuse
        DmarcResult reject = dmarcWithSpf(overloaded("_dmarc.mail.reject.example"), "reject.example",
                "mail.reject.example");
        assertThat(reject.localOverload()).isTrue();
        HookResult busy = accept.atEndOfData(report(reject, Optional.empty())).orElseThrow();
        assertThat(busy.getSmtpRetCode()).isEqualTo("451");
        assertThat(busy.getSmtpDescription()).isEqualTo(Enforcement.OVERLOADED.formatted("DMARC"));

        // the policy not known (its lookup not sent): it may be reject
        DmarcResult unknown = new DmarcEvaluator(overloaded("_dmarc.none.example"))
                .evaluate(List.of("a@none.example"), Optional.empty(), Optional.empty()).get();
        assertThat(unknown.localOverload()).isTrue();
        assertThat(unknown.record()).isNull();
        assertThat(accept.atEndOfData(report(unknown, Optional.empty())).orElseThrow().getSmtpRetCode())
                .isEqualTo("451");

        // np=reject under sp=none, existence not asked: the policy that applies may be reject
        DmarcResult np = new DmarcEvaluator(overloaded("ghost.np.example"))
                .evaluate(List.of("a@ghost.np.example"), Optional.empty(), Optional.empty()).get();
        assertThat(np.localOverload()).isTrue();
        assertThat(np.policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(accept.atEndOfData(report(np, Optional.empty())).orElseThrow().getSmtpRetCode())
                .isEqualTo("451");
        // sp=none, np=quarantine (p=reject only at the organizational domain): no policy that applies refuses
        DmarcResult quarantine = new DmarcEvaluator(overloaded("ghost.nonp.example"))
                .evaluate(List.of("a@ghost.nonp.example"), Optional.empty(), Optional.empty()).get();
        assertThat(quarantine.localOverload()).isTrue();
        assertThat(accept.atEndOfData(report(quarantine, Optional.empty()))).isEmpty();
    }

    @Test
    void anSpfOverloadThatLeftDmarcWithoutAnIdentifierIsDeferredNotRefused() throws Exception {
        // review F1: the sender passes only through SPF, whose lookup our overload did not send
        SpfResult spfOverload = new SpfResult(SpfStatus.TEMPERROR, SpfIdentity.MAILFROM, "reject.example", null,
                null, 1, 0, "TXT lookup of reject.example failed: not sent, this server's DNS resolver is overloaded",
                true);
        DmarcResult dmarc = new DmarcEvaluator(new ZoneFileResolver(POLICIES))
                .evaluate(List.of("a@reject.example"), Optional.of(spfOverload), Optional.empty()).get();
        assertThat(dmarc.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(dmarc.localOverload()).isTrue();
        for (Enforcement e : List.of(Enforcement.DEFAULT, read("refuseSpfFail", "data"),
                read("refuseSpfFail", "data", "temperror", "defer"), read("refuseSpfFail", "mailfrom"))) {
            HookResult reply = e.atEndOfData(report(dmarc, spfOverload), true).orElseThrow();
            assertThat(reply.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(reply.getSmtpRetCode()).isEqualTo("451");
            assertThat(reply.getSmtpDescription()).startsWith("4.7.1 Server busy");
        }
        // a real SPF temperror (the sender's DNS) leaves DMARC's failure and its refusal
        SpfResult spfPlain = new SpfResult(SpfStatus.TEMPERROR, SpfIdentity.MAILFROM, "reject.example", null, null,
                1, 0, "TXT lookup of reject.example failed: temp failure");
        DmarcResult fail = new DmarcEvaluator(new ZoneFileResolver(POLICIES))
                .evaluate(List.of("a@reject.example"), Optional.of(spfPlain), Optional.empty()).get();
        assertThat(fail.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(Enforcement.DEFAULT.atEndOfData(report(fail, spfPlain)).orElseThrow().getSmtpRetCode())
                .isEqualTo("550");
    }

    @Test
    void theEndOfDataWaitsOnlyWhereItCanRefuseUnlessAskedToAlwaysWait() {
        // every combination of the refusal parameters: waiting <=> a refusal at DATA is possible
        for (String dmarc : List.of("true", "false")) {
            for (String spf : List.of("never", "mailfrom", "data")) {
                for (String temperror : List.of("accept", "defer")) {
                    Enforcement e = read("refuseDmarcReject", dmarc, "refuseSpfFail", spf, "temperror", temperror);
                    boolean refuses = dmarc.equals("true") || spf.equals("data");
                    String id = dmarc + "/" + spf + "/" + temperror;
                    assertThat(e.refusesAtData()).as(id).isEqualTo(refuses);
                    assertThat(e.awaitsAtData(false)).as(id).isEqualTo(refuses);
                    // authenticated or relaying clients are never refused: no reason to wait
                    assertThat(e.awaitsAtData(true)).as(id).isFalse();
                    Enforcement always = read("refuseDmarcReject", dmarc, "refuseSpfFail", spf, "temperror",
                            temperror, "awaitAtData", "always");
                    assertThat(always.awaitsAtData(false)).as(id).isTrue();
                    assertThat(always.awaitsAtData(true)).as(id).isTrue();
                }
            }
        }
        assertThat(Enforcement.DEFAULT.awaitsAtData(false)).isTrue();
        assertThat(read("awaitAtData", " Auto ")).isEqualTo(Enforcement.DEFAULT);
        assertThatThrownBy(() -> read("awaitAtData", "never")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("awaitAtData must be auto or always, not 'never'");
    }

    private static Enforcement read(String... parameters) {
        java.util.Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < parameters.length; i += 2) {
            map.put(parameters[i], parameters[i + 1]);
        }
        return Enforcement.read(map::get);
    }

    @Test
    void theDomainInAReplyIsPrintableAndBounded() {
        assertThat(Enforcement.quoted("evil.example\r\n250 ok")).isEqualTo("evil.example??250?ok");
        assertThat(Enforcement.quoted("x".repeat(10_000))).hasSize(Enforcement.MAX_QUOTED);
        assertThat(Enforcement.quoted(null)).isEqualTo("the author domain");
    }

    @Test
    void theHeaderSectionIsCollectedUnstuffedOnceAndBounded() {
        HeaderSectionCollector c = new HeaderSectionCollector();
        assertThat(c.offer(bytes("From: a@b.example\r\n"))).isNull();
        assertThat(c.offer(bytes("..dotted: x\r\n"))).isNull();
        assertThat(new String(c.offer(bytes("\r\n")), StandardCharsets.US_ASCII))
                .isEqualTo("From: a@b.example\r\n.dotted: x\r\n\r\n");
        assertThat(c.offer(bytes("\r\n"))).isNull();

        HeaderSectionCollector noBody = new HeaderSectionCollector();
        noBody.offer(bytes("From: a@b.example\r\n"));
        assertThat(noBody.offer(bytes(".\r\n"))).isNull();
        assertThat(noBody.offer(bytes("\r\n"))).isNull();

        HeaderSectionCollector big = new HeaderSectionCollector();
        byte[] line = bytes("X: " + "y".repeat(1000) + "\r\n");
        int lines = HeaderSectionCollector.MAX_OCTETS / line.length;
        for (int i = 0; i < lines; i++) {
            assertThat(big.offer(line)).isNull();
        }
        assertThat(big.offer(line)).isNull();   // over the bound: given up
        assertThat(big.offer(bytes("\r\n"))).isNull();

        HeaderSectionCollector justUnder = new HeaderSectionCollector();
        for (int i = 0; i < lines; i++) {
            justUnder.offer(line);
        }
        assertThat(justUnder.offer(bytes("\n"))).hasSize(lines * line.length + 1);

        HeaderSectionCollector manyLines = new HeaderSectionCollector();
        for (int i = 0; i < HeaderSectionCollector.MAX_LINES; i++) {
            assertThat(manyLines.offer(bytes("X: y\r\n"))).isNull();
        }
        assertThat(manyLines.offer(bytes("\r\n"))).isNull();   // one line over the bound: given up
        HeaderSectionCollector justUnderLines = new HeaderSectionCollector();
        int unstuffed = 2;
        for (int i = 0; i < HeaderSectionCollector.MAX_LINES - 1; i++) {
            justUnderLines.offer(bytes(i % 2 == 0 ? "..X: y\r\n" : "X: y\r\n"));
            unstuffed += i % 2 == 0 ? 7 : 6;
        }
        byte[] header = justUnderLines.offer(bytes("\r\n"));
        assertThat(header).hasSize(unstuffed);
        assertThat(new String(header, StandardCharsets.US_ASCII)).startsWith(".X: y\r\nX: y\r\n.X: y\r\n")
                .endsWith("X: y\r\n\r\n");
        assertThat(HeaderSectionCollector.isEmptyLine(bytes("\r\n"))).isTrue();
        assertThat(HeaderSectionCollector.isEmptyLine(bytes("\n"))).isTrue();
        assertThat(HeaderSectionCollector.isEmptyLine(bytes(" \r\n"))).isFalse();
        assertThat(HeaderSectionCollector.isEmptyLine(null)).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
