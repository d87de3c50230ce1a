package dev.authpack.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PublicSuffixOrgDomainTest {

    @Test
    void registrableDomainFromTheList() {
        assertThat(PublicSuffixOrgDomain.of("example.com")).isEqualTo("example.com");
        assertThat(PublicSuffixOrgDomain.of("a.b.mail.example.com")).isEqualTo("example.com");
        assertThat(PublicSuffixOrgDomain.of("www.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(PublicSuffixOrgDomain.of("mail.city.kawasaki.jp")).isEqualTo("city.kawasaki.jp");
        assertThat(PublicSuffixOrgDomain.of("xn--bcher-kva.example.de")).isEqualTo("example.de");
    }

    @Test
    void privateSectionSuffixesCountToo() {
        assertThat(PublicSuffixOrgDomain.of("myblog.blogspot.com")).isEqualTo("myblog.blogspot.com");
        assertThat(PublicSuffixOrgDomain.of("a.myblog.blogspot.com")).isEqualTo("myblog.blogspot.com");
    }

    @Test
    void aPublicSuffixIsItsOwnOrganizationalDomain() {
        assertThat(PublicSuffixOrgDomain.of("com")).isEqualTo("com");
        assertThat(PublicSuffixOrgDomain.of("co.uk")).isEqualTo("co.uk");
    }

    @Test
    void namesUnderNoListedSuffixUseTheDefaultRule() {
        assertThat(PublicSuffixOrgDomain.of("mail.example.invalidtld")).isEqualTo("example.invalidtld");
        assertThat(PublicSuffixOrgDomain.of("a.b.example.test")).isEqualTo("example.test");
        assertThat(PublicSuffixOrgDomain.of("localhost")).isEqualTo("localhost");
    }
}
