package dev.authpack.dkim.sign;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainPatternTest {

    @Test
    void formsAndMatching() {
        DomainPattern exact = DomainPattern.parse("Example.COM");
        assertThat(exact).isEqualTo(new DomainPattern(DomainPattern.Kind.EXACT, "example.com"));
        assertThat(exact.matches("example.com")).isTrue();
        assertThat(exact.matches("a.example.com")).isFalse();

        DomainPattern sub = DomainPattern.parse("*.example.com");
        assertThat(sub.matches("a.example.com")).isTrue();
        assertThat(sub.matches("a.b.example.com")).isTrue();
        assertThat(sub.matches("example.com")).isFalse();
        assertThat(sub.matches("badexample.com")).isFalse();
        assertThat(sub).hasToString("*.example.com");

        assertThat(DomainPattern.parse("*")).isEqualTo(DomainPattern.ANY);
        assertThat(DomainPattern.ANY.matches("anything.example")).isTrue();
    }

    @Test
    void openDkimAddressForms() {
        assertThat(DomainPattern.parse("*@example.com")).isEqualTo(DomainPattern.parse("example.com"));
        assertThat(DomainPattern.parse("*@*.example.com")).isEqualTo(DomainPattern.parse("*.example.com"));
        assertThat(DomainPattern.parse("*@*")).isEqualTo(DomainPattern.ANY);
    }

    @Test
    void refusedWithAdvice() {
        assertThatThrownBy(() -> DomainPattern.parse("alice@example.com"))
                .hasMessageContaining("not addresses");
        assertThatThrownBy(() -> DomainPattern.parse(".example.com")).hasMessageContaining("*.example.com");
        assertThatThrownBy(() -> DomainPattern.parse("exa mple.com")).hasMessageContaining("not a domain name");
        assertThatThrownBy(() -> DomainPattern.parse("*.*.example.com")).hasMessageContaining("not a domain name");
    }
}
