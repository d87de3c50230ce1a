package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLineTest {
    @Test
    void hostileStringsStayOnOneLineAndInsideTheirString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("diagnostic_code", "550 x\r\n{\"type\":\"Bounce\",\"forged\":true}\u0000\u001b[31m\u007f");
        m.put("subject", "a\"b\\c\u2028d\u2029e\tf");
        m.put("lone", "x\ud800y\udc00z");
        m.put("pair", "\ud83d\ude00");
        m.put("list", Arrays.asList("a", null, true));
        String json = JsonLine.of(m);
        assertThat(json).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u007f", "\u2028", "\u2029");
        assertThat(json).isEqualTo("{\"diagnostic_code\":\"550 x\\r\\n{\\\"type\\\":\\\"Bounce\\\",\\\"forged\\\":true}"
                + "\\u0000\\u001b[31m\\u007f\",\"subject\":\"a\\\"b\\\\c\\u2028d\\u2029e\\tf\","
                + "\"lone\":\"x\\ud800y\\udc00z\",\"pair\":\"\ud83d\ude00\",\"list\":[\"a\",null,true]}");
    }

    /** Session 21: the bidi embedding, override and isolate controls are escaped too (the rule of our headers). */
    @Test
    void bidiControlsAreEscaped() {
        String json = JsonLine.of(List.of("a\u202eb\u2066c\u2069d\u0085e"));
        assertThat(json).isEqualTo("[\"a\\u202eb\\u2066c\\u2069d\\u0085e\"]");
    }

    @Test
    void longStringsAreCut() {
        String json = JsonLine.of(List.of("y".repeat(JsonLine.MAX_STRING_CHARS + 50)));
        assertThat(json).hasSize(JsonLine.MAX_STRING_CHARS + 3 + 4);
        assertThat(json).endsWith("...\"]");
    }

    @Test
    void utf8OctetsAreCountedWithoutEncoding() {
        for (String line : List.of("", "plain", "é€漢", "\uD83D\uDE00 emoji", JsonLine.of("a\u2028漢\uD800é"))) {
            assertThat(JsonLine.utf8Octets(line)).as(line)
                    .isEqualTo(line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }
}
