package dev.authpack.dns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpRangeTest {

    private static InetAddress ip(String text) {
        return IpLiterals.parse(text).orElseThrow();
    }

    @ParameterizedTest
    @CsvSource({
            "192.0.2.0/24, 192.0.2.77, true",
            "192.0.2.0/24, 192.0.3.1, false",
            "192.0.2.7, 192.0.2.7, true",
            "192.0.2.7, 192.0.2.8, false",
            "10.0.0.0/8, 10.255.255.255, true",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "::1, ::1, true",
            "::1, 127.0.0.1, false",
            "192.0.2.0/24, 2001:db8::1, false",
            "2001:db8::/32, 192.0.2.1, false",
            "192.0.2.0/25, 192.0.2.128, false",
            "192.0.2.0/25, 192.0.2.127, true",
    })
    void contains(String range, String client, boolean expected) {
        assertThat(IpRange.parse(range).contains(ip(client))).isEqualTo(expected);
    }

    @Test
    void ipv4MappedIpv6ClientMatchesIpv4Range() throws Exception {
        // Built by hand so the JDK cannot already have turned it into an Inet4Address.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 9};
        InetAddress client = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(client).isInstanceOf(java.net.Inet6Address.class);
        assertThat(IpRange.parse("192.0.2.0/24").contains(client)).isTrue();
        assertThat(IpRange.parse("198.51.100.0/24").contains(client)).isFalse();
        assertThat(IpRange.parse("::/1").contains(client)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0/0|open relay",
            "::/0|open relay",
            "192.0.2.7/24|host bits set; the range is 192.0.2.0/24",
            "192.0.2.0/33|more than 32",
            "2001:db8::/129|more than 128",
            "192.0.2.0/|bad prefix length",
            "192.0.2.0/x|bad prefix length",
            "192.0.2.300|not an IP address",
            "192.0.2|not an IP address",
            "010.0.0.1|not an IP address",
            "::ffff:10.0.0.0/104|IPv4-mapped",
            "fe80::1%eth0|not an IP address",
            "mail.example.com|not an IP address",
    })
    void strictParsing(String text, String message) {
        assertThatThrownBy(() -> IpRange.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
