package dev.authpack.spf;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpfAddressAndNameTest {

    @Test
    void checkHostDomainRules() {
        assertThat(SpfNames.checkHostDomain("example.com.")).contains("example.com");
        assertThat(SpfNames.checkHostDomain("_spf.Example.COM")).contains("_spf.Example.COM");
        assertThat(SpfNames.checkHostDomain("bücher.example")).contains("xn--bcher-kva.example");
        assertThat(SpfNames.checkHostDomain("a" + "b".repeat(62) + ".example")).isPresent();
        for (String bad : new String[] {"", "localhost", "[192.0.2.1]", "192.0.2.1", "a..example.com", ".example.com",
            "example.com..", "a" + "b".repeat(63) + ".example", "x.".repeat(127) + "com", "has space.example",
            "tab\t.example"}) {
            assertThat(SpfNames.checkHostDomain(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void queryNamesAreTruncatedFromTheLeft() {
        String label = "l".repeat(60);
        String name = String.join(".", label, label, label, label, label) + ".example.com.";
        String truncated = SpfNames.forQuery(name).orElseThrow();
        assertThat(truncated.length()).isLessThanOrEqualTo(253);
        // 4 labels + example.com would be 255 characters
        assertThat(truncated).isEqualTo(String.join(".", label, label, label) + ".example.com");
        assertThat(SpfNames.forQuery("a..b")).isEmpty();
        assertThat(SpfNames.forQuery(".")).isEmpty();
        assertThat(SpfNames.forQuery("x".repeat(64) + ".com")).isEmpty();
        assertThat(SpfNames.forQuery("x".repeat(300))).isEmpty();
    }

    @Test
    void queryNameLimitsCountOctetsAndAnyOctetIsAllowed() {
        // a macro can put any local part into a name: spaces and '%' stay (the resolver escapes them)
        assertThat(SpfNames.forQuery("a b%20%.example.com")).contains("a b%20%.example.com");
        // "ä" is two octets on the wire (UTF-8): 32 of them make a 64-octet label
        assertThat(SpfNames.forQuery("ä".repeat(31) + "a.example.com")).isPresent();
        assertThat(SpfNames.forQuery("ä".repeat(32) + ".example.com")).isEmpty();
        // 5 labels of 60 octets (30 characters) + example.com: 316 octets but only 166 characters
        String label = "ä".repeat(30);
        String name = String.join(".", label, label, label, label, label) + ".example.com";
        String truncated = SpfNames.forQuery(name).orElseThrow();
        assertThat(truncated).isEqualTo(String.join(".", label, label, label) + ".example.com");
        assertThat(truncated.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(253);
    }
}
