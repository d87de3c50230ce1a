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

    private static void agrees(byte[] message) {
        String shown = new String(message, StandardCharsets.ISO_8859_1);
        List<List<Integer>> expected = reference(message, Integer.MAX_VALUE);
        assertEquals(expected, scanned(message, Integer.MAX_VALUE), shown);
        if (expected.size() > 1) {
            int stopAfter = expected.size() / 2;
            assertEquals(reference(message, stopAfter), scanned(message, stopAfter), shown);
        }
    }

    private static List<List<Integer>> scanned(byte[] message, int stopAfter) {
        List<List<Integer>> fields = new ArrayList<>();
        HeaderFieldScan.scan(message, f -> {
            fields.add(List.of(f.start(), f.end(), f.bodyStart(), f.lfBody(), f.lfEnd()));
            return fields.size() < stopAfter;
        });
        return fields;
    }

    private static List<List<Integer>> reference(byte[] message, int stopAfter) {
        List<List<Integer>> fields = new ArrayList<>();
        ReferenceHeaderFieldScan.scan(message, f -> {
            fields.add(List.of(f.start(), f.end(), f.bodyStart(), f.lfBody(), f.lfEnd()));
            return fields.size() < stopAfter;
        });
        return fields;
    }
}
