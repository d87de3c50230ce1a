package dev.authpack.james.smtp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The collector reads the DATA lines' dots exactly as James 3.8.1's DataLineJamesMessageHookHandler stores them. */
class HeaderSectionCollectorTest {

    private static String collect(String... lines) {
        HeaderSectionCollector collector = new HeaderSectionCollector();
        byte[] header = null;
        for (String line : lines) {
            byte[] got = collector.offer(line.getBytes(StandardCharsets.ISO_8859_1));
            if (got != null) {
                assertThat(header).as("returned once").isNull();
                header = got;
            }
        }
        return header == null ? null : new String(header, StandardCharsets.ISO_8859_1);
    }

    @Test
    void onlyALineStartingWithTwoDotsLosesOne() {
        assertThat(collect("From: a@example.org\r\n", ".From: b@example.org\r\n", "..X: y\r\n", "...Z: w\r\n",
                "\r\n", "body\r\n")).isEqualTo("From: a@example.org\r\n.From: b@example.org\r\n.X: y\r\n..Z: w\r\n\r\n");
    }

    @Test
    void aLineOfThreeOctetsStartingWithADotEndsDataAsForJames() {
        assertThat(collect("From: a@example.org\r\n", ".\r\n", "\r\n")).isNull();
        assertThat(collect("From: a@example.org\r\n", ".x\n", "\r\n")).isNull();
        // "..\r\n" is four octets: a stuffed "." line, kept as "."
        assertThat(collect("From: a@example.org\r\n", "..\r\n", "\r\n"))
                .isEqualTo("From: a@example.org\r\n.\r\n\r\n");
        // ".\n" is two: a line James stores as it is
        assertThat(collect("From: a@example.org\r\n", ".\n", "\r\n")).isEqualTo("From: a@example.org\r\n.\n\r\n");
    }

    @Test
    void theEmptyLineEndsTheHeaderSection() {
        assertThat(collect("A: 1\r\n", "\r\n")).isEqualTo("A: 1\r\n\r\n");
        assertThat(collect("A: 1\r\n", "\n")).isEqualTo("A: 1\r\n\n");
        assertThat(HeaderSectionCollector.isEmptyLine(".\r\n".getBytes(StandardCharsets.ISO_8859_1))).isFalse();
    }
}
