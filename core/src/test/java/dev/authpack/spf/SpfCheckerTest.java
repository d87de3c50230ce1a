package dev.authpack.spf;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpfCheckerTest {
    private static final InetAddress CLIENT = ip("192.0.2.7");

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SpfResult get(CompletableFuture<SpfResult> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void passReportsMechanismDomainAndCounts() throws Exception {
        ScriptedDns dns = new ScriptedDns()
                .txt("example.com", "google-site-verification=abc", "v=spf1 a:nx.example.com a:host.example.com "
                        + "ip4:192.0.2.0/24 -all")
                .a("host.example.com", "198.51.100.1");
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "alice@example.com", "mail.example.net"));
        assertThat(v.status()).isEqualTo(SpfStatus.PASS);
        assertThat(v.identity()).isEqualTo(SpfIdentity.MAILFROM);
        assertThat(v.domain()).isEqualTo("example.com");
        assertThat(v.mechanism()).isEqualTo("ip4:192.0.2.0/24");
        assertThat(v.explanation()).isNull();
        assertThat(v.lookups()).isEqualTo(2);
        assertThat(v.voidLookups()).isEqualTo(1);
        assertThat(v.reason()).contains("192.0.2.7", "ip4:192.0.2.0/24", "example.com");
        assertThat(SpfStatus.SOFTFAIL.word()).isEqualTo("softfail");
        assertThat(SpfIdentity.HELO.word()).isEqualTo("helo");
    }

    @Test
    void aCheckerOverAnotherResolverAsksItAndSharesTheParsedRecords() throws Exception {
        ScriptedDns server = new ScriptedDns().txt("s.example", "v=spf1 ip4:192.0.2.0/24 -all");
        ScriptedDns transaction = new ScriptedDns().txt("s.example", "v=spf1 ip4:192.0.2.0/24 -all");
        SpfChecker checker = new SpfChecker(server);

        SpfResult v = get(checker.over(transaction).checkMailFrom(CLIENT, "a@s.example", "h.example"));

        assertThat(v.status()).isEqualTo(SpfStatus.PASS);
        assertThat(checker.cachedRecords()).isEqualTo(1);
        assertThat(get(checker.checkMailFrom(CLIENT, "a@s.example", "h.example")).status())
                .isEqualTo(SpfStatus.PASS);
        assertThat(checker.cachedRecords()).isEqualTo(1);
        assertThat(get(checker.over(new ScriptedDns()).checkMailFrom(CLIENT, "a@s.example", "h.example")).status())
                .as("answers come from the resolver given, never from the shared records")
                .isEqualTo(SpfStatus.NONE);
    }

    @Test
    void neutralDefaultAndQualifiers() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("n.example", "v=spf1 ip4:10.0.0.0/8")
                .txt("s.example", "v=spf1 ~ip4:192.0.2.0/24 -all");
        SpfChecker checker = new SpfChecker(dns);
        SpfResult neutral = get(checker.checkMailFrom(CLIENT, "a@n.example", "h.example"));
        assertThat(neutral.status()).isEqualTo(SpfStatus.NEUTRAL);
        assertThat(neutral.mechanism()).isEqualTo("default");
        SpfResult softfail = get(checker.checkMailFrom(CLIENT, "a@s.example", "h.example"));
        assertThat(softfail.status()).isEqualTo(SpfStatus.SOFTFAIL);
        assertThat(softfail.mechanism()).isEqualTo("ip4:192.0.2.0/24");
        assertThat(softfail.explanation()).as("explanations are for fail only").isNull();
    }

    @Test
    void explanationWithExpOnlyMacros() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 -all exp=why.%{d}")
                .txt("why.example.com", "%{c} is not allowed by %{r} at %{t} for %{s} (%{L})");
        SpfOptions options = SpfOptions.defaults().withReceiver("mx.receiver.test")
                .withClock(Clock.fixed(Instant.ofEpochSecond(1700000000), ZoneOffset.UTC));
        SpfResult v = get(new SpfChecker(dns, options)
                .checkMailFrom(ip("2001:db8::0:1"), "Bob Smith@example.com", "h.example"));
        assertThat(v.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(v.mechanism()).isEqualTo("all");
        assertThat(v.explanation()).isEqualTo(
                "2001:db8::1 is not allowed by mx.receiver.test at 1700000000 for Bob Smith@example.com (Bob%20Smith)");
        assertThat(v.lookups()).as("exp= is not a counted lookup").isZero();
    }

    @Test
    void defaultExplanationWhenExpIsUnusable() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 -all exp=why.example.com")
                .fail("TXT why.example.com", DnsOutcome.TEMP_FAILURE);
        SpfResult withDefault = get(new SpfChecker(dns, SpfOptions.defaults()
                .withDefaultExplanation("see https://spf.example/%{O}?ip=%{I}"))
                .checkMailFrom(CLIENT, "a@example.com", "h"));
        assertThat(withDefault.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(withDefault.explanation()).isEqualTo("see https://spf.example/example.com?ip=192.0.2.7");
        assertThat(get(new SpfChecker(dns).checkMailFrom(CLIENT, "a@example.com", "h")).explanation()).isNull();
    }

    @Test
    void nullSenderIsPostmasterAtHelo() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("mail.example.net", "v=spf1 -all exp=e.example.net")
                .txt("e.example.net", "%{s} %{l} %{o} %{d} %{h}");
        SpfChecker checker = new SpfChecker(dns);
        for (String nullSender : new String[] {"", "<>", null}) {
            SpfResult v = get(checker.checkMailFrom(CLIENT, nullSender, "mail.example.net"));
            assertThat(v.identity()).isEqualTo(SpfIdentity.MAILFROM);
            assertThat(v.domain()).isEqualTo("mail.example.net");
            assertThat(v.explanation()).isEqualTo(
                    "postmaster@mail.example.net postmaster mail.example.net mail.example.net mail.example.net");
        }
        SpfResult noHelo = get(checker.checkMailFrom(CLIENT, "", ""));
        assertThat(noHelo.status()).isEqualTo(SpfStatus.NONE);
        assertThat(noHelo.reason()).isNotBlank();
    }

    @Test
    void senderForms() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 -all exp=e.example.com")
                .txt("e.example.com", "%{s}");
        SpfChecker checker = new SpfChecker(dns);
        assertThat(get(checker.checkMailFrom(CLIENT, "<a@example.com>", "h")).explanation()).isEqualTo("a@example.com");
        assertThat(get(checker.checkMailFrom(CLIENT, "example.com", "h")).explanation())
                .isEqualTo("postmaster@example.com");
        assertThat(get(checker.checkMailFrom(CLIENT, "\"odd@local\"@example.com", "h")).explanation())
                .isEqualTo("\"odd@local\"@example.com");
        assertThat(get(checker.checkHost(CLIENT, "example.com", "", "h")).explanation())
                .isEqualTo("postmaster@example.com");
    }

    @Test
    void heloIdentity() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("mail.example.net", "v=spf1 a -all")
                .a("mail.example.net", "192.0.2.7");
        SpfChecker checker = new SpfChecker(dns);
        SpfResult pass = get(checker.checkHelo(CLIENT, "mail.example.net"));
        assertThat(pass.status()).isEqualTo(SpfStatus.PASS);
        assertThat(pass.identity()).isEqualTo(SpfIdentity.HELO);
        assertThat(pass.domain()).isEqualTo("mail.example.net");
        for (String bad : new String[] {"[192.0.2.7]", "[IPv6:2001:db8::1]", "localhost", "", "192.0.2.7"}) {
            SpfResult none = get(checker.checkHelo(CLIENT, bad));
            assertThat(none.status()).as(bad).isEqualTo(SpfStatus.NONE);
            assertThat(none.identity()).isEqualTo(SpfIdentity.HELO);
            assertThat(none.reason()).isNotBlank();
        }
        assertThat(dns.queries).containsExactly("TXT mail.example.net", "A mail.example.net");
    }

    @Test
    void internationalizedDomainIsQueriedAsALabels() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("xn--bcher-kva.example", "v=spf1 +all");
        assertThat(get(new SpfChecker(dns).checkMailFrom(CLIENT, "user@bücher.example", "h")).status())
                .isEqualTo(SpfStatus.PASS);
    }

    @Test
    void ipv4MappedClientIsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 ip6:::/0 ip4:192.0.2.7 -all");
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(client, "a@example.com", "h"));
        assertThat(v.status()).isEqualTo(SpfStatus.PASS);
        assertThat(v.mechanism()).isEqualTo("ip4:192.0.2.7");
    }

    @Test
    void dnsErrorsAreTemperror() throws Exception {
        ScriptedDns dns = new ScriptedDns()
                .fail("TXT servfail.example", DnsOutcome.TEMP_FAILURE)
                .fail("TXT timeout.example", DnsOutcome.TIMEOUT)
                .txt("inc.example", "v=spf1 include:timeout.example -all")
                .txt("a.example", "v=spf1 a:broken.example -all").fail("A broken.example", DnsOutcome.TIMEOUT)
                .txt("mx.example", "v=spf1 mx -all").mx("mx.example", new MxHost(10, "bad.example"),
                        new MxHost(20, "good.example"))
                .fail("A bad.example", DnsOutcome.TEMP_FAILURE).a("good.example", "192.0.2.7")
                .txt("ptr.example", "v=spf1 ptr -all").fail("PTR 192.0.2.7", DnsOutcome.TEMP_FAILURE);
        SpfChecker checker = new SpfChecker(dns);
        for (String domain : new String[] {"servfail.example", "timeout.example", "inc.example", "a.example",
            "mx.example"}) {
            SpfResult v = get(checker.checkMailFrom(CLIENT, "x@" + domain, "h"));
            assertThat(v.status()).as(domain).isEqualTo(SpfStatus.TEMPERROR);
            assertThat(v.mechanism()).isNull();
        }
        // §5.5: a DNS error of the PTR lookup is a non-match, not an error
        assertThat(get(checker.checkMailFrom(CLIENT, "x@ptr.example", "h")).status()).isEqualTo(SpfStatus.FAIL);
    }

    @Test
    void misbehavingResolverGivesTemperror() throws Exception {
        DnsResolver throwing = new ScriptedDns() {
            @Override
            public CompletableFuture<DnsLookup<String>> txt(String name) {
                throw new IllegalStateException("boom");
            }
        };
        DnsResolver failing = new ScriptedDns() {
            @Override
            public CompletableFuture<DnsLookup<String>> txt(String name) {
                return CompletableFuture.failedFuture(new RuntimeException("boom"));
            }
        };
        for (DnsResolver dns : new DnsResolver[] {throwing, failing}) {
            SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "a@example.com", "h"));
            assertThat(v.status()).isEqualTo(SpfStatus.TEMPERROR);
        }
    }

    @Test
    void evaluationTimeoutGivesTemperror() throws Exception {
        ScriptedDns dns = new ScriptedDns().hold("TXT slow.example");
        SpfChecker checker = new SpfChecker(dns, SpfOptions.defaults().withTimeout(Duration.ofMillis(200)));
        SpfResult v = get(checker.checkMailFrom(CLIENT, "a@slow.example", "h"));
        assertThat(v.status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(v.reason()).contains("longer than");
    }

    @Test
    void prefetchAsksAheadButResultsFollowTheRecordOrder() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 include:a.example include:b.example -all")
                .hold("TXT a.example").hold("TXT b.example")
                .fail("TXT b.example", DnsOutcome.TIMEOUT).txt("a.example", "v=spf1 +all");
        CompletableFuture<SpfResult> verdict = new SpfChecker(dns).checkMailFrom(CLIENT, "x@example.com", "h");
        assertThat(dns.queries).containsExactly("TXT example.com", "TXT a.example", "TXT b.example");
        dns.release("TXT b.example");
        assertThat(verdict).isNotDone();
        dns.release("TXT a.example");
        SpfResult v = get(verdict);
        assertThat(v.status()).as("the timeout of the second include is never consulted").isEqualTo(SpfStatus.PASS);
        assertThat(v.mechanism()).isEqualTo("include:a.example");
        assertThat(v.lookups()).isEqualTo(1);
    }

    @Test
    void withoutPrefetchTermsAreAskedOneAfterAnother() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 include:a.example include:b.example -all")
                .hold("TXT a.example").txt("a.example", "v=spf1 -all").txt("b.example", "v=spf1 +all");
        CompletableFuture<SpfResult> verdict = new SpfChecker(dns, SpfOptions.defaults().withPrefetch(false))
                .checkMailFrom(CLIENT, "x@example.com", "h");
        assertThat(dns.queries).containsExactly("TXT example.com", "TXT a.example");
        dns.release("TXT a.example");
        assertThat(get(verdict).status()).isEqualTo(SpfStatus.PASS);
        assertThat(dns.queries).containsExactly("TXT example.com", "TXT a.example", "TXT b.example");
    }

    @Test
    void aNameIsAskedOncePerEvaluation() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 a a/24 mx a//64 -all")
                .a("example.com", "198.51.100.1");
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@example.com", "h"));
        assertThat(v.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(v.lookups()).isEqualTo(4);
        assertThat(v.voidLookups()).isEqualTo(1);
        assertThat(dns.queries).containsExactlyInAnyOrder("TXT example.com", "A example.com", "MX example.com");
    }

    @Test
    void lookupLimitBoundsQueriesEvenWithPrefetch() throws Exception {
        StringBuilder record = new StringBuilder("v=spf1");
        ScriptedDns dns = new ScriptedDns();
        for (int i = 1; i <= 15; i++) {
            record.append(" a:h").append(i).append(".example");
            dns.a("h" + i + ".example", "198.51.100." + i);
        }
        dns.txt("example.com", record.append(" -all").toString());
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@example.com", "h"));
        assertThat(v.status()).isEqualTo(SpfStatus.PERMERROR);
        assertThat(v.lookups()).isEqualTo(11);
        assertThat(v.reason()).contains("§4.6.4");
        assertThat(dns.queries).hasSize(1 + 10);
    }

    @Test
    void includeLoopEndsAtTheLimit() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("loop.example", "v=spf1 include:%{d} -all");
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@loop.example", "h"));
        assertThat(v.status()).isEqualTo(SpfStatus.PERMERROR);
        assertThat(v.lookups()).isEqualTo(11);
    }

    @Test
    void mxLimit() throws Exception {
        MxHost[] hosts = new MxHost[11];
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 mx -all");
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = new MxHost(i, "mx" + i + ".example.com");
            dns.a("mx" + i + ".example.com", "198.51.100." + (i + 1));
        }
        dns.mx("example.com", hosts);
        SpfChecker checker = new SpfChecker(dns);
        assertThat(get(checker.checkMailFrom(ip("198.51.100.3"), "x@example.com", "h")).status())
                .as("a match among the first ten").isEqualTo(SpfStatus.PASS);
        assertThat(get(checker.checkMailFrom(ip("198.51.100.11"), "x@example.com", "h")).status())
                .as("the eleventh would be needed").isEqualTo(SpfStatus.PERMERROR);
        assertThat(dns.queries).doesNotContain("A mx10.example.com");
    }

    @Test
    void mxAddressErrorsAreReadInOrder() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 mx -all")
                .mx("example.com", new MxHost(20, "bad.example"), new MxHost(10, "good.example"))
                .fail("A bad.example", DnsOutcome.TIMEOUT).a("good.example", "192.0.2.7");
        assertThat(get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@example.com", "h")).status())
                .as("hosts are taken by preference; the matching one comes first").isEqualTo(SpfStatus.PASS);
    }

    @Test
    void validatedDomainMacro() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 exists:%{p}.allow.example.org -all")
                .ptr("192.0.2.7", "other.example.net", "mail.example.com", "fake.example.com")
                .a("other.example.net", "192.0.2.7").a("mail.example.com", "192.0.2.7")
                .a("mail.example.com.allow.example.org", "127.0.0.2");
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@example.com", "h"));
        assertThat(v.status()).as("the validated subdomain of <domain> is preferred").isEqualTo(SpfStatus.PASS);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> SpfOptions.defaults().withDefaultExplanation("%{x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpfOptions.defaults().withLimits(0, 2, 10, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpfOptions.defaults().withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SpfOptions.defaults().withReceiver(" ").receiver()).isEqualTo("unknown");
        assertThat(SpfOptions.defaults()).satisfies(o -> {
            assertThat(o.maxDnsMechanisms()).isEqualTo(10);
            assertThat(o.maxVoidLookups()).isEqualTo(2);
            assertThat(o.maxMxNames()).isEqualTo(10);
            assertThat(o.maxPtrNames()).isEqualTo(10);
            assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(20));
        });
    }

    @Test
    void voidLimitIsConfigurable() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("example.com", "v=spf1 a:n1.example a:n2.example a:n3.example ?all");
        assertThat(get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@example.com", "h")).status())
                .isEqualTo(SpfStatus.PERMERROR);
        SpfResult relaxed = get(new SpfChecker(dns, SpfOptions.defaults().withLimits(10, 3, 10, 10))
                .checkMailFrom(CLIENT, "x@example.com", "h"));
        assertThat(relaxed.status()).isEqualTo(SpfStatus.NEUTRAL);
        assertThat(relaxed.voidLookups()).isEqualTo(3);
    }
}
