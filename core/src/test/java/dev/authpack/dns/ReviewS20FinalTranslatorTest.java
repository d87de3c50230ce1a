package dev.authpack.dns;

import dev.authpack.relay.RelayPolicy;
import dev.authpack.relay.RelayRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (attacker): RFC 6052 §3.1: the Well-Known Prefix 64:ff9b::/96 MUST NOT be used to represent
 * non-global IPv4 addresses (translators drop such packets), so 64:ff9b::127.0.0.1 or 64:ff9b::10.0.0.1 is no
 * IPv4 client of a translator. Read as one, it is the loopback or an internal address that relay policies trust
 * (relay_hosts = 127.0.0.1, 10.0.0.0/8): a source in the prefix that did not come through the translator (the
 * very case docs/security.md warns of) relays as localhost.
 */
class ReviewS20FinalTranslatorTest {
    @Test
    void theWellKnownPrefixDoesNotEmbedNonGlobalAddresses() throws Exception {
        TranslatorPrefixes wkp = TranslatorPrefixes.parse("t", "64:ff9b::/96");
        for (String v6 : new String[] {"64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::c0a8:1", "64:ff9b::0:0"}) {
            InetAddress client = wkp.client(InetAddress.getByName(v6));
            assertThat(client).as(v6).isEqualTo(InetAddress.getByName(v6));
        }
        // a global address (192.0.2.1 of the original test is TEST-NET-1, itself non-global: RFC 6890, RFC 5737)
        assertThat(wkp.client(InetAddress.getByName("64:ff9b::808:808")))
                .isEqualTo(InetAddress.getByName("8.8.8.8"));
    }

    @Test
    void aRelayPolicyTrustingLocalhostDoesNotRelayForTheWellKnownPrefixLoopback() throws Exception {
        RelayPolicy policy = RelayPolicy.parse("test", "relay_hosts = 127.0.0.1\ntranslator_prefixes = 64:ff9b::/96\n");
        RelayRequest request = new RelayRequest(InetAddress.getByName("64:ff9b::7f00:1"), Optional.empty(),
                "a@attacker.example", "victim@elsewhere.example", Optional.empty());
        assertThat(policy.evaluate(request).allowed()).isFalse();
    }

    @Test
    void noPrefixGivesAnAddressNoTranslatedPacketCanComeFrom() throws Exception {
        // quick review s20: a network-specific prefix may embed private addresses (RFC 6052 §3.1), but never the
        // loopback, "this network", multicast or 240/4, which relay policies trust most or no host has
        TranslatorPrefixes nsp = TranslatorPrefixes.parse("t", "64:ff9b:1::/96, 2001:db8:64::/96");
        for (String v6 : new String[] {"64:ff9b:1::7f00:1", "64:ff9b:1::1:2", "2001:db8:64::e000:1",
                "2001:db8:64::ffff:ffff", "2001:db8:64::f000:1"}) {
            assertThat(nsp.client(InetAddress.getByName(v6))).as(v6).isEqualTo(InetAddress.getByName(v6));
        }
        assertThat(nsp.client(InetAddress.getByName("64:ff9b:1::a00:1"))).isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThat(nsp.client(InetAddress.getByName("2001:db8:64::dfff:ffff")))
                .isEqualTo(InetAddress.getByName("223.255.255.255"));
        assertThat(nsp.client(InetAddress.getByName("64:ff9b:1::8000:1"))).isEqualTo(InetAddress.getByName("128.0.0.1"));
        // the quotas still key by what is embedded (fairness, not trust)
        assertThat(nsp.embeddedClient(InetAddress.getByName("64:ff9b:1::7f00:1")))
                .isEqualTo(InetAddress.getByName("127.0.0.1"));
        RelayPolicy policy = RelayPolicy.parse("test", "relay_hosts = 127.0.0.1\ntranslator_prefixes = 64:ff9b:1::/96\n");
        RelayRequest request = new RelayRequest(InetAddress.getByName("64:ff9b:1::7f00:1"), Optional.empty(),
                "a@attacker.example", "victim@elsewhere.example", Optional.empty());
        assertThat(policy.evaluate(request).allowed()).isFalse();
    }
}
