package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one domain-name normaliser and its one IDN policy (the former relay, DMARC and DKIM-signing copies). */
class DomainNamesTest {

    @Test
    void canonicalSpelling() {
        assertThat(DomainNames.normalize("US.Example.")).contains("us.example");
        assertThat(DomainNames.normalize("_dmarc.Example.COM")).contains("_dmarc.example.com");
        assertThat(DomainNames.normalize("BÜCHER.example")).contains("xn--bcher-kva.example");
        assertThat(DomainNames.normalize("xn--bcher-kva.example")).contains("xn--bcher-kva.example");
        // IDNA2003 mapping: full-width letters and the ideographic full stop fold, a soft hyphen vanishes
        assertThat(DomainNames.normalize("\uFF45xample\u3002com")).contains("example.com");
        assertThat(DomainNames.normalize("exam\u00ADple.com")).contains("example.com");
    }

    @Test
    void refusalsSayWhy() {
        assertThatThrownBy(() -> DomainNames.canonical("[192.0.2.1]")).hasMessageContaining("address literal");
        assertThatThrownBy(() -> DomainNames.canonical("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> DomainNames.canonical(".")).hasMessageContaining("empty");
        assertThatThrownBy(() -> DomainNames.canonical("a..example")).hasMessageContaining("empty label");
        assertThatThrownBy(() -> DomainNames.canonical("-a.example")).hasMessageContaining("hyphen");
        assertThatThrownBy(() -> DomainNames.canonical("exa$mple.com")).hasMessageContaining("invalid character");
        assertThatThrownBy(() -> DomainNames.canonical("x".repeat(64) + ".com")).hasMessageContaining("label longer");
        assertThatThrownBy(() -> DomainNames.canonical("x.".repeat(127) + "com")).hasMessageContaining("longer");
        assertThatThrownBy(() -> DomainNames.canonical("x".repeat(DomainNames.MAX_INPUT_CHARS + 1)))
                .hasMessageContaining(DomainNames.MAX_INPUT_CHARS + " characters");
        assertThat(DomainNames.normalize(null)).isEmpty();
        assertThat(DomainNames.normalize("has space.example")).isEmpty();
    }

    @Test
    void oneIdnPolicyRefusesUnassignedCodePoints() {
        // U+0378 is unassigned: its reading could change with a later Unicode version, so it is no domain name
        assertThat(DomainNames.toAscii("a\u0378.example")).isEmpty();
        assertThatThrownBy(() -> DomainNames.canonical("a\u0378.example"))
                .hasMessageContaining("internationalized");
        assertThat(DomainNames.toAscii("plain.example")).contains("plain.example");
        assertThat(DomainNames.toAscii("bücher.example")).contains("xn--bcher-kva.example");
    }

    @Test
    void parents() {
        assertThat(DomainNames.parent("mail.example.com")).contains("example.com");
        assertThat(DomainNames.parent("com")).isEmpty();
    }

    @Test
    void subdomainTest() {
        assertThat(DomainNames.isSameOrSubdomain("mail.example.com", "example.com")).isTrue();
        assertThat(DomainNames.isSameOrSubdomain("Example.COM", "example.com")).isTrue();
        assertThat(DomainNames.isSameOrSubdomain("badexample.com", "example.com")).isFalse();
        assertThat(DomainNames.isSameOrSubdomain("com", "example.com")).isFalse();
    }
}
