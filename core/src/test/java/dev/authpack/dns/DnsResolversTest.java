package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsResolversTest {

    @Test
    void settingsDefaultsAndValidation() {
        DnsSettings d = DnsSettings.defaults();
        assertThat(d.servers()).isEmpty();
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.cacheSize()).isEqualTo(10_000);
        assertThat(new DnsSettings(null, null, 5).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> d.withCacheSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimeout(Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverListsSplitOnCommasAndSpaces() {
        assertThat(DnsSettings.splitServers(" 127.0.0.1:5353, [::1]:53  10.0.0.1 "))
                .containsExactly("127.0.0.1:5353", "[::1]:53", "10.0.0.1");
        assertThat(DnsSettings.splitServers(null)).isEmpty();
        assertThat(DnsSettings.splitServers("  ")).isEmpty();
    }

    @Test
    void createGivesACachingResolverOverTheNetwork() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.start("host.test. 300 IN A 192.0.2.1")) {
            CachingDnsResolver r = DnsResolvers.create(DnsSettings.defaults()
                    .withServers(List.of(server.address())).withTimeout(Duration.ofSeconds(2)).withCacheSize(50));
            assertThat(r.a("host.test").join().records()).containsExactly(InetAddress.getByName("192.0.2.1"));
            assertThat(r.a("host.test").join().records()).containsExactly(InetAddress.getByName("192.0.2.1"));
            assertThat(server.udpQueries()).isEqualTo(1);
            assertThat(r.hits()).isEqualTo(1);
        }
        assertThatThrownBy(() -> DnsResolvers.create(DnsSettings.defaults().withServers(List.of("[::1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[::1");
    }
}
