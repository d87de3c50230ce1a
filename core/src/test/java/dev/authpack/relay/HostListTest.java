package dev.authpack.relay;

import dev.authpack.dns.IpLiterals;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostListTest {
    private static final InetAddress CLIENT = IpLiterals.parse("203.0.113.5").orElseThrow();

    private final HostList list = HostList.of(List.of("192.0.2.0/24", "2001:db8::/32", "mx.partner.example",
            "*.relay.example.net"));

    @Test
    void matchesAddressesAndRanges() {
        assertThat(list.match(IpLiterals.parse("192.0.2.1").orElseThrow(), Optional.empty())).contains("192.0.2.0/24");
        assertThat(list.match(IpLiterals.parse("2001:db8::25").orElseThrow(), Optional.empty()))
                .contains("2001:db8::/32");
        assertThat(list.match(CLIENT, Optional.empty())).isEmpty();
    }

    @Test
    void matchesVerifiedNamesCaseAndTrailingDotInsensitively() {
        assertThat(list.match(CLIENT, Optional.of("MX.Partner.Example."))).contains("mx.partner.example");
        assertThat(list.match(CLIENT, Optional.of("a.b.relay.example.net"))).contains("*.relay.example.net");
    }

    @Test
    void wildcardDoesNotMatchTheParentOrLookalikes() {
        assertThat(list.match(CLIENT, Optional.of("relay.example.net"))).isEmpty();
        assertThat(list.match(CLIENT, Optional.of("evilrelay.example.net"))).isEmpty();
        assertThat(list.match(CLIENT, Optional.of("mx.partner.example.evil.com"))).isEmpty();
        assertThat(list.match(CLIENT, Optional.of("xmx.partner.example"))).isEmpty();
    }

    @Test
    void aNameThatIsJustAnAddressIsNoName() {
        HostList numeric = HostList.of(List.of("*.in-addr.arpa"));
        assertThat(numeric.match(CLIENT, Optional.of("203.0.113.5"))).isEmpty();
        assertThat(numeric.usesNames()).isTrue();
        assertThat(HostList.of(List.of("10.0.0.0/8")).usesNames()).isFalse();
    }

    @Test
    void rejectsBadEntries() {
        assertThatThrownBy(() -> HostList.of(List.of("192.168.1.256"))).hasMessageContaining("192.168.1.256");
        assertThatThrownBy(() -> HostList.of(List.of("mail.*.example"))).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> HostList.of(List.of("bad_host!"))).hasMessageContaining("neither");
        assertThatThrownBy(() -> HostList.of(List.of("host.123"))).hasMessageContaining("neither");
    }
}
