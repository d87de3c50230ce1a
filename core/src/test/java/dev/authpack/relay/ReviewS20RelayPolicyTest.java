package dev.authpack.relay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s20: an attacker's review of the relay policy. One finding (a section whose name ends in an all-numeric
 * label governed address literals, which James 3.8.1 writes without brackets) and the spellings, clients and users
 * tried that open nothing.
 */
class ReviewS20RelayPolicyTest {
    private static final InetAddress STRANGER = ip("203.0.113.9");

    private static InetAddress ip(String s) {
        return RelayPolicyTest.ip(s);
    }

    private static RelayPolicy parse(String text) {
        return RelayPolicyTest.parse(text);
    }

    private static RelayDecision ask(RelayPolicy policy, InetAddress client, String from, String rcpt,
                                     String user) {
        return policy.evaluate(new RelayRequest(client, Optional.empty(), from, rcpt, Optional.ofNullable(user)));
    }

    /**
     * Low: James 3.8.1 reads {@code RCPT TO:<user@[192.0.2.1]>} and writes the recipient {@code user@192.0.2.1}
     * (no brackets), which reads as a domain name ending in the label "1". A section {@code [domain 2.1]} (or
     * {@code [domain 1]}) with {@code include_subdomains} governed it, and every address literal ending so was
     * open to anyone. No domain name ends in an all-numeric label (RFC 3696 §2): such a section is refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1", "2.1", "0.2.1", "example.1", "10", "0x.7"})
    void aSectionEndingInAnAllNumericLabelIsRefused(String name) {
        String text = "# review s20\n[domain " + name + "]\nrelay_to = true\ninclude_subdomains = true\n";
        assertThatThrownBy(() -> RelayPolicy.parse("test.conf", text))
                .isInstanceOf(RelayPolicyException.class)
                .hasMessageContaining("test.conf:2:")
                .hasMessageContaining("all-numeric");
    }

    @Test
    void anAddressLiteralAsJamesWritesItNeverMeetsASection() {
        RelayPolicy policy = parse("[domain example]\nrelay_to = true\ninclude_subdomains = true\n"
                + "[domain 1.example]\nrelay_to = true\n");
        for (String rcpt : new String[] {"user@192.0.2.1", "user@[192.0.2.1]", "user@1.example.1"}) {
            assertThat(ask(policy, STRANGER, "", rcpt, null).allowed()).as(rcpt).isFalse();
        }
        assertThat(ask(policy, STRANGER, "", "user@1.example", null).allowed()).isTrue();
    }

    /**
     * Spellings of a relay_to domain: those IDNA2003 folds onto it (full-width letters, ideographic full stop,
     * zero-width space, soft hyphen) are that domain and decide as it does; a look-alike (Kelvin sign, dotless i,
     * Cyrillic a) is another domain and is refused; the U-label and the A-label of a section are one section.
     */
    @Test
    void unicodeSpellingsOfADomainDecideAsThatDomainAndLookAlikesAreOthers() {
        RelayPolicy policy = parse("[domain inbound.example]\nrelay_to = true\n[domain bücher.example]\nrelay_to = true\n");
        for (String same : new String[] {"user@ｉｎｂｏｕｎｄ.example", "user@inbound\u3002example",
                "user@inbound.example\u200b", "user@in\u00adbound.example", "user@INBOUND.EXAMPLE",
                "user@xn--bcher-kva.example", "user@BÜCHER.example", "user@bücher.example."}) {
            RelayDecision d = ask(policy, STRANGER, "", same, null);
            assertThat(d.allowed()).as(same).isTrue();
            assertThat(d.rule()).isEqualTo(RelayRule.RELAY_TO);
        }
        for (String other : new String[] {"user@\u212Anbound.example", "user@\u0131nbound.example",
                "user@inbound.ex\u0430mple", "user@bucher.example", "user@xn--bcher-kva.example.evil",
                "user@inbound.example\u0000", "user@inbound..example"}) {
            assertThat(ask(policy, STRANGER, "", other, null).allowed()).as(other).isFalse();
        }
    }

