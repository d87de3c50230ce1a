package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authpack.testkit.dns.FaultMix;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The network resolver against a real DNS server on loopback (UDP and TCP). */
class DnsjavaResolverTest {

    static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @        IN SOA ns hostmaster 1 3600 600 86400 90
            @        IN TXT "v=spf1 " "ip4:192.0.2.0/24 -all"
            @        IN MX 10 mail
            mail     IN A 192.0.2.25
            mail     IN AAAA 2001:db8::25
            www   30 IN CNAME mail
            away     IN CNAME host.other.test.
            fail     IN A 192.0.2.1
            quiet    IN A 192.0.2.2
            big      IN TXT "%s" "%s"
            big      IN TXT "%s" "%s"
            big      IN TXT "%s" "%s"
            big      IN TXT "%s" "%s"
            a\\032b\\037\\092\\000 IN TXT "odd octets"
            mx-odd   IN MX 10 odd\\032host
            odd\\032host IN A 192.0.2.26
            $ORIGIN 2.0.192.in-addr.arpa.
            25       IN PTR mail.example.com.
            """.formatted("a".repeat(200), "b".repeat(200), "c".repeat(200), "d".repeat(200), "e".repeat(200),
                    "f".repeat(200), "g".repeat(200), "h".repeat(200));
    // no SOA: the server stops at the CNAME target, as an authoritative server of another zone would
    static final String OTHER = "host.other.test. 45 IN A 198.51.100.7\n";

    static LoopbackDnsServer server;
    /** 5 s: generous, so a loaded build machine never turns a slow loopback answer into a timeout. */
    static DnsjavaResolver resolver;

    @BeforeAll
    static void start() throws IOException {
        server = LoopbackDnsServer.builder().zoneText(ZONE).zoneText(OTHER).ipv6(true).start();
        resolver = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void reset() {
        server.clearFailures();
    }

    @Test
    void recordsOfEachType() throws Exception {
        DnsLookup<String> txt = resolver.txt("Example.COM.").join();
        assertThat(txt.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(txt.name()).isEqualTo("example.com");
        assertThat(txt.records()).containsExactly("v=spf1 ip4:192.0.2.0/24 -all");
        assertThat(txt.ttlSeconds()).isEqualTo(300);
        assertThat(resolver.a("mail.example.com").join().records()).containsExactly(InetAddress.getByName("192.0.2.25"));
        assertThat(resolver.aaaa("mail.example.com").join().records())
                .containsExactly(InetAddress.getByName("2001:db8::25"));
        assertThat(resolver.mx("example.com").join().records()).containsExactly(new MxHost(10, "mail.example.com"));
        DnsLookup<String> ptr = resolver.ptr(InetAddress.getByName("192.0.2.25")).join();
        assertThat(ptr.name()).isEqualTo("25.2.0.192.in-addr.arpa");
        assertThat(ptr.records()).containsExactly("mail.example.com");
    }

    @Test
    void nxdomainAndNoDataWithTheSoaNegativeTtl() {
        DnsLookup<String> nx = resolver.txt("nope.example.com").join();
        assertThat(nx.outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
        assertThat(nx.ttlSeconds()).isEqualTo(90);
        DnsLookup<String> nodata = resolver.txt("mail.example.com").join();
        assertThat(nodata.outcome()).isEqualTo(DnsOutcome.NO_DATA);
        assertThat(nodata.ttlSeconds()).isEqualTo(90);
        DnsLookup<InetAddress> noSoa = resolver.a("missing.other.test").join();
        assertThat(noSoa.outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
        assertThat(noSoa.ttlSeconds()).isEqualTo(AnswerReader.DEFAULT_NEGATIVE_TTL);
    }

    @Test
    void servfailIsATemporaryFailure() {
        server.servfail("fail.example.com");
        DnsLookup<InetAddress> l = resolver.a("fail.example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(l.detail()).contains("SERVFAIL");
        assertThat(l.records()).isEmpty();
    }

    @Test
    void noAnswerIsATimeoutWithinTheBudget() {
        server.drop("quiet.example.com");
        DnsjavaResolver fast = new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(300));
        long start = System.nanoTime();
        DnsLookup<InetAddress> l = fast.a("quiet.example.com").join();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(l.outcome()).isEqualTo(DnsOutcome.TIMEOUT);
        assertThat(l.detail()).contains("no answer from 127.0.0.1:" + server.port());
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(280)).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void truncatedUdpAnswerIsAskedAgainOverTcp() {
        server.truncate("mail.example.com");
        long tcpBefore = server.tcpQueries();
        DnsLookup<InetAddress> l = resolver.a("mail.example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(server.tcpQueries()).isEqualTo(tcpBefore + 1);
        // an answer over 1232 octets (EDNS limit of the server) is truncated by the server itself
        DnsLookup<String> big = resolver.txt("big.example.com").join();
        assertThat(big.records()).hasSize(4).allSatisfy(s -> assertThat(s).hasSize(400));
        assertThat(server.tcpQueries()).isEqualTo(tcpBefore + 2);
    }

    @Test
    void cnameInTheAnswerAndCnameToANameTheServerDoesNotServe() throws Exception {
        DnsLookup<InetAddress> www = resolver.a("www.example.com").join();
        assertThat(www.records()).containsExactly(InetAddress.getByName("192.0.2.25"));
        assertThat(www.name()).isEqualTo("www.example.com");
        assertThat(www.ttlSeconds()).isEqualTo(30); // minimum over the chain
        DnsLookup<InetAddress> away = resolver.a("away.example.com").join();
        assertThat(away.records()).containsExactly(InetAddress.getByName("198.51.100.7"));
        assertThat(away.ttlSeconds()).isEqualTo(45);
        assertThat(resolver.txt("www.example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
    }

    @Test
    void malformedNamesArePermanentAndNeverReachTheServer() {
        long before = server.udpQueries() + server.tcpQueries();
        DnsLookup<String> l = resolver.txt("bad..example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.INVALID_NAME);
        assertThat(l.outcome().isError()).isFalse();
        assertThat(l.detail()).contains("empty label");
        assertThat(resolver.txt("a".repeat(64) + ".com").join().outcome()).isEqualTo(DnsOutcome.INVALID_NAME);
        String tooLong = ("a".repeat(63) + ".").repeat(4) + "com";
        assertThat(resolver.a(tooLong).join().outcome()).isEqualTo(DnsOutcome.INVALID_NAME);
        assertThat(resolver.mx("").join().outcome()).isEqualTo(DnsOutcome.INVALID_NAME);
        assertThat(server.udpQueries() + server.tcpQueries()).isEqualTo(before);
    }

    @Test
    void namesWithSpacesAndOtherOctetsAreAskedAsTheyAre() {
        DnsLookup<String> l = resolver.txt("A b%\\\u0000.example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(l.records()).containsExactly("odd octets");
        DnsLookup<MxHost> mx = resolver.mx("mx-odd.example.com").join();
        assertThat(mx.records()).containsExactly(new MxHost(10, "odd host.example.com"));
        assertThat(resolver.a(mx.records().get(0).exchange()).join().outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(resolver.txt("a b.example.com").join().outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
    }

    @Test
    void aServerThatDoesNotAnswerOrFailsIsSkippedForTheNext() throws IOException {
        try (LoopbackDnsServer broken = LoopbackDnsServer.start(ZONE)) {
            broken.drop("mail.example.com").servfail("example.com");
            DnsjavaResolver two = new DnsjavaResolver(List.of(broken.address(), server.address()),
                    Duration.ofMillis(800));
            assertThat(two.a("mail.example.com").join().outcome()).isEqualTo(DnsOutcome.RECORDS);
            assertThat(two.txt("example.com").join().outcome()).isEqualTo(DnsOutcome.RECORDS);
            assertThat(broken.udpQueries()).isEqualTo(2);
        }
    }

    @Test
    void ipv6ServerInBrackets() throws Exception {
        if (server.ipv6Address().isEmpty()) {
            // the host has no ::1; the parsing of the bracket form is still checked below
            assertThat(DnsjavaResolver.parseServer("[::1]:5353").getPort()).isEqualTo(5353);
            return;
        }
        DnsjavaResolver v6 = new DnsjavaResolver(List.of(server.ipv6Address().get()), Duration.ofSeconds(2));
        assertThat(v6.servers().get(0).getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(v6.a("mail.example.com").join().records()).containsExactly(InetAddress.getByName("192.0.2.25"));
    }

    @Test
    void serverSyntax() throws Exception {
        assertThat(DnsjavaResolver.parseServer("127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
        assertThat(DnsjavaResolver.parseServer(" 127.0.0.1:5353 ")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(DnsjavaResolver.parseServer("[::1]:5353"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 5353));
        assertThat(DnsjavaResolver.parseServer("[2001:db8::1]").getPort()).isEqualTo(53);
        assertThat(DnsjavaResolver.parseServer("2001:db8::1").getPort()).isEqualTo(53);
        for (String bad : new String[] {"", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "[::1", "[::1]x",
                ":53", "127.0.0.1:abc"}) {
            assertThatThrownBy(() -> DnsjavaResolver.parseServer(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new DnsjavaResolver(List.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new DnsjavaResolver().servers()).isNotEmpty(); // system servers, or 127.0.0.1:53
    }

    @Test
    void concurrentLookupsAllComplete() {
        List<java.util.concurrent.CompletableFuture<DnsLookup<InetAddress>>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(resolver.a(i % 2 == 0 ? "mail.example.com" : "n" + i + ".example.com"));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(all.get(i).join().outcome()).isEqualTo(i % 2 == 0 ? DnsOutcome.RECORDS : DnsOutcome.NXDOMAIN);
        }
    }

    @Test
    void callbacksThatBlockOnOtherLookupsDoNotDeadlock() {
        List<java.util.concurrent.CompletableFuture<DnsOutcome>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(resolver.mx("example.com").thenApply(mx -> resolver.a(mx.records().get(0).exchange()).join())
                    .thenApply(DnsLookup::outcome));
        }
        for (var f : all) {
            assertThat(f.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join()).isEqualTo(DnsOutcome.RECORDS);
        }
    }

    @Test
    void cancellingALookupEndsItsQueryAtOnceAndSendsNoFurtherAttempt() throws Exception {
        // 2 attempts of 500 ms: without the cancel, the second would be sent after 500 ms
        Held held = held("cancelled.example.com", Duration.ofSeconds(1), 2);
        DnsjavaResolver small = held.resolver();
        assertThat(small.queriesInFlight()).isEqualTo(1);

        held.lookup().cancel(false);

        awaitNoQueryInFlight(small); // long before the attempt's 500 ms
        Thread.sleep(800);
        assertThat(server.faultCounts().get(FaultMix.Fault.DROP)).as("no second attempt").isEqualTo(held.dropped());
        assertThat(small.queriesInFlight()).isZero();
        assertThat(small.txt("example.com").join().outcome()).isEqualTo(DnsOutcome.RECORDS);
    }

    @Test
    void aCnameStepIsNotAskedOnceTheLookupIsCancelled() throws Exception {
        // a CNAME to a name outside the server's data: the answer ends at the CNAME, the target is a second query
        server.addZone("step.example.com. 300 IN CNAME target.elsewhere.test.\n");
        server.faults("target.elsewhere.test", FaultMix.only(FaultMix.Fault.DROP));
        long before = server.faultCounts().getOrDefault(FaultMix.Fault.DROP, 0L);
        DnsjavaResolver small = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(2), 2);
        java.util.concurrent.CompletableFuture<DnsLookup<InetAddress>> lookup = small.a("step.example.com");
        awaitDropped(before + 1);
        lookup.cancel(false);
        awaitNoQueryInFlight(small);
        Thread.sleep(1200);
        assertThat(server.faultCounts().get(FaultMix.Fault.DROP)).isEqualTo(before + 1);
    }

    /** A resolver of {@code maxInFlight} slots with a TXT lookup of {@code name} in flight (the server drops it). */
    private record Held(DnsjavaResolver resolver, java.util.concurrent.CompletableFuture<DnsLookup<String>> lookup,
                        long dropped) {
    }

    private static Held held(String name, Duration timeout, int maxInFlight) throws InterruptedException {
        server.faults(name, FaultMix.only(FaultMix.Fault.DROP));
        long before = server.faultCounts().getOrDefault(FaultMix.Fault.DROP, 0L);
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(server.address()), timeout, maxInFlight);
        java.util.concurrent.CompletableFuture<DnsLookup<String>> lookup = resolver.txt(name);
        awaitDropped(before + 1);
        return new Held(resolver, lookup, before + 1);
    }

    /** Within 200 ms (with a shared loopback socket the slot is freed by the cancel itself). */
    private static void awaitNoQueryInFlight(DnsjavaResolver resolver) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);
        while (resolver.queriesInFlight() > 0 && System.nanoTime() < end) {
            Thread.sleep(2);
        }
        assertThat(resolver.queriesInFlight()).as("queries in flight").isZero();
    }

    private static void awaitDropped(long n) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
        while (server.faultCounts().getOrDefault(FaultMix.Fault.DROP, 0L) < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(server.faultCounts().getOrDefault(FaultMix.Fault.DROP, 0L)).isEqualTo(n);
    }

    @Test
    void aQueryNotSentBecauseTooManyAreInFlightIsALocalOverloadAndANetworkFailureIsNot() throws Exception {
        Held held = held("held.example.com", Duration.ofSeconds(2), 1);
        DnsjavaResolver one = held.resolver();

        DnsLookup<String> refused = one.txt("example.com").join();
        assertThat(refused.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(refused.localOverload()).isTrue();
        assertThat(refused.detail()).contains("DNS queries in flight");

        held.lookup().cancel(false);
        awaitNoQueryInFlight(one);
        DnsLookup<String> answered = one.txt("example.com").join();
        assertThat(answered.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(answered.localOverload()).isFalse();
        server.servfail("fail.example.com");
        DnsLookup<InetAddress> servfail = one.a("fail.example.com").join();
        assertThat(servfail.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(servfail.localOverload()).isFalse();
        assertThatThrownBy(() -> new DnsLookup<>("x.example", DnsType.TXT, DnsOutcome.NXDOMAIN, List.of(), 0, "",
                true)).isInstanceOf(IllegalArgumentException.class);
    }
}
