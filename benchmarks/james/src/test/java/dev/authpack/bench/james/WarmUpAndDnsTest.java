package dev.authpack.bench.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsResolvers;
import dev.authpack.dns.DnsSettings;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The warm-up is cut into slices (the server emptied after each), a James JVM is told its DNS server as
 * {@code host:port}, and the DNS servers' CPU time in the driver's JVM is measured.
 */
class WarmUpAndDnsTest {

    @Test
    void warmUpHalvesAreCutIntoSlicesOfAtMostTheSliceLength() {
        Duration slice = JamesEndToEnd.WARMUP_SLICE;
        assertThat(JamesEndToEnd.slices(Duration.ofSeconds(150), slice)).containsExactly(slice,
                slice, slice, slice, slice, slice, slice, Duration.ofSeconds(150).minus(slice.multipliedBy(7)));
        assertThat(JamesEndToEnd.slices(slice.multipliedBy(2), slice)).containsExactly(slice, slice);
        assertThat(JamesEndToEnd.slices(Duration.ofMillis(2_500), slice)).containsExactly(Duration.ofMillis(2_500));
        assertThat(JamesEndToEnd.slices(Duration.ZERO, slice)).isEmpty();
        // the longest warm-up the options allow, halved: every slice within bounds, nothing lost
        List<Duration> longest = JamesEndToEnd.slices(Duration.ofSeconds(3_600).dividedBy(2), slice);
        assertThat(longest).allMatch(d -> d.compareTo(slice) <= 0 && !d.isZero());
        assertThat(longest.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofSeconds(1_800));
    }

    @Test
    void theDnsServerArgumentIsHostAndPort() {
        InetSocketAddress a = BenchServerMain.dnsServer("127.0.0.1:5353");
        assertThat(a.getHostString()).isEqualTo("127.0.0.1");
        assertThat(a.getPort()).isEqualTo(5353);
        assertThatThrownBy(() -> BenchServerMain.dnsServer("127.0.0.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchServerMain.dnsServer(":53")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchServerMain.dnsServer("127.0.0.1:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDnsServersCpuTimeInThisJvmGrowsWithTheQueriesTheyAnswer() throws Exception {
        String domain = JamesEndToEnd.warmDomain(1);
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(BenchZone.records(domain,
                BenchMessagesTest.SIGNER, 0))) {
            Duration before = JamesEndToEnd.dnsServerCpu();
            DnsResolver resolver = DnsResolvers.create(DnsSettings.defaults().withServers(List.of(dns.address()))
                    .withTimeout(Duration.ofSeconds(3)));
            for (int i = 0; i < 50; i++) {
                resolver.txt(domain).get(); // TTL 0: asked again every time
            }
            assertThat(dns.udpQueries() + dns.tcpQueries()).isGreaterThanOrEqualTo(50);
            assertThat(JamesEndToEnd.dnsServerCpu()).isGreaterThan(before);
        }
    }
}
