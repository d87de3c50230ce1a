package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressTextTest {
    private static String text(String literal) throws Exception {
        return AddressText.of(InetAddress.getByName(literal));
    }

    @Test
    void rfc5952Forms() throws Exception {
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
}