    /** Routing characters written full-width are not routing, and not ours either: the domain decides. */
    @Test
    void fullWidthRoutingCharactersAreRoutedWhereTheyCouldBeReadAsRouting() {
        RelayPolicy policy = parse("[domain inbound.example]\nrelay_to = true\n");
        for (String rcpt : new String[] {"user\uff05victim.example@inbound.example",
                "user\uff20victim.example@inbound.example", "victim.example\uff01user@inbound.example",
                "user\ufe6bvictim.example@inbound.example", "user\ufe6avictim.example@inbound.example"}) {
            RelayDecision d = ask(policy, STRANGER, "", rcpt, null);
            assertThat(d.allowed()).as(rcpt).isFalse();
            assertThat(d.rule()).as(rcpt).isEqualTo(RelayRule.ROUTED_RECIPIENT);
        }
    }

    /**
     * Clients: IPv4-mapped IPv6 is its IPv4 address; the other IPv6 forms that carry an IPv4 address
     * (IPv4-compatible, NAT64, 6to4) are IPv6 addresses, never an IPv4 entry; an IPv6 range holds no IPv4 client.
     */
    @Test
    void ipv6FormsOfAnIpv4AddressMatchOnlyAsTheirOwnFamily() {
        RelayPolicy policy = parse("relay_hosts = 192.0.2.1, 2001:db8::/32\n");
        assertThat(ask(policy, ip("::ffff:192.0.2.1"), "", "x@victim.example", null).allowed()).isTrue();
        for (String client : new String[] {"::192.0.2.1", "64:ff9b::192.0.2.1", "2002:c000:201::1",
                "::ffff:0:192.0.2.1", "192.0.2.2", "::ffff:192.0.2.2"}) {
            assertThat(ask(policy, ip(client), "", "x@victim.example", null).allowed()).as(client).isFalse();
        }
        RelayPolicy v6 = parse("relay_hosts = ::/8\n");
        assertThat(ask(v6, ip("::ffff:192.0.2.1"), "", "x@victim.example", null).allowed()).isFalse();
        assertThat(ask(v6, ip("192.0.2.1"), "", "x@victim.example", null).allowed()).isFalse();
    }

    /**
     * Senders and users: relay_from is for the exact sender domain (a subdomain, a suffix, the null sender, an
     * address literal of a client in range are not it); relay_from_users wants the user and the sender domain.
     */
    @Test
    void senderAndUserSpellingsOpenNothing() {
        RelayPolicy policy = parse("[domain office.example]\nrelay_from = 198.51.100.0/24\n"
                + "relay_from_users = @office.example, boss@partner.example\n");
        InetAddress office = ip("198.51.100.7");
        for (String from : new String[] {"x@sub.office.example", "x@evil-office.example", "x@office.example.evil",
                "<>", "", "x@[198.51.100.7]", "x@198.51.100.7", "\"x@office.example\"@evil.example",
                "x@office.example@evil.example"}) {
            assertThat(ask(policy, office, from, "v@victim.example", null).allowed()).as(from).isFalse();
        }
        assertThat(ask(policy, office, "x@OFFICE.Example.", "v@victim.example", null).rule())
                .isEqualTo(RelayRule.RELAY_FROM);
        assertThat(ask(policy, STRANGER, "x@office.example", "v@victim.example", "x@office.example").rule())
                .isEqualTo(RelayRule.RELAY_FROM_USERS);
        for (String user : new String[] {"x@other.example", "x@sub.office.example", "x@office.example.evil",
                "office.example", "boss", "boss@partner.example.evil"}) {
            assertThat(ask(policy, STRANGER, "x@office.example", "v@victim.example", user).allowed()).as(user)
                    .isFalse();
        }
        // a user allowed for the section, with a sender of another domain, is not
        assertThat(ask(policy, STRANGER, "x@elsewhere.example", "v@victim.example", "boss@partner.example")
                .allowed()).isFalse();
    }
}
