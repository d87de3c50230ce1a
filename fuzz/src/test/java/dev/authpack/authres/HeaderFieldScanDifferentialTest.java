package dev.authpack.authres;

import dev.authpack.fuzz.HostileHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HeaderFieldScan} finds exactly the fields {@link ReferenceHeaderFieldScan} (the scanner before its line
 * walking was shared) finds, on the whole fuzz corpus and on {@value HostileHeaders#RANDOM_SECTIONS} random hostile
 * header sections: the same fields, the same ends in both readings, the same bodies, and it stops where the visitor
 * says.
 */
class HeaderFieldScanDifferentialTest {

    @Test
    void agreesWithTheReferenceOnTheFuzzCorpus() {
        List<byte[]> corpus = HostileHeaders.corpus();
        assertTrue(corpus.size() > 1000, "corpus read: " + corpus.size());
        corpus.forEach(HeaderFieldScanDifferentialTest::agrees);
    }

    @Test
    void agreesWithTheReferenceOnRandomHostileHeaderSections() {
        HostileHeaders.random(0x5eed_0010L).forEach(HeaderFieldScanDifferentialTest::agrees);
    }

    /** Review s18: messages without a CR LF, names split by a lone CR. */
    @Test
    void agreesWithTheReferenceOnBareLfMessagesWithLoneCrs() {
        HostileHeaders.bareLfLoneCr(0x5eed_0022L).forEach(HeaderFieldScanDifferentialTest::agrees);
    }

    private static void agrees(byte[] message) {
        String shown = new String(message, StandardCharsets.ISO_8859_1);
        List<List<Integer>> expected = fields(message, Integer.MAX_VALUE, true);
        assertEquals(expected, fields(message, Integer.MAX_VALUE, false), shown);
        if (expected.size() > 1) {
            int stopAfter = expected.size() / 2;
            assertEquals(fields(message, stopAfter, true), fields(message, stopAfter, false), shown);
        }
    }

    /** The fields the scanner (or the reference) visits, stopping after {@code stopAfter}. */
    private static List<List<Integer>> fields(byte[] message, int stopAfter, boolean reference) {
        List<List<Integer>> fields = new ArrayList<>();
        if (reference) {
            ReferenceHeaderFieldScan.scan(message,
                    f -> keep(fields, stopAfter, f.start(), f.end(), f.bodyStart(), f.lfBody(), f.lfEnd()));
        } else {
            HeaderFieldScan.scan(message,
                    f -> keep(fields, stopAfter, f.start(), f.end(), f.bodyStart(), f.lfBody(), f.lfEnd()));
        }
        return fields;
    }

    private static boolean keep(List<List<Integer>> fields, int stopAfter, Integer... field) {
        fields.add(List.of(field));
        return fields.size() < stopAfter;
    }
}
