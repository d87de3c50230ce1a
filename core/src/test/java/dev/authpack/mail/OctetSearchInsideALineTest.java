package dev.authpack.mail;

import org.junit.jupiter.api.Test;

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
        byte[] text = "-----\nx---\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<Integer> starts = new ArrayList<>();
        OctetSearch.eachInsideALine(text, "---".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), s -> {
            starts.add(s);
            return true;
        });
        assertThat(starts).containsExactly(7);
    }

    @Test
    void theRestOfACloseDelimiterLineIsNotInsideALineButTheNextLineIs() {
        byte[] text = "--b--b--b\nx--b\n--b x--b\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<Integer> starts = new ArrayList<>();
        OctetSearch.eachInsideALine(text, "--b".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), s -> {
            starts.add(s);
            return true;
        });
        assertThat(starts).containsExactly(11, 20);
    }
}
