package dev.authpack.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorDomainsTest {

    private static AuthorDomains of(String... values) {
        return AuthorDomains.of(List.of(values), 5);
    }

    @Test
    void plainAndNamedAddresses() {
        assertThat(of("alice@Example.COM").domains()).containsExactly("example.com");
        assertThat(of(" Alice Liddell <alice@example.com>").domains()).containsExactly("example.com");
        assertThat(of("\"Liddell, Alice\" <alice@example.com>").single()).isTrue();
        assertThat(of("alice@example.com.").domains()).containsExactly("example.com");
    }

    @Test
    void atSignsInQuotedStringsAndCommentsAreNotTheDomain() {
        assertThat(of("\"ceo@bank.example\" <x@evil.example>").domains()).containsExactly("evil.example");
        assertThat(of("\"a@b\"@evil.example").domains()).containsExactly("evil.example");
        assertThat(of("x@evil.example (ceo@bank.example)").domains()).containsExactly("evil.example");
        assertThat(of("(nested (ceo@bank.example) comment) x@evil.example").domains())
                .containsExactly("evil.example");
        assertThat(of("\"quoted \\\" quote@bank.example\" <x@evil.example>").domains())
                .containsExactly("evil.example");
    }

    @Test
    void foldedValueAndObsoleteRoute() {
        assertThat(of("Alice\r\n <alice@\r\n example.com>").domains()).containsExactly("example.com");
        assertThat(of("<@relay.example,@other.example:alice@example.com>").domains()).containsExactly("example.com");
    }

    @Test
    void severalMailboxesOfOneDomainAreOneAuthorDomain() {
        AuthorDomains a = of("a@example.com, B <b@EXAMPLE.com>");
        assertThat(a.domains()).containsExactly("example.com");
        assertThat(a.mailboxes()).isEqualTo(2);
        assertThat(a.single()).isTrue();
    }

    @Test
    void severalDomainsInOneField() {
        AuthorDomains a = of("a@example.com, b@example.net");
        assertThat(a.domains()).containsExactly("example.com", "example.net");
        assertThat(a.single()).isFalse();
        assertThat(a.problem()).isNull();
    }

    @Test
    void severalFromFields() {
        AuthorDomains a = of("a@example.com", "a@example.com");
        assertThat(a.fields()).isEqualTo(2);
        assertThat(a.domains()).containsExactly("example.com");
        assertThat(a.single()).isFalse();
    }

    @Test
    void groupSyntax() {
        assertThat(of("Team: a@example.com, b@example.net;").domains()).containsExactly("example.com", "example.net");
        assertThat(of("Undisclosed:;").problem()).isEqualTo("no address in the From field");
    }

    @Test
    void internationalizedDomainsBecomeALabels() {
        assertThat(of("user@bücher.example").domains()).containsExactly("xn--bcher-kva.example");
        assertThat(of("Ünïcödé <user@BÜCHER.example>").domains()).containsExactly("xn--bcher-kva.example");
        assertThat(of("user@xn--bcher-kva.example").domains()).containsExactly("xn--bcher-kva.example");
    }

    @Test
    void noFromOrUnusableFrom() {
        assertThat(AuthorDomains.of(List.of(), 5).problem()).isEqualTo("no From field");
        assertThat(of("").problem()).isEqualTo("no address in the From field");
        assertThat(of("undisclosed-recipients").problem()).contains("no '@'");
        assertThat(of("alice@[192.0.2.1]").problem()).contains("address literal");
        assertThat(of("<alice@example.com").problem()).contains("unterminated angle-addr");
        assertThat(of("\"alice@example.com").problem()).contains("unterminated quoted string");
        assertThat(of("(alice@example.com").problem()).contains("unterminated comment");
        assertThat(of("alice@exa mple.com").problem()).isNull();   // obsolete FWS inside is removed
        assertThat(of("alice@exa$mple.com").problem()).contains("invalid character");
        assertThat(of("alice@-example.com").problem()).contains("hyphen");
        assertThat(of("alice@example..com").problem()).contains("empty label");
        assertThat(of("<a@example.com> <b@example.net>").problem()).contains("two angle-addrs");
        assertThat(of("@example.com").problem()).contains("empty local part");
        assertThat(of("a@" + "x".repeat(64) + ".com").problem()).contains("label longer");
        assertThat(of("a@example.com".repeat(2000)).problem()).contains("longer than");
    }

    @Test
    void anAddressWithTwoDomainsIsRefused() {
        // a client shows both domains; the DKIM signer must not pick one (DMARC reads both: DmarcAuthors)
        assertThat(of("a@victim.example@evil.example").problem()).contains("2 '@' in one address");
        assertThat(of("a@victim.example(x)@evil.example").problem()).contains("2 '@' in one address");
        assertThat(of("a@victim.example\uFF20evil.example").problem()).contains("2 '@' in one address");
    }

    @Test
    void pedanticReadingKeepsRoutesAndRefusesAtSignsInDisplayNames() {
        assertThat(AuthorDomains.addrSpecs("<@relay.example:alice@example.com>", true))
                .containsExactly("@relay.example:alice@example.com");
        assertThat(AuthorDomains.addrSpecs("ceo@bank.example <x@evil.example>", false))
                .containsExactly("x@evil.example");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> AuthorDomains.addrSpecs("ceo@bank.example <x@evil.example>", true))
                .hasMessage("'@' in a display name");
        assertThat(AuthorDomains.addrSpecs("\"ceo@bank.example\" <x@evil.example>", true))
                .containsExactly("x@evil.example");
        // white space is allowed next to the @; next to a dot (obsolete syntax) the tolerant reading joins it and
        // the pedantic one refuses it (a client shows "victim.example. x" as victim.example: read both ways)
        assertThat(AuthorDomains.addrSpecs("John Doe <john . doe @ example . com>, a @b.example", false))
                .containsExactly("john.doe@example.com", "a@b.example");
        assertThat(AuthorDomains.addrSpecs("John Doe <john.doe @ example.com>, a @b.example", true))
                .containsExactly("john.doe@example.com", "a@b.example");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> AuthorDomains.addrSpecs("a@bank.example. x", true)).hasMessage("white space inside an address");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> AuthorDomains.addrSpecs("a@bank.example x", true)).hasMessage("white space inside an address");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> AuthorDomains.addrSpecs("<a@bank(c)x.example>", true)).hasMessage("white space inside an address");
    }

    @Test
    void authorDomainCollectionStopsOnePastTheBound() {
        AuthorDomains a = AuthorDomains.of(List.of("a@d1.example, a@d2.example, a@d3.example, a@d4.example"), 2);
        assertThat(a.domains()).containsExactly("d1.example", "d2.example", "d3.example");
    }
}
