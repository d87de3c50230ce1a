package dev.authpack.it;

import static dev.authpack.it.Expectations.ourField;
import static dev.authpack.it.Expectations.spfMailFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AuthpackJames.Builder#dnsServer}: the pack asks a DNS server started elsewhere (in the end-to-end
 * benchmark, the driver's JVM) and the harness starts none of its own.
 */
class ExternalDnsServerIT {

    @Test
    void thePackAsksTheGivenDnsServer() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(List.of(Locations.demoZone()));
             AuthpackJames james = AuthpackJames.builder().name("ExternalDnsServerIT")
                     .user(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                     .dnsServer(dns.socketAddress()).start()) {
            DeliveredMail mail = james.deliver(Submission.create());
            assertThat(spfMailFrom(ourField(mail)).result()).isEqualTo("pass");
            assertThat(dns.udpQueries() + dns.tcpQueries()).isPositive();
            assertThatThrownBy(james::dns).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void zonesAreRefusedWhenAnotherServerServesThem() {
        InetSocketAddress elsewhere = new InetSocketAddress("127.0.0.1", 53);
        assertThatThrownBy(() -> AuthpackJames.builder().dnsServer(elsewhere).zone("a.example. 60 IN A 192.0.2.1")
                .start()).isInstanceOf(IllegalStateException.class).hasMessageContaining("zones");
        assertThatThrownBy(() -> AuthpackJames.builder().dnsServer(elsewhere).noDemoZone().start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("zones");
    }

    @Test
    void theAddressIsWrittenAsTheResolverTakesIt() {
        assertThat(AuthpackJames.hostAndPort(new InetSocketAddress("127.0.0.1", 5353))).isEqualTo("127.0.0.1:5353");
        assertThat(AuthpackJames.hostAndPort(new InetSocketAddress("::1", 5353))).isEqualTo("[0:0:0:0:0:0:0:1]:5353");
    }
}
