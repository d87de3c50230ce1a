package dev.authpack.dns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The one IP literal parser: the former relay IpLiterals, SPF IpAddresses and dns AddressText tests. */
class IpLiteralsTest {
    private static String text(String literal) {
        return IpLiterals.text(IpLiterals.parse(literal).orElseThrow());
    }

    @Test
    void rfc5952Forms() {
        assertThat(text("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(text("::")).isEqualTo("::");
        assertThat(text("2001:DB8:0:0:0:0:2:1")).isEqualTo("2001:db8::2:1");
        assertThat(text("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(text("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
        assertThat(text("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(text("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
        assertThat(text("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(text("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    }

    @Test
    void parsesLiteralsNeverNames() {
        assertThat(IpLiterals.parse("192.0.2.1")).map(InetAddress::getHostAddress).contains("192.0.2.1");
        assertThat(IpLiterals.parse("[2001:db8::1]")).map(IpLiterals::text).contains("2001:db8::1");
        assertThat(IpLiterals.parse("::ffff:192.0.2.1")).get().isInstanceOf(Inet4Address.class);
        for (String bad : new String[] {null, "", "localhost", "mail.example", "010.0.0.1", "1.2.3.4.", "[]",
            "fe80::1%eth0", "2001:db8::1 ", "1".repeat(IpLiterals.MAX_TEXT_LENGTH + 1), "::g"}) {
            assertThat(IpLiterals.parse(bad)).as(bad).isEmpty();
            assertThat(IpLiterals.isLiteral(bad)).as(bad).isFalse();
        }
    }

    @Test
    void clientAddressesLoseBracketsWhiteSpaceAndZoneIds() {
        assertThat(IpLiterals.parseClientAddress(" 192.0.2.1 ")).map(IpLiterals::text).contains("192.0.2.1");
        assertThat(IpLiterals.parseClientAddress("[2001:db8::1]")).map(IpLiterals::text).contains("2001:db8::1");
        assertThat(IpLiterals.parseClientAddress("fe80::1%eth0")).map(IpLiterals::text).contains("fe80::1");
        assertThat(IpLiterals.parseClientAddress("192.0.2.1%eth0")).isEmpty();
        assertThat(IpLiterals.parseClientAddress("mail.example")).isEmpty();
        assertThat(IpLiterals.parseClientAddress("999.1.1.1")).isEmpty();
        assertThat(IpLiterals.parseClientAddress(null)).isEmpty();
    }

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
        byte[] parsed = IpLiterals.ipv6Bytes(text);
        assertThat(parsed).isNotNull().hasSize(16);
        assertThat(Inet6Address.getByAddress(null, parsed, -1).getHostAddress()).isEqualTo(full);
    }

    @Test
    void rejectsBadIpv6() {
        for (String bad : new String[] {"", ":", ":::", "1:2", "1::2::3", ":1::", "1::2:", "g::1", "1:2:3:4:5:6:7:8:9",
            "::1.2.3", "::1.2.3.4.5", "1.2.3.4::", "::01.2.3.4", "12345::", "1:2:3:4:5:6:7::8:9"}) {
            assertThat(IpLiterals.ipv6Bytes(bad)).as(bad).isNull();
        }
    }

    @Test
    void rejectsBadIpv4() {
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1.2.3.-1", "a.b.c.d",
            "1..2.3", "1.2.3.4 "}) {
            assertThat(IpLiterals.ipv4Bytes(bad)).as(bad).isNull();
        }
        assertThat(IpLiterals.ipv4Bytes("0.10.255.9")).containsExactly(0, 10, 255, 9);
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
        assertThat(IpLiterals.text(IpLiterals.parse(address).orElseThrow())).isEqualTo(expected);
    }

    @Test
    void ipv4MappedAddressesBecomeIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        InetAddress normalized = IpLiterals.normalize(Inet6Address.getByAddress(null, mapped, -1));
        assertThat(normalized).isInstanceOf(Inet4Address.class);
        assertThat(normalized.getHostAddress()).isEqualTo("192.0.2.1");
        InetAddress v6 = InetAddress.getByName("2001:db8::1");
        assertThat(IpLiterals.normalize(v6)).isSameAs(v6);
    }

    @Test
    void cidrMatching() {
        byte[] a = IpLiterals.ipv4Bytes("192.0.2.129");
        assertThat(IpLiterals.inNetwork(a, IpLiterals.ipv4Bytes("192.0.2.128"), 25)).isTrue();
        assertThat(IpLiterals.inNetwork(a, IpLiterals.ipv4Bytes("192.0.2.0"), 25)).isFalse();
        assertThat(IpLiterals.inNetwork(a, IpLiterals.ipv4Bytes("10.0.0.0"), 0)).isTrue();
        assertThat(IpLiterals.inNetwork(a, IpLiterals.ipv4Bytes("192.0.2.129"), 32)).isTrue();
        assertThat(IpLiterals.inNetwork(a, IpLiterals.ipv6Bytes("::"), 0)).as("families never match").isFalse();
        byte[] b = IpLiterals.ipv6Bytes("2001:db8:ffff::1");
        assertThat(IpLiterals.inNetwork(b, IpLiterals.ipv6Bytes("2001:db8:8000::"), 33)).isTrue();
        assertThat(IpLiterals.inNetwork(b, IpLiterals.ipv6Bytes("2001:db8::"), 33)).isFalse();
    }

}
