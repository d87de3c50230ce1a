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
    void reverseNamesForIpv4AndIpv6() throws Exception {
        assertThat(DnsNames.reverseName(InetAddress.getByName("192.0.2.10"))).isEqualTo("10.2.0.192.in-addr.arpa");
        assertThat(DnsNames.reverseName(InetAddress.getByName("2001:db8::567:89ab")))
                .isEqualTo("b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        // an IPv4-mapped address is an IPv4 address for Java, and so for PTR
        assertThat(DnsNames.reverseName(InetAddress.getByName("::ffff:192.0.2.1"))).isEqualTo("1.2.0.192.in-addr.arpa");
    }
}
