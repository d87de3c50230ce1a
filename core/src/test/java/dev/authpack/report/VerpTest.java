package dev.authpack.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerpTest {
    private final Verp verp = new Verp("bounce", '+');

    @Test
    void decodesTheRecipient() {
        assertThat(verp.decode("bounce+User=Example.com@bounces.example.org")).contains("user@example.com");
        assertThat(verp.decode("<bounce+a.b=c=sub.example.net@bounces.example.org>")).contains("a.b=c@sub.example.net");
        assertThat(new Verp("b", '-').decode("B-x=example.com@e.example")).contains("x@example.com");
    }

    @Test
    void ignoresOtherAddresses() {
        assertThat(verp.decode(null)).isEmpty();
        assertThat(verp.decode("")).isEmpty();
        assertThat(verp.decode("bounces@bounces.example.org")).isEmpty();
        assertThat(verp.decode("bounce+nobody@bounces.example.org")).isEmpty();
        assertThat(verp.decode("bounce+=example.com@bounces.example.org")).isEmpty();
        assertThat(verp.decode("bounce+user=@bounces.example.org")).isEmpty();
        assertThat(verp.decode("bounce+user=localhost@bounces.example.org")).isEmpty();
        assertThat(verp.decode("other+user=example.com@bounces.example.org")).isEmpty();
        assertThat(verp.decode("bounce+user=example.com")).isEmpty();
    }

    @Test
    void prefixMustBeALocalPartPrefix() {
        assertThatThrownBy(() -> new Verp("", '+')).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Verp("a@b", '+')).isInstanceOf(IllegalArgumentException.class);
    }
}
