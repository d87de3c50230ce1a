package dev.authpack.spf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MacroStringTest {

    private static MacroValues values(String ip) throws Exception {
        return new MacroValues("strong-bad@email.example.com", "strong-bad", "email.example.com",
                "email.example.com", InetAddress.getByName(ip), "mx.example.org", "mx.receiver.example", 1700000000L,
                null);
    }

    /** The examples of RFC 7208 §7.4. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%{s}|strong-bad@email.example.com",
        "%{o}|email.example.com",
        "%{d}|email.example.com",
        "%{d4}|email.example.com",
        "%{d3}|email.example.com",
        "%{d2}|example.com",
        "%{d1}|com",
        "%{dr}|com.example.email",
        "%{d2r}|example.email",
        "%{l}|strong-bad",
        "%{l-}|strong.bad",
        "%{lr}|strong-bad",
        "%{lr-}|bad.strong",
        "%{l1r-}|strong",
        "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
    })
    void rfcExamplesIpv4(String macro, String expected) throws Exception {
        assertThat(MacroString.parse(macro, MacroString.Kind.DOMAIN_SPEC).expand(values("192.0.2.3")))
                .isEqualTo(expected);
    }

    @Test
    void rfcExampleIpv6NibblesInUpperCase() throws Exception {
        String expanded = MacroString.parse("%{ir}.%{v}._spf.%{d2}", MacroString.Kind.DOMAIN_SPEC)
                .expand(values("2001:db8::cb01"));
        // RFC 7208 §7.4 prints the nibbles in lower case; DNS does not care, the openspf suite expects upper case
        assertThat(expanded).isEqualTo(
                "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
    }

    @Test
    void explanationOnlyLetters() throws Exception {
        MacroString text = MacroString.parse("%{c} via %{r} at %{t}: %{p}", MacroString.Kind.EXPLANATION);
        assertThat(text.expand(values("2001:db8:0:0:1:0:0:1"))).isEqualTo(
                "2001:db8::1:0:0:1 via mx.receiver.example at 1700000000: unknown");
        assertThat(text.expand(values("192.0.2.3").withValidatedDomain("mail.example.com")))
                .isEqualTo("192.0.2.3 via mx.receiver.example at 1700000000: mail.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%{c}.example.com", "%{r}.example.com", "%{t}.example.com"})
    void explanationOnlyLettersAreSyntaxErrorsInDomainSpecs(String spec) {
        assertThatThrownBy(() -> MacroString.parseDomainSpec(spec)).isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void upperCaseLettersAreUrlEscaped() throws Exception {
        MacroValues v = new MacroValues("a b&c=d~é@example.com", "a b&c=d~é", "example.com", "example.com",
                InetAddress.getByName("192.0.2.1"), "h", "r", 0, null);
        assertThat(MacroString.parse("%{L}", MacroString.Kind.EXPLANATION).expand(v))
                .isEqualTo("a%20b%26c%3Dd~%C3%A9");
        assertThat(MacroString.parse("%{S}", MacroString.Kind.EXPLANATION).expand(v))
                .isEqualTo("a%20b%26c%3Dd~%C3%A9%40example.com");
    }

    @Test
    void escapesAndLiterals() throws Exception {
        assertThat(MacroString.parse("a%%b%_c%-d", MacroString.Kind.EXPLANATION).expand(values("192.0.2.3")))
                .isEqualTo("a%b c%20d");
        assertThat(MacroString.parse("two  spaces", MacroString.Kind.EXPLANATION).expand(values("192.0.2.3")))
                .isEqualTo("two  spaces");
    }

    @Test
    void transformers() throws Exception {
        MacroValues v = new MacroValues("a.b-c+d@x.y.z", "a.b-c+d", "x.y.z", "x.y.z",
                InetAddress.getByName("192.0.2.3"), "h", "r", 0, null);
        assertThat(expand("%{l-+}", v)).isEqualTo("a.b.c.d");
        assertThat(expand("%{l2r-+}", v)).as("\".\" is not among the delimiters").isEqualTo("c.a.b");
        assertThat(expand("%{l2r.-+}", v)).isEqualTo("b.a");
        assertThat(expand("%{lR.}", v)).isEqualTo("b-c+d.a");
        assertThat(expand("%{d200}", v)).isEqualTo("x.y.z");
        assertThat(expand("%{d99999999999999999999}", v)).isEqualTo("x.y.z");
        assertThat(expand("%{d1r}", v)).isEqualTo("x");
    }

    private static String expand(String macro, MacroValues v) throws SpfSyntaxException {
        return MacroString.parse(macro, MacroString.Kind.DOMAIN_SPEC).expand(v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "abc%", "%x", "%{", "%{d", "%{}", "%{x}", "%{d0}", "%{d1!}", "%{dr2}", "a b",
        "tab\there", "%{é}", "ünïcode"})
    void macroSyntaxErrors(String text) {
        assertThatThrownBy(() -> MacroString.parse(text, MacroString.Kind.DOMAIN_SPEC))
                .isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com.", "%{d}", "_spf.%{d2}", "%{ir}.bl.example.org",
        "x.xn--zckzah", "a.b-2", "foo:bar/baz.example.com", "%{d}%%", "%{d}%_", "%{d}%-", "a.B9"})
    void validDomainSpecs(String spec) throws Exception {
        assertThat(MacroString.parseDomainSpec(spec).source()).isEqualTo(spec);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "museum", "museum.", "example.123", "example.-com", "example.com-",
        "example.com:8080", "example.com/24", "%{d}.", "%{d}com", "a..", "foo.%{d}x"})
    void invalidDomainSpecs(String spec) {
        assertThatThrownBy(() -> MacroString.parseDomainSpec(spec)).isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void usesReportsLettersCaseInsensitively() throws Exception {
        assertThat(MacroString.parse("%{P}.x.com", MacroString.Kind.DOMAIN_SPEC).uses('p')).isTrue();
        assertThat(MacroString.parse("%{d}.x.com", MacroString.Kind.DOMAIN_SPEC).uses('p')).isFalse();
    }
}
