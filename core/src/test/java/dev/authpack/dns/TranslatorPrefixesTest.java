package dev.authpack.dns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6052 IPv4-embedded IPv6 addresses of configured translator prefixes (SIIT RFC 7915, NAT64). */
class TranslatorPrefixesTest {
    private static InetAddress ip(String text) {
        return IpLiterals.parse(text).orElseThrow();
    }

    /** RFC 6052 §2.4, the table of examples: 192.0.2.33 embedded under each prefix length. */
    @ParameterizedTest
    @CsvSource({
            "2001:db8::/32, 2001:db8:c000:221::",
            "2001:db8:100::/40, 2001:db8:1c0:2:21::",
            "2001:db8:122::/48, 2001:db8:122:c000:2:2100::",
            "2001:db8:122:300::/56, 2001:db8:122:3c0:0:221::",
            "2001:db8:122:344::/64, 2001:db8:122:344:c0:2:2100:0",
            "2001:db8:122:344::/96, 2001:db8:122:344::192.0.2.33",
            "64:ff9b:1::/96, 64:ff9b:1::192.0.2.33",
    })
    void rfc6052Section24Examples(String prefix, String address) {
        TranslatorPrefixes prefixes = TranslatorPrefixes.parse("translatorPrefixes", prefix);
        InetAddress client = prefixes.client(ip(address));
        assertThat(client).isInstanceOf(Inet4Address.class);
        assertThat(client.getHostAddress()).isEqualTo("192.0.2.33");
        assertThat(TranslatorPrefixes.embeddedIpv4(ip(address).getAddress(), prefixes.prefixLengths().get(0)))
                .isEqualTo(ip("192.0.2.33"));
    }

    @Test
    void nothingIsGuessedWithoutConfiguration() {
        assertThat(TranslatorPrefixes.NONE.client(ip("64:ff9b::192.0.2.33"))).isInstanceOf(Inet6Address.class)
                .isEqualTo(ip("64:ff9b::c000:221"));
        assertThat(TranslatorPrefixes.parse("translatorPrefixes", "")).isSameAs(TranslatorPrefixes.NONE);
        assertThat(TranslatorPrefixes.parse("translatorPrefixes", null)).isSameAs(TranslatorPrefixes.NONE);
        assertThat(TranslatorPrefixes.parse("translatorPrefixes", " , ")).isSameAs(TranslatorPrefixes.NONE);
    }

    @Test
    void addressesOutsideThePrefixesStayAsTheyAre() {
        TranslatorPrefixes p = TranslatorPrefixes.parse("translatorPrefixes", "64:ff9b::/96, 2001:db8:122::/48");
        assertThat(p.client(ip("64:ff9b:1::192.0.2.33"))).isEqualTo(ip("64:ff9b:1::c000:221"));
        assertThat(p.client(ip("2001:db8:123:c000:2:2100::"))).isInstanceOf(Inet6Address.class);
        assertThat(p.client(ip("192.0.2.9"))).isEqualTo(ip("192.0.2.9"));
        assertThat(p.client(null)).isNull();
        assertThat(p.client(ip("2001:db8:122:c000:2:2100::")).getHostAddress()).isEqualTo("192.0.2.33");
    }

