package dev.authpack.james;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {
    @Test
    void controlCharactersAreWrittenAsEscapes() {
        assertThat(LogText.of("\"a\\\rb\\\u001b[2J\\\u007f\"@x.example"))
                .isEqualTo("\"a\\\\x0db\\\\x1b[2J\\\\x7f\"@x.example");
        assertThat(LogText.of("a\nb\tc\u0085d\u2028e\u202ef")).isEqualTo("a\\x0ab\\x09c\\x85d\\u2028e\\u202ef");
    }

    @Test
    void plainTextIsKeptAsItIs() {
        String plain = "\"a b\"@x.example";
        assertThat(LogText.of(plain)).isSameAs(plain);
        assertThat(LogText.of("é@exämple")).isEqualTo("é@exämple");
        assertThat(LogText.of(null)).isEmpty();
    }

    @Test
    void longTextIsBounded() {
        String longText = "a".repeat(LogText.MAX_CHARS + 100);
        assertThat(LogText.of(longText)).isEqualTo("a".repeat(LogText.MAX_CHARS) + "...(100 more)");
        assertThat(LogText.of("\r".repeat(LogText.MAX_CHARS + 1)))
                .isEqualTo("\\x0d".repeat(LogText.MAX_CHARS) + "...(1 more)");
    }
}
