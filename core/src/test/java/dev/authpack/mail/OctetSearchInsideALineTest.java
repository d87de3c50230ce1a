package dev.authpack.mail;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OctetSearchInsideALineTest {
    @Test
    void theCases() {
        for (DelimiterInsideALineCases.Case c : DelimiterInsideALineCases.all()) {
            assertThat(OctetSearch.insideALine(c.message(), c.delimiter())).as(c.name()).isEqualTo(c.inside());
        }
    }

    @Test
    void occurrencesOverlappingALineStartOneAreNotInsideALine() {
        assertThat(insideALine("-----\nx---\n", "---")).containsExactly(7);
    }

    /** The rest of a line that starts with the close delimiter "--b--" is that line's (helper 89, s21). */
    @Test
    void theRestOfACloseDelimiterLineIsNotInsideALineButTheNextLineIs() {
        assertThat(insideALine("--b--b--b\nx--b\n--b x--b\n", "--b")).containsExactly(11, 20);
    }

    private static List<Integer> insideALine(String text, String pattern) {
        List<Integer> starts = new ArrayList<>();
        OctetSearch.eachInsideALine(text.getBytes(StandardCharsets.ISO_8859_1),
                pattern.getBytes(StandardCharsets.ISO_8859_1), start -> {
                    starts.add(start);
                    return true;
                });
        return starts;
    }
}
