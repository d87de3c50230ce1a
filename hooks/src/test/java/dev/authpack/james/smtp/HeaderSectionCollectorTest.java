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

    /** A header section of {@code octets} octets in all (the empty line included), in lines of at most 1000. */
    private static String[] headerOf(int octets) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        int left = octets - 2;
        for (int i = 0; left > 0; i++) {
            int length = Math.min(1000, left);
            if (left - length > 0 && left - length < 8) {
                length -= 8;   // leave room for a whole last line
            }
            String name = "X" + i + ": ";
            lines.add(name + "v".repeat(length - name.length() - 2) + "\r\n");
            left -= length;
        }
        lines.add("\r\n");
        lines.add("body\r\n");
        return lines.toArray(String[]::new);
    }

    /**
     * Review F8: at most 64 KiB of header section is kept per connection (real ones are far smaller); past it
     * nothing is collected, as past the former 256 KiB (no early header-section lookups: the end of DATA reads the
     * whole message), and the lines that follow, the empty line included, collect nothing either.
     */
    @Test
    void aHeaderSectionOverSixtyFourKibIsNotCollected() {
        assertThat(HeaderSectionCollector.MAX_OCTETS).isEqualTo(64 * 1024);
        String[] fits = headerOf(64 * 1024);
        assertThat(collect(fits)).hasSize(64 * 1024).endsWith("\r\n\r\n");
        assertThat(collect(headerOf(64 * 1024 + 1))).isNull();
        assertThat(collect(headerOf(200 * 1024))).isNull();
    }
}
