package dev.authpack.authres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthServIdsTest {

    @Test
    void readsTheFirstToken() {
        assertThat(AuthServIds.of(" mx.example.org; spf=pass")).contains("mx.example.org");
        assertThat(AuthServIds.of("mx.example.org 1; none")).contains("mx.example.org");
    }

    @Test
    void skipsCommentsAndFolding() {
        assertThat(AuthServIds.of("\r\n\t(a (nested) comment) mx.example.org;")).contains("mx.example.org");
    }

    @Test
    void readsQuotedIds() {
        assertThat(AuthServIds.of("\"mx.example.org\"; none")).contains("mx.example.org");
        assertThat(AuthServIds.of("\"mx\\\"x\"; none")).contains("mx\"x");
    }

    @Test
    void emptyOrBrokenGivesNothing() {
        assertThat(AuthServIds.of("")).isEmpty();
        assertThat(AuthServIds.of(null)).isEmpty();
        assertThat(AuthServIds.of("(unterminated comment mx")).isEmpty();
        assertThat(AuthServIds.of("\"unterminated")).isEmpty();
        assertThat(AuthServIds.of("; spf=pass")).isEmpty();
    }

    @Test
    void claimsComparesCaseInsensitively() {
        assertThat(AuthServIds.claims("MX.Example.ORG; spf=pass", "mx.example.org")).isTrue();
        assertThat(AuthServIds.claims("mx.example.org.evil; spf=pass", "mx.example.org")).isFalse();
        assertThat(AuthServIds.claims("other; spf=pass", "mx.example.org")).isFalse();
    }
}
