package dev.authpack.spf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class SpfAddressAndNameTest {

    @ParameterizedTest
    @CsvSource({
        "::, 0:0:0:0:0:0:0:0",
        "::1, 0:0:0:0:0:0:0:1",
        "1::, 1:0:0:0:0:0:0:0",
        "2001:DB8::CB01, 2001:db8:0:0:0:0:0:cb01",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "::ffff:192.0.2.1, 0:0:0:0:0:ffff:c000:201",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        "1::7:8, 1:0:0:0:0:0:7:8",
    })
    void parsesIpv6(String text, String full) throws Exception {
        byte[] parsed = IpAddresses.parseIp6(text);
        assertThat(parsed).isNotNull().hasSize(16);
        assertThat(Inet6Address.getByAddress(null, parsed, -1).getHostAddress()).isEqualTo(full);
    }

    @Test
    void rejectsBadIpv6() {
        for (String bad : new String[] {"", ":", ":::", "1:2", "1::2::3", ":1::", "1::2:", "g::1", "1:2:3:4:5:6:7:8:9",
            "::1.2.3", "::1.2.3.4.5", "1.2.3.4::", "::01.2.3.4", "12345::", "1:2:3:4:5:6:7::8:9"}) {
            assertThat(IpAddresses.parseIp6(bad)).as(bad).isNull();
        }
    }

    @Test
    void rejectsBadIpv4() {
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1.2.3.-1", "a.b.c.d",
            "1..2.3", "1.2.3.4 "}) {
            assertThat(IpAddresses.parseIp4(bad)).as(bad).isNull();
        }
        assertThat(IpAddresses.parseIp4("0.10.255.9")).containsExactly(0, 10, 255, 9);
    }

    @ParameterizedTest
    @CsvSource({
        "2001:db8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "1:0:0:2:2:0:0:3, 1::2:2:0:0:3",
        "0:0:0:0:0:0:0:0, ::",
        "CAFE:BABE:0:0:0:0:0:1, cafe:babe::1",
        "0:0:0:0:0:0:0:1, ::1",
    })
    void readableFormIsRfc5952(String address, String expected) throws Exception {
        assertThat(IpAddresses.readable(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @Test
    void ipv4MappedAddressesBecomeIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        InetAddress normalized = IpAddresses.normalize(Inet6Address.getByAddress(null, mapped, -1));
        assertThat(normalized).isInstanceOf(Inet4Address.class);
        assertThat(normalized.getHostAddress()).isEqualTo("192.0.2.1");
        InetAddress v6 = InetAddress.getByName("2001:db8::1");
        assertThat(IpAddresses.normalize(v6)).isSameAs(v6);
    }

    @Test
    void cidrMatching() {
        byte[] a = IpAddresses.parseIp4("192.0.2.129");
        assertThat(IpAddresses.inNetwork(a, IpAddresses.parseIp4("192.0.2.128"), 25)).isTrue();
        assertThat(IpAddresses.inNetwork(a, IpAddresses.parseIp4("192.0.2.0"), 25)).isFalse();
        assertThat(IpAddresses.inNetwork(a, IpAddresses.parseIp4("10.0.0.0"), 0)).isTrue();
        assertThat(IpAddresses.inNetwork(a, IpAddresses.parseIp4("192.0.2.129"), 32)).isTrue();
        assertThat(IpAddresses.inNetwork(a, IpAddresses.parseIp6("::"), 0)).as("families never match").isFalse();
        byte[] b = IpAddresses.parseIp6("2001:db8:ffff::1");
        assertThat(IpAddresses.inNetwork(b, IpAddresses.parseIp6("2001:db8:8000::"), 33)).isTrue();
        assertThat(IpAddresses.inNetwork(b, IpAddresses.parseIp6("2001:db8::"), 33)).isFalse();
    }

    @Test
    void checkHostDomainRules() {
        assertThat(DomainNames.checkHostDomain("example.com.")).contains("example.com");
        assertThat(DomainNames.checkHostDomain("_spf.Example.COM")).contains("_spf.Example.COM");
        assertThat(DomainNames.checkHostDomain("bücher.example")).contains("xn--bcher-kva.example");
        assertThat(DomainNames.checkHostDomain("a" + "b".repeat(62) + ".example")).isPresent();
        for (String bad : new String[] {"", "localhost", "[192.0.2.1]", "192.0.2.1", "a..example.com", ".example.com",
            "example.com..", "a" + "b".repeat(63) + ".example", "x.".repeat(127) + "com", "has space.example",
            "tab\t.example"}) {
            assertThat(DomainNames.checkHostDomain(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void queryNamesAreTruncatedFromTheLeft() {
        String label = "l".repeat(60);
        String name = String.join(".", label, label, label, label, label) + ".example.com.";
        String truncated = DomainNames.forQuery(name).orElseThrow();
        assertThat(truncated.length()).isLessThanOrEqualTo(253);
        // 4 labels + example.com would be 255 characters
        assertThat(truncated).isEqualTo(String.join(".", label, label, label) + ".example.com");
        assertThat(DomainNames.forQuery("a..b")).isEmpty();
        assertThat(DomainNames.forQuery(".")).isEmpty();
        assertThat(DomainNames.forQuery("x".repeat(64) + ".com")).isEmpty();
        assertThat(DomainNames.forQuery("x".repeat(300))).isEmpty();
    }

    @Test
    void queryNameLimitsCountOctetsAndAnyOctetIsAllowed() {
        // a macro can put any local part into a name: spaces and '%' stay (the resolver escapes them)
        assertThat(DomainNames.forQuery("a b%20%.example.com")).contains("a b%20%.example.com");
        // "ä" is two octets on the wire (UTF-8): 32 of them make a 64-octet label
        assertThat(DomainNames.forQuery("ä".repeat(31) + "a.example.com")).isPresent();
        assertThat(DomainNames.forQuery("ä".repeat(32) + ".example.com")).isEmpty();
        // 5 labels of 60 octets (30 characters) + example.com: 316 octets but only 166 characters
        String label = "ä".repeat(30);
        String name = String.join(".", label, label, label, label, label) + ".example.com";
        String truncated = DomainNames.forQuery(name).orElseThrow();
        assertThat(truncated).isEqualTo(String.join(".", label, label, label) + ".example.com");
        assertThat(truncated.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(253);
    }

    @Test
    void subdomainTest() {
        assertThat(DomainNames.isSameOrSubdomain("mail.example.com", "example.com")).isTrue();
        assertThat(DomainNames.isSameOrSubdomain("Example.COM", "example.com")).isTrue();
        assertThat(DomainNames.isSameOrSubdomain("badexample.com", "example.com")).isFalse();
        assertThat(DomainNames.isSameOrSubdomain("com", "example.com")).isFalse();
    }
}
