package dev.authpack.spf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpfRecordParserTest {

    @Test
    void recordSelection() {
        assertThat(SpfRecordParser.isSpfRecord("v=spf1")).isTrue();
        assertThat(SpfRecordParser.isSpfRecord("V=SpF1 -all")).isTrue();
        assertThat(SpfRecordParser.isSpfRecord("v=spf10")).isFalse();
        assertThat(SpfRecordParser.isSpfRecord("v=spf1mx")).isFalse();
        assertThat(SpfRecordParser.isSpfRecord(" v=spf1")).isFalse();
        assertThat(SpfRecordParser.isSpfRecord("spf2.0/pra -all")).isFalse();
        assertThat(SpfRecordParser.isSpfRecord("")).isFalse();
    }

    @Test
    void everyMechanismAndModifier() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 +a -mx:mail.example.com/24//64 ~ptr ?ptr:example.org "
                + "ip4:192.0.2.0/24 IP6:2001:DB8::/32 include:_spf.example.net exists:%{i}.bl.example.com "
                + "A:Example.COM//0 all redirect=other.example exp=why.%{d} x-unknown=%{c}  ");
        List<Directive> d = record.directives();
        assertThat(d).extracting(Directive::text).containsExactly("a", "mx:mail.example.com/24//64", "ptr",
                "ptr:example.org", "ip4:192.0.2.0/24", "IP6:2001:DB8::/32", "include:_spf.example.net",
                "exists:%{i}.bl.example.com", "A:Example.COM//0", "all");
        assertThat(d).extracting(Directive::result).containsExactly(SpfStatus.PASS, SpfStatus.FAIL,
                SpfStatus.SOFTFAIL, SpfStatus.NEUTRAL, SpfStatus.PASS, SpfStatus.PASS, SpfStatus.PASS,
                SpfStatus.PASS, SpfStatus.PASS, SpfStatus.PASS);
        assertThat(d.get(0).mechanism()).satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Mechanism.Kind.A);
            assertThat(m.domain()).isNull();
            assertThat(m.cidr4()).isEqualTo(32);
            assertThat(m.cidr6()).isEqualTo(128);
        });
        assertThat(d.get(1).mechanism()).satisfies(m -> {
            assertThat(m.domain().source()).isEqualTo("mail.example.com");
            assertThat(m.cidr4()).isEqualTo(24);
            assertThat(m.cidr6()).isEqualTo(64);
        });
        assertThat(d.get(4).mechanism().network()).containsExactly(192, 0, 2, 0);
        assertThat(d.get(5).mechanism().cidr6()).isEqualTo(32);
        assertThat(d.get(8).mechanism()).satisfies(m -> {
            assertThat(m.cidr4()).isEqualTo(32);
            assertThat(m.cidr6()).isZero();
        });
        assertThat(record.redirect().source()).isEqualTo("other.example");
        assertThat(record.exp().source()).isEqualTo("why.%{d}");
    }

    @Test
    void emptyRecordHasNoTerms() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1");
        assertThat(record.directives()).isEmpty();
        assertThat(record.redirect()).isNull();
        assertThat(record.exp()).isNull();
    }

    @Test
    void cidrOnlyOnCurrentDomain() throws Exception {
        Mechanism m = SpfRecordParser.parse("v=spf1 mx/30").directives().get(0).mechanism();
        assertThat(m.domain()).isNull();
        assertThat(m.cidr4()).isEqualTo(30);
        assertThat(m.cidr6()).isEqualTo(128);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=spf1 moo", "v=spf1 all.", "v=spf1 all:x", "v=spf1 -all/8", "v=spf1 +", "v=spf1 ip4", "v=spf1 ip4:",
        "v=spf1 ip4:1.2.3", "v=spf1 ip4:1.2.3.4/33", "v=spf1 ip4:1.2.3.4/032", "v=spf1 ip4:01.2.3.4",
        "v=spf1 ip4:256.2.3.4", "v=spf1 ip4:1.2.3.4//32", "v=spf1 ip4:1.2.3.4:25", "v=spf1 ip4:1.2.3.4/",
        "v=spf1 ip6:::1/129", "v=spf1 ip6:1::2::3", "v=spf1 ip6::1", "v=spf1 ip6:1:2:3:4:5:6:7:8:9",
        "v=spf1 ip6:1:2:3:4:5:6:7", "v=spf1 ip6:12345::", "v=spf1 ip6:::1//64", "v=spf1 a:", "v=spf1 a/33",
        "v=spf1 a//129", "v=spf1 a/24/64", "v=spf1 a:example", "v=spf1 mx:example.com:25", "v=spf1 ptr/24",
        "v=spf1 ptr:", "v=spf1 include", "v=spf1 include:", "v=spf1 exists", "v=spf1 exists:%{c}.example.com",
        "v=spf1 redirect=", "v=spf1 exp=", "v=spf1 redirect=a.example redirect=b.example",
        "v=spf1 exp=a.example exp=b.example", "v=spf1 redirect:a.example", "v=spf1 1up=foo", "v=spf1 =all",
        "v=spf1 foo=%x", "v=spf1 -all\tmx", "v=spf1 a:ex\u00e4mple.com", "v=spf1 moo.cow/far=man",
        "v=spf1 -redirect=a.example", "v=spf1 a:%{d"})
    void syntaxErrors(String txt) {
        assertThatThrownBy(() -> SpfRecordParser.parse(txt)).isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=spf1 default=pass", "v=spf1 moo.cow-far_out=man:dog/cat", "v=spf1 x=", "v=spf1 ip6:::",
        "v=spf1 ip6:::ffff:192.0.2.1/96", "v=spf1 ip6:1:2:3:4:5:6:7:8/0", "v=spf1 ip4:0.0.0.0/0",
        "v=spf1 a:foo:bar/baz.example.com", "v=spf1 a:%{d}", "v=spf1 exp=%{l}.x.example"})
    void validRecords(String txt) throws Exception {
        assertThat(SpfRecordParser.parse(txt)).isNotNull();
    }

    @Test
    void cacheSharesParsedRecordsAndRemembersErrors() throws Exception {
        SpfRecordCache cache = new SpfRecordCache();
        SpfRecord first = cache.parse("v=spf1 ip4:192.0.2.0/24 -all");
        assertThat(cache.parse("v=spf1 ip4:192.0.2.0/24 -all")).isSameAs(first);
        assertThatThrownBy(() -> cache.parse("v=spf1 moo")).isInstanceOf(SpfSyntaxException.class)
                .hasMessageContaining("moo");
        assertThatThrownBy(() -> cache.parse("v=spf1 moo")).isInstanceOf(SpfSyntaxException.class)
                .hasMessageContaining("moo");
        assertThat(cache.size()).isEqualTo(2);
        for (int i = 0; i < 3000; i++) {
            cache.parse("v=spf1 ip4:10.0." + (i / 256) + "." + (i % 256) + " -all");
        }
        assertThat(cache.size()).as("bounded").isLessThanOrEqualTo(1024);
        cache.parse("v=spf1 " + "a ".repeat(2000));
        assertThat(cache.size()).as("long records are not kept").isLessThanOrEqualTo(1024);
    }
}
