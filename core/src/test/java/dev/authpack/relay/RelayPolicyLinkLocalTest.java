package dev.authpack.relay;

import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.TranslatorPrefixes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s21: the client address is matched without its RFC 4007 zone ({@code fe80::1%eth0}), so an entry for a
 * link-local address (fe80::/10) trusted that address on every link of the server (a shared hosting VLAN), and the
 * file cannot name a zone. Such entries are refused at load, naming the line and what to use instead; a link-local
 * or zoned client matches no host entry (address or name), and relays only as an authenticated user.
 */
class RelayPolicyLinkLocalTest {

    private static InetAddress ip(String text) {
        return IpLiterals.parse(text).orElseThrow();
    }

    private static RelayDecision evaluate(RelayPolicy policy, InetAddress client, Optional<String> name,
                                          Optional<String> user) {
        return policy.evaluate(new RelayRequest(client, name, "app@us.example", "x@victim.example", user));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1", "fe80::/10", "fe80::/64", "febf:ffff::1", "fe80::1:2/128", "fe00::/8",
            "fe80::/9", "8000::/1"})
    void relayHostsInsideOrOverFe80AreRefusedNamingTheLine(String entry) {
        assertThatThrownBy(() -> RelayPolicy.parse("p.conf", "# trusted\nrelay_hosts = 192.0.2.1, " + entry + "\n"))
                .isInstanceOf(RelayPolicyException.class)
                .hasMessageStartingWith("p.conf:2: ")
                .hasMessageContaining("fe80::/10").hasMessageContaining("link-local")
                .hasMessageContaining("global").hasMessageContaining("ULA");
    }

    @Test
    void relayFromInsideFe80IsRefusedNamingTheLine() {
        assertThatThrownBy(() -> RelayPolicy.parse("p.conf", "[domain us.example]\n\nrelay_from = fe80::99\n"))
                .isInstanceOf(RelayPolicyException.class).hasMessageStartingWith("p.conf:3: ")
                .hasMessageContaining("relay_from").hasMessageContaining("fe80::/10");
    }

    @Test
    void translatorPrefixesInsideFe80AreRefused() {
        assertThatThrownBy(() -> TranslatorPrefixes.parse("translator_prefixes", "fe80::/64"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fe80::/10");
        assertThatThrownBy(() -> RelayPolicy.parse("p.conf", "translator_prefixes = fe80:0:0:1::/64\n"))
                .isInstanceOf(RelayPolicyException.class).hasMessageContaining("fe80::/10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fc00::/7", "fd12:3456:789a::1", "2001:db8::/32", "fec0::/10", "fe00::/9", "::1"})
    void globalUlaAndOtherAddressesStillLoad(String entry) throws Exception {
        assertThat(RelayPolicy.parse("p.conf", "relay_hosts = " + entry + "\n").relayHosts().size()).isEqualTo(1);
    }

    /** A link-local client matches no host entry: not by a name either (DNS cannot say which link). */
    @Test
    void aLinkLocalClientMatchesNoHostEntryButMayAuthenticate() throws Exception {
        RelayPolicy policy = RelayPolicy.parse("p.conf", """
                relay_hosts = *.trusted.example.net, 2001:db8::/32
                relay_users = app@us.example
                [domain us.example]
                relay_from = *.office.us.example
                """);
        for (InetAddress client : new InetAddress[] {ip("fe80::1"),
                Inet6Address.getByAddress(null, ip("fe80::1").getAddress(), 2)}) {
            assertThat(evaluate(policy, client, Optional.of("mx1.trusted.example.net"), Optional.empty()).allowed())
                    .as("%s", client).isFalse();
            assertThat(evaluate(policy, client, Optional.of("pc.office.us.example"), Optional.empty()).allowed())
                    .as("%s", client).isFalse();
            assertThat(evaluate(policy, client, Optional.empty(), Optional.of("app@us.example")).rule())
                    .as("%s", client).isEqualTo(RelayRule.RELAY_USERS);
        }
    }

    /** Any client address that carries a zone (scope id) matches no host entry by the address it zones. */
    @Test
    void aZonedClientMatchesNoEntryByItsAddress() throws Exception {
        RelayPolicy policy = RelayPolicy.parse("p.conf", "relay_hosts = 2001:db8::/32, fd00::/8\n");
        InetAddress global = ip("2001:db8::5");
        assertThat(evaluate(policy, global, Optional.empty(), Optional.empty()).allowed()).isTrue();
        for (String text : new String[] {"2001:db8::5", "fd00::5"}) {
            InetAddress zoned = Inet6Address.getByAddress(null, ip(text).getAddress(), 3);
            assertThat(evaluate(policy, zoned, Optional.empty(), Optional.empty()).allowed()).as(text).isFalse();
        }
    }
}
