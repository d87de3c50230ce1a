package dev.authpack.iprev;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class IprevCheckerTest {

    /** A resolver answering from maps; a name mapped to an outcome answers that outcome. */
    private static final class FakeDns implements DnsResolver {
        final Map<String, List<String>> ptr = new HashMap<>();
        final Map<String, List<InetAddress>> addresses = new HashMap<>();
        final Map<String, DnsOutcome> failures = new HashMap<>();
        final List<String> queried = new ArrayList<>();

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            return CompletableFuture.completedFuture(DnsLookup.failed(name, DnsType.TXT, DnsOutcome.NXDOMAIN, ""));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return forward(name, DnsType.A);
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return forward(name, DnsType.AAAA);
        }

        private CompletableFuture<DnsLookup<InetAddress>> forward(String name, DnsType type) {
            queried.add(type + " " + name);
            if (failures.containsKey(name)) {
                return CompletableFuture.completedFuture(DnsLookup.failed(name, type, failures.get(name), "test"));
            }
            List<InetAddress> all = addresses.getOrDefault(name, List.of());
            List<InetAddress> ofType = all.stream()
                    .filter(a -> (type == DnsType.A) == (a instanceof java.net.Inet4Address)).toList();
            return CompletableFuture.completedFuture(all.isEmpty()
                    ? DnsLookup.failed(name, type, DnsOutcome.NXDOMAIN, "")
                    : DnsLookup.of(name, type, ofType, 300));
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return CompletableFuture.completedFuture(DnsLookup.failed(name, DnsType.MX, DnsOutcome.NXDOMAIN, ""));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            String key = address.getHostAddress();
            if (failures.containsKey(key)) {
                return CompletableFuture.completedFuture(DnsLookup.failed(key, DnsType.PTR, failures.get(key), "test"));
            }
            List<String> names = ptr.get(key);
            return CompletableFuture.completedFuture(names == null
                    ? DnsLookup.failed(key, DnsType.PTR, DnsOutcome.NXDOMAIN, "")
                    : DnsLookup.of(key, DnsType.PTR, names, 300));
        }
    }

    private final FakeDns dns = new FakeDns();
    private final IprevChecker checker = new IprevChecker(dns);

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void passWhenAPtrNameResolvesBack() throws Exception {
        dns.ptr.put("192.0.2.1", List.of("mail.example.com"));
        dns.addresses.put("mail.example.com", List.of(ip("192.0.2.1")));
        IprevResult result = checker.check(ip("192.0.2.1")).join();
        assertThat(result.status()).isEqualTo(IprevStatus.PASS);
        assertThat(result.names()).containsExactly("mail.example.com");
        assertThat(result.ip()).isEqualTo("192.0.2.1");
    }

    @Test
    void passWhenOnlyTheSecondNameConfirms() throws Exception {
        dns.ptr.put("192.0.2.1", List.of("liar.example.com", "mail.example.com"));
        dns.addresses.put("liar.example.com", List.of(ip("192.0.2.99")));
        dns.addresses.put("mail.example.com", List.of(ip("192.0.2.1")));
        IprevResult result = checker.check(ip("192.0.2.1")).join();
        assertThat(result.status()).isEqualTo(IprevStatus.PASS);
        assertThat(result.names()).containsExactly("mail.example.com");
    }

    @Test
    void failWhenTheForwardLookupDisagrees() throws Exception {
        dns.ptr.put("192.0.2.1", List.of("mail.example.com"));
        dns.addresses.put("mail.example.com", List.of(ip("192.0.2.2")));
        assertThat(checker.check(ip("192.0.2.1")).join().status()).isEqualTo(IprevStatus.FAIL);
    }

    @Test
    void failWhenTheForwardNameDoesNotExist() throws Exception {
        dns.ptr.put("192.0.2.1", List.of("ghost.example.com"));
        assertThat(checker.check(ip("192.0.2.1")).join().status()).isEqualTo(IprevStatus.FAIL);
    }

    @Test
    void permerrorWithoutPtr() throws Exception {
        IprevResult result = checker.check(ip("192.0.2.1")).join();
        assertThat(result.status()).isEqualTo(IprevStatus.PERMERROR);
        assertThat(result.reason()).contains("no PTR");
    }

    @Test
    void temperrorWhenPtrLookupFails() throws Exception {
        dns.failures.put("192.0.2.1", DnsOutcome.TIMEOUT);
        assertThat(checker.check(ip("192.0.2.1")).join().status()).isEqualTo(IprevStatus.TEMPERROR);
    }

    @Test
    void temperrorWhenForwardLookupFailsAndNothingConfirms() throws Exception {
        dns.ptr.put("192.0.2.1", List.of("mail.example.com"));
        dns.failures.put("mail.example.com", DnsOutcome.TEMP_FAILURE);
        assertThat(checker.check(ip("192.0.2.1")).join().status()).isEqualTo(IprevStatus.TEMPERROR);
    }

    @Test
    void ipv6UsesAaaa() throws Exception {
        dns.ptr.put("2001:db8:0:0:0:0:0:1", List.of("v6.example.com"));
        dns.addresses.put("v6.example.com", List.of(ip("2001:db8::1")));
        assertThat(checker.check(ip("2001:db8::1")).join().status()).isEqualTo(IprevStatus.PASS);
        assertThat(dns.queried).containsExactly("AAAA v6.example.com");
    }

    @Test
    void ipv4MappedIpv6IsCheckedAsIpv4() throws Exception {
        dns.ptr.put("192.0.2.1", List.of("mail.example.com"));
        dns.addresses.put("mail.example.com", List.of(ip("192.0.2.1")));
        assertThat(checker.check(ip("::ffff:192.0.2.1")).join().status()).isEqualTo(IprevStatus.PASS);
    }

    @Test
    void atMostTheConfiguredNumberOfNamesIsTried() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            names.add("n" + i + ".example.com");
        }
        dns.ptr.put("192.0.2.1", names);
        dns.addresses.put("n24.example.com", List.of(ip("192.0.2.1")));
        IprevResult result = checker.check(ip("192.0.2.1")).join();
        assertThat(result.status()).isEqualTo(IprevStatus.FAIL);
        assertThat(dns.queried).hasSize(IprevChecker.DEFAULT_MAX_NAMES);
    }

    /** The PTR names kept: the first {@code maxNames} distinct ones, in answer order, as the stream did. */
    @Test
    void thePtrNamesKeptAreTheFirstDistinctOnesInOrder() {
        java.util.Random random = new java.util.Random(14);
        for (int round = 0; round < 2_000; round++) {
            List<String> names = new ArrayList<>();
            for (int i = random.nextInt(15); i > 0; i--) {
                names.add("h" + random.nextInt(6) + ".example");
            }
            int max = 1 + random.nextInt(5);
            assertThat(IprevChecker.firstDistinct(names, max))
                    .isEqualTo(names.stream().distinct().limit(max).toList());
        }
        assertThat(IprevChecker.firstDistinct(List.of("a", "a", "b", "a", "c"), 2)).containsExactly("a", "b");
    }

    /**
     * Review s17, side note: a PTR or forward lookup our own resolver did not send (at its bound) gives a temperror
     * marked as our overload, in SPF's words, not a plain "temp_failure" that blames the client's DNS; a real
     * failure stays unmarked.
     */
    @Test
    void aLookupNotSentIsOurOverloadNotTheClientsTemperror() throws Exception {
        String zone = """
                $ORIGIN .
                $TTL 300
                1.2.0.192.in-addr.arpa. IN PTR a.example.
                1.2.0.192.in-addr.arpa. IN PTR b.example.
                a.example. IN A 192.0.2.99
                b.example. IN A 192.0.2.1
                """;
        InetAddress client = InetAddress.getByName("192.0.2.1");
        IprevResult ptr = new IprevChecker(new dev.authpack.dns.ZoneFileResolver(zone)
                .withLocalOverload("1.2.0.192.in-addr.arpa")).check(client).get();
        assertThat(ptr.status()).isEqualTo(IprevStatus.TEMPERROR);
        assertThat(ptr.localOverload()).isTrue();
        assertThat(ptr.reason()).contains("not sent, this server's DNS resolver is overloaded");
        IprevResult forward = new IprevChecker(new dev.authpack.dns.ZoneFileResolver(zone)
                .withLocalOverload("b.example")).check(client).get();
        assertThat(forward.status()).isEqualTo(IprevStatus.TEMPERROR);
        assertThat(forward.localOverload()).isTrue();
        assertThat(forward.reason()).isEqualTo("forward lookup of [b.example] not sent, this server's DNS resolver"
                + " is overloaded");
        // the name not sent confirms the address once asked; a real failure is the client's temperror
        assertThat(new IprevChecker(new dev.authpack.dns.ZoneFileResolver(zone)).check(client).get().status())
                .isEqualTo(IprevStatus.PASS);
        IprevResult real = new IprevChecker(new dev.authpack.dns.ZoneFileResolver(zone)
                .withFailure("b.example", DnsOutcome.TEMP_FAILURE)).check(client).get();
        assertThat(real.status()).isEqualTo(IprevStatus.TEMPERROR);
        assertThat(real.localOverload()).isFalse();
        assertThat(new IprevResult(IprevStatus.PASS, "192.0.2.1", List.of(), "x").localOverload()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IprevResult(IprevStatus.FAIL, "192.0.2.1",
                List.of(), "x", true)).isInstanceOf(IllegalArgumentException.class);
    }
}
