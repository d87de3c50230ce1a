package dev.authpack.dmarc;

import dev.authpack.fuzz.HostileHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FromFieldScan} reads exactly what {@link ReferenceFromFieldScan} (the scanner before its line walking was
 * shared) reads, on the whole fuzz corpus and on {@value HostileHeaders#RANDOM_SECTIONS} random hostile header
 * sections: the same From values, possible continuations and completeness, with the default bound and with a
 * random bound on the octets scanned (to reach every way a line can cross it).
 */
class FromFieldScanDifferentialTest {

    @Test
    void agreesWithTheReferenceOnTheFuzzCorpus() {
        List<byte[]> corpus = HostileHeaders.corpus();
        assertTrue(corpus.size() > 1000, "corpus read: " + corpus.size());
        Random random = new Random(0x5eed_0011L);
        corpus.forEach(message -> agrees(message, random));
    }

    @Test
    void agreesWithTheReferenceOnRandomHostileHeaderSections() {
        Random random = new Random(0x5eed_0012L);
        HostileHeaders.random(0x5eed_0013L).forEach(message -> agrees(message, random));
    }

    private static void agrees(byte[] message, Random random) {
        String shown = new String(message, StandardCharsets.ISO_8859_1);
        assertSame(ReferenceFromFieldScan.of(message), FromFieldScan.of(message), shown);
        int bound = random.nextInt(message.length + 2);
        assertSame(ReferenceFromFieldScan.of(message, bound), FromFieldScan.of(message, bound), shown + " bound " + bound);
    }

    private static void assertSame(ReferenceFromFieldScan expected, FromFieldScan actual, String shown) {
        assertEquals(expected.values(), actual.values(), shown);
        assertEquals(expected.possibleContinuations(), actual.possibleContinuations(), shown);
        assertEquals(expected.complete(), actual.complete(), shown);
    }
}