    /** RFC 4291 §2.5.5.2 / RFC 7208 §5: an IPv4-mapped address is its IPv4 address, even built as Inet6Address. */
    @Test
    void ipv4MappedIsIpv4WithOrWithoutPrefixes() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        InetAddress built = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(built).isInstanceOf(Inet6Address.class);
        assertThat(TranslatorPrefixes.NONE.client(built)).isInstanceOf(Inet4Address.class).isEqualTo(ip("192.0.2.7"));
    }

    /** RFC 6052 §2.2: bits 64 to 71 (the u-octet) MUST be zero; an address with them set is no embedded IPv4. */
    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/32|2001:db8:c000:221:100::", "2001:db8:122:344::/64|2001:db8:122:344:ffc0:2:2100:0"})
    void aSetUOctetIsNoEmbeddedAddress(String row) {
        String[] parts = row.split("\\|");
        TranslatorPrefixes p = TranslatorPrefixes.parse("translatorPrefixes", parts[0]);
        assertThat(p.client(ip(parts[1]))).isInstanceOf(Inet6Address.class);
    }

    @Test
    void theSuffixIsIgnored() {
        // RFC 6052 §2.2: the suffix bits are reserved and SHOULD be zero; the IPv4 address is what is read
        TranslatorPrefixes p = TranslatorPrefixes.parse("translatorPrefixes", "2001:db8::/32");
        assertThat(p.client(ip("2001:db8:c000:221:0:1:2:3")).getHostAddress()).isEqualTo("192.0.2.33");
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::/95", "64:ff9b::", "64:ff9b::/128", "192.0.2.0/24", "::ffff:0.0.0.0/96",
            "2001:db8::1/32", "64:ff9b:0:0:100::/96", "nonsense", "64:ff9b::/096", "64:ff9b::/-96",
            "64:ff9b::/96, 64:ff9b::/96", "2001:db8::/32, 2001:db8:122::/48", "64:ff9b::/96;2001:db8::/32"})
    void badPrefixesAreRefusedWithWhatIsAccepted(String text) {
        assertThatThrownBy(() -> TranslatorPrefixes.parse("translatorPrefixes", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("translatorPrefixes")
                .hasMessageContaining("32, 40, 48, 56, 64 or 96");
    }

    @Test
    void atMostSoMany() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= TranslatorPrefixes.MAX_PREFIXES; i++) {
            many.append("2001:db8:").append(Integer.toHexString(i)).append("::/48,");
        }
        assertThatThrownBy(() -> TranslatorPrefixes.parse("translatorPrefixes", many.toString()))
                .hasMessageContaining("at most " + TranslatorPrefixes.MAX_PREFIXES);
    }

    @Test
    void textIsCanonicalAndSorted() {
        TranslatorPrefixes p = TranslatorPrefixes.parse("x", "64:FF9B::/96  2001:0db8::/32,64:ff9b:1::/48");
        assertThat(p).hasToString("2001:db8::/32, 64:ff9b:1::/48, 64:ff9b::/96");
        assertThat(p).isEqualTo(TranslatorPrefixes.parse("x", "2001:db8::/32, 64:ff9b::/96, 64:ff9b:1::/48"));
        assertThat(TranslatorPrefixes.NONE).hasToString("none");
    }

    /** The quotas' fixed /96 prefixes (review s18): 64:ff9b::/96 and 64:ff9b:1::/96. */
    @Test
    void theQuotasWellKnownPrefixes() {
        // the quotas key by whatever the /96 embeds (fairness only), the checks only by a global one under
        // 64:ff9b::/96 (RFC 6052 §3.1)
        assertThat(TranslatorPrefixes.WELL_KNOWN_96.embeddedClient(ip("64:ff9b::198.51.100.7")).getHostAddress())
                .isEqualTo("198.51.100.7");
        assertThat(TranslatorPrefixes.WELL_KNOWN_96.client(ip("64:ff9b::198.51.100.7")))
                .isEqualTo(ip("64:ff9b::c633:6407"));
        assertThat(TranslatorPrefixes.WELL_KNOWN_96.client(ip("64:ff9b::8.8.4.4")).getHostAddress())
                .isEqualTo("8.8.4.4");
        assertThat(TranslatorPrefixes.WELL_KNOWN_96.client(ip("64:ff9b:1::198.51.100.7")).getHostAddress())
                .isEqualTo("198.51.100.7");
        assertThat(TranslatorPrefixes.WELL_KNOWN_96.embeddedClient(ip("64:ff9b:1:1::198.51.100.7")))
                .isInstanceOf(Inet6Address.class);
    }

    /**
     * RFC 6052 §2.4's example of the well-known prefix embeds 192.0.2.33, a documentation address: §3.1 forbids
     * non-global addresses there, so it is read (embeddedIpv4, the quotas' embeddedClient) but not trusted as the
     * client (client); a network-specific prefix may embed any (§3.1), the same address under 64:ff9b:1::/96 is, but for
 * the addresses no translated packet comes from (0/8, 127/8, 224/4, 240/4).
     */
    @Test
    void theWellKnownPrefixEmbedsOnlyGlobalAddresses() {
        TranslatorPrefixes wkp = TranslatorPrefixes.parse("translatorPrefixes", "64:ff9b::/96");
        assertThat(TranslatorPrefixes.embeddedIpv4(ip("64:ff9b::192.0.2.33").getAddress(), 96))
                .isEqualTo(ip("192.0.2.33"));
        assertThat(wkp.client(ip("64:ff9b::192.0.2.33"))).isEqualTo(ip("64:ff9b::c000:221"));
        assertThat(wkp.embeddedClient(ip("64:ff9b::192.0.2.33"))).isEqualTo(ip("192.0.2.33"));
        for (String notGlobal : new String[] {"0.0.0.1", "10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1",
                "169.254.1.1", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1",
                "198.18.0.1", "198.19.255.255", "198.51.100.1", "203.0.113.1", "224.0.0.1", "239.255.255.255",
                "240.0.0.1", "255.255.255.255"}) {
            assertThat(wkp.client(ip("64:ff9b::" + notGlobal))).as(notGlobal).isInstanceOf(Inet6Address.class);
            // a network-specific prefix may embed private addresses, but no translated packet comes from 0/8,
            // the loopback, multicast or 240/4 (SpecialPurposeIpv4.isNeverASource)
            int first = Integer.parseInt(notGlobal.substring(0, notGlobal.indexOf('.')));
            boolean neverASource = first == 0 || first == 127 || first >= 224;
            assertThat(TranslatorPrefixes.parse("t", "64:ff9b:1::/96").client(ip("64:ff9b:1::" + notGlobal)))
                    .as(notGlobal + " under a network-specific prefix")
                    .isEqualTo(neverASource ? ip("64:ff9b:1::" + notGlobal) : ip(notGlobal));
        }
        for (String global : new String[] {"1.0.0.1", "9.255.255.255", "11.0.0.0", "100.63.255.255",
                "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "172.15.255.255", "172.32.0.0",
                "192.0.1.255", "192.0.3.0", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0",
                "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0", "223.255.255.255"}) {
            assertThat(wkp.client(ip("64:ff9b::" + global))).as(global).isEqualTo(ip(global));
        }
    }
}
