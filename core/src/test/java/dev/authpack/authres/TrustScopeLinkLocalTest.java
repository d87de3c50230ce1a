package dev.authpack.authres;

import dev.authpack.dns.IpLiterals;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s21, as for the relay policy: a trusted-authserv scope is compared with a client address without its zone,
 * so a link-local scope would believe that server's fields from the same address on every link. Refused at init;
 * a link-local or zoned client is in no network scope.
 */
class TrustScopeLinkLocalTest {

    @Test
    void aLinkLocalScopeIsRefused() {
        for (String scope : new String[] {"fe80::1", "fe80::/10", "fe80::/64", "8000::/1"}) {
            assertThatThrownBy(() -> TrustScope.parse(scope)).as(scope).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fe80::/10").hasMessageContaining("ULA");
        }
        assertThat(TrustScope.parse("fd00::/8").spellings()).containsExactly("fd00::/8");
    }

    @Test
    void aZonedClientIsInNoNetworkScope() throws Exception {
        TrustScope scope = TrustScope.parse("2001:db8::/32");
        InetAddress global = IpLiterals.parse("2001:db8::7").orElseThrow();
        assertThat(scope.admits(new Arrival(Optional.of(global), false))).isTrue();
        InetAddress zoned = Inet6Address.getByAddress(null, global.getAddress(), 4);
        assertThat(scope.admits(new Arrival(Optional.of(zoned), false))).isFalse();
        assertThat(TrustScope.ANYWHERE.admits(new Arrival(Optional.of(zoned), false))).isTrue();
    }
}
