package dev.authpack.iprev;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.IpLiterals;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 22 review, iprev from the client's side (pinned, no change needed): the client's own reverse zone answers a
 * PTR query with a hundred names whose forward lookups are slow. Ten are asked, all at once (not one after another,
 * which would cost ten timeouts), and a name whose lookup times out makes a {@code temperror} unless another name
 * confirms the address: never a {@code fail} for names that were not looked at, never a {@code pass}.
 */
class ReviewS22IprevTest {
    private static final InetAddress CLIENT = IpLiterals.parse("192.0.2.1").orElseThrow();

    /** PTR: a hundred names; every forward lookup waits until the test answers it. */
    private static final class SlowDns implements DnsResolver {
        final List<String> names = new ArrayList<>();
        final Map<String, CompletableFuture<DnsLookup<InetAddress>>> asked = new ConcurrentHashMap<>();

        SlowDns() {
            for (int i = 0; i < 100; i++) {
                names.add("h" + i + ".client.example");
            }
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return asked.computeIfAbsent(name, n -> new CompletableFuture<>());
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return a(name);
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            return CompletableFuture.completedFuture(DnsLookup.of("1.2.0.192.in-addr.arpa", DnsType.PTR, names, 60));
        }

        /** iprev asks no TXT nor MX. */
        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            throw new UnsupportedOperationException(name);
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            throw new UnsupportedOperationException(name);
        }

        void answer(String name, DnsOutcome outcome) {
            asked.get(name).complete(DnsLookup.failed(name, DnsType.A, outcome, "test"));
        }

        void confirm(String name) {
            asked.get(name).complete(DnsLookup.of(name, DnsType.A, List.of(CLIENT), 60));
        }
    }

    @Test
    void tenNamesAreAskedAtOnceAndATimeoutIsATemperrorNotAFail() {
        SlowDns dns = new SlowDns();
        CompletableFuture<IprevResult> check = new IprevChecker(dns).check(CLIENT);
        assertThat(dns.asked).hasSize(IprevChecker.DEFAULT_MAX_NAMES);
        assertThat(check).isNotDone();
        for (int i = 0; i < 9; i++) {
            dns.answer("h" + i + ".client.example", DnsOutcome.NXDOMAIN);
        }
        assertThat(check).isNotDone();
        dns.answer("h9.client.example", DnsOutcome.TIMEOUT);
        IprevResult result = check.join();
        assertThat(result.status()).isEqualTo(IprevStatus.TEMPERROR);
        assertThat(dns.asked).hasSize(IprevChecker.DEFAULT_MAX_NAMES);
    }

    @Test
    void aConfirmedNameIsAPassWhateverTheOthersDoAndOnlyNamesLookedAtCount() {
        SlowDns dns = new SlowDns();
        CompletableFuture<IprevResult> check = new IprevChecker(dns).check(CLIENT);
        for (int i = 0; i < 9; i++) {
            dns.answer("h" + i + ".client.example", DnsOutcome.TIMEOUT);
        }
        dns.confirm("h9.client.example");
        assertThat(check.join().status()).isEqualTo(IprevStatus.PASS);

        SlowDns all = new SlowDns();
        CompletableFuture<IprevResult> none = new IprevChecker(all).check(CLIENT);
        for (int i = 0; i < 10; i++) {
            all.answer("h" + i + ".client.example", DnsOutcome.NO_DATA);
        }
        IprevResult fail = none.join();
        assertThat(fail.status()).isEqualTo(IprevStatus.FAIL);
        assertThat(fail.names()).hasSize(IprevChecker.DEFAULT_MAX_NAMES);
    }
}
