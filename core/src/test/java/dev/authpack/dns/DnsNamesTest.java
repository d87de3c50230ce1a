package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class DnsNamesTest {

    @Test
    void normalizeLowersAndDropsOneTrailingDot() {
        assertThat(DnsNames.normalize("Mail.EXAMPLE.com.")).isEqualTo("mail.example.com");
        assertThat(DnsNames.normalize("example.com")).isEqualTo("example.com");
        assertThat(DnsNames.normalize(null)).isEmpty();
        assertThat(DnsNames.normalize(".")).isEmpty();
    }

    @Test
    void problemsAreNamed() {
        assertThat(DnsNames.problem("example.com")).isEmpty();
        assertThat(DnsNames.problem("_spf.x-y.example.com")).isEmpty();
        assertThat(DnsNames.problem("")).contains("empty domain name");
        assertThat(DnsNames.problem("a..b")).contains("empty label in domain name");
        assertThat(DnsNames.problem(".a")).contains("empty label in domain name");
        assertThat(DnsNames.problem("a".repeat(63) + ".com")).isEmpty();
        assertThat(DnsNames.problem("a".repeat(64) + ".com")).get().asString().contains("label longer than 63");
        String len253 = ("a".repeat(62) + ".").repeat(4) + "a".repeat(1); // 63*4 + 1 = 253
        assertThat(len253).hasSize(253);
        assertThat(DnsNames.problem(len253)).isEmpty();
        assertThat(DnsNames.problem(len253 + "a")).get().asString().contains("longer than 253");
        assertThat(DnsNames.problem("a b.com")).get().asString().contains("space");
        assertThat(DnsNames.problem("exämple.com")).get().asString().contains("non-ASCII");
    }

    @Test
    void specialCharactersBecomePlainLabelOctets() throws Exception {
        org.xbill.DNS.Name n = DnsNames.toName("a\\b@c(d).example.com");
        assertThat(n.labels()).isEqualTo(4); // a\b@c(d), example, com, root
        byte[] wire = n.toWireCanonical();
        assertThat(wire[0]).isEqualTo((byte) 8); // first label is the 8 octets a \ b @ c ( d )
        assertThat(new String(wire, 1, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("a\\b@c(d)");
        assertThat(DnsNames.toName("www.example.com").toString()).isEqualTo("www.example.com.");
    }

    @Test
    void normalizeLowersAsciiOnly() {
        // RFC 4343 §3: only ASCII letters compare case-insensitively; other octets stay as they are
        assertThat(DnsNames.normalize("ÉX.Example.COM")).isEqualTo("Éx.example.com");
    }

    @Test
    void anyOctetIsQueryableAndMalformedNamesAreNamed() {
        assertThat(DnsNames.malformed("a b.example.com")).isEmpty();
        assertThat(DnsNames.malformed("%20\\t\u0001\u007f.example.com")).isEmpty();
        assertThat(DnsNames.malformed("exämple.com")).isEmpty();
        assertThat(DnsNames.malformed("")).contains("empty domain name");
        assertThat(DnsNames.malformed("a..b")).contains("empty label in domain name");
        assertThat(DnsNames.malformed("a".repeat(64) + ".com")).get().asString().contains("label longer than 63");
        // lengths are octets on the wire: "ä" is two octets in UTF-8
        assertThat(DnsNames.malformed("ä".repeat(31) + "a.com")).isEmpty();
        assertThat(DnsNames.malformed("ä".repeat(32) + ".com")).get().asString().contains("label longer than 63");
        String len253 = ("a".repeat(62) + ".").repeat(4) + "a";
        assertThat(DnsNames.malformed(len253)).isEmpty();
        assertThat(DnsNames.malformed(len253 + "a")).get().asString().contains("longer than 253");
        String len253Octets = ("a".repeat(62) + ".").repeat(3) + "a".repeat(61) + ".ä"; // 189 + 61 + 1 + 2
        assertThat(DnsNames.malformed(len253Octets)).isEmpty();
        assertThat(DnsNames.malformed(len253Octets + "a")).get().asString().contains("longer than 253");
    }

    @Test
    void everyOctetIsEscapedIntoTheWireName() throws Exception {
        org.xbill.DNS.Name n = DnsNames.toName("a b%\\\"\u0000.;.exämple.com");
        assertThat(n.labels()).isEqualTo(5);
        byte[] wire = n.toWire();
        assertThat(wire[0]).isEqualTo((byte) 7);
        assertThat(java.util.Arrays.copyOfRange(wire, 1, 8)).containsExactly('a', ' ', 'b', '%', '\\', '"', 0);
        assertThat(wire[8]).isEqualTo((byte) 1); // the ';' label
        assertThat(wire[9]).isEqualTo((byte) ';');
        assertThat(wire[10]).isEqualTo((byte) 8); // "exämple" is 8 octets in UTF-8
        assertThat(new String(wire, 11, 8, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("exämple");
    }

    @Test
    void namesFromAnswersComeBackAsTheyWereAsked() throws Exception {
        for (String name : java.util.List.of("a b.example.com", "exämple.com", "%-_*@(x).example.com",
                "back\\slash.example.com")) {
            assertThat(DnsNames.fromName(DnsNames.toName(name))).isEqualTo(name);
        }
        // a label holding a dot cannot be written as dotted text: it keeps dnsjava's escape, so it never
        // reads as the name of someone else
        org.xbill.DNS.Name dotted = org.xbill.DNS.Name.fromString("mail\\.victim.example.");
        assertThat(dotted.labels()).isEqualTo(3);
        assertThat(DnsNames.fromName(dotted)).isNotEqualTo("mail.victim.example").contains("\\");
    }

    @Test
    void reverseNamesForIpv4AndIpv6() throws Exception {
        assertThat(DnsNames.reverseName(InetAddress.getByName("192.0.2.10"))).isEqualTo("10.2.0.192.in-addr.arpa");
        assertThat(DnsNames.reverseName(InetAddress.getByName("2001:db8::567:89ab")))
                .isEqualTo("b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        // an IPv4-mapped address is an IPv4 address for Java, and so for PTR
        assertThat(DnsNames.reverseName(InetAddress.getByName("::ffff:192.0.2.1"))).isEqualTo("1.2.0.192.in-addr.arpa");
    }
}
