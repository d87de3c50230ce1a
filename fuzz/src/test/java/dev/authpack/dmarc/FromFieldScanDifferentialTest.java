package dev.authpack.dmarc;

import dev.authpack.fuzz.HostileHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FromFieldScan} reads exactly what {@link ReferenceFromFieldScan} (the scanner before its line walking was
 * shared, with the readings added since written its own naive way) reads, on the whole fuzz corpus, on
 * {@value HostileHeaders#RANDOM_SECTIONS} random hostile header sections and on
 * {@value HostileHeaders#FIRST_LINE_BARE_LF_MESSAGES} messages of From fields whose first line ends with a bare LF
 * and later lines mostly with CR LF (review s17 L2: a CRLF-only reader reads those whatever the first line ends
 * with), and on {@value HostileHeaders#BARE_LF_LONE_CR_MESSAGES} messages without a CR LF whose names and lines
 * hold lone CRs (review s18: an LF-only reader's From fields): the same From values, possible continuations and completeness, with the default bound and with a random
 * bound on the octets scanned (to reach every way a line can cross it). Each test counts the inputs that disagree
 * and reports the first.
 */
class FromFieldScanDifferentialTest {

    @Test
    void agreesWithTheReferenceOnTheFuzzCorpus() {
        List<byte[]> corpus = HostileHeaders.corpus();
        assertTrue(corpus.size() > 1000, "corpus read: " + corpus.size());
        agreeOnEach(corpus, new Random(0x5eed_0011L));
    }

    @Test
    void agreesWithTheReferenceOnRandomHostileHeaderSections() {
        agreeOnEach(HostileHeaders.random(0x5eed_0013L), new Random(0x5eed_0012L));
    }

    /** Review s17 L2: From fields after a first line ending with a bare LF, later lines mostly with CRLF. */
    @Test
    void agreesWithTheReferenceOnMessagesWhoseFirstLineEndsWithABareLf() {
        agreeOnEach(HostileHeaders.firstLineBareLfFrom(0x5eed_0018L), new Random(0x5eed_0019L));
    }

    /** Review s18: messages without a CR LF, names split by a lone CR, which an LF-only reader joins. */
    @Test
    void agreesWithTheReferenceOnBareLfMessagesWithLoneCrs() {
        agreeOnEach(HostileHeaders.bareLfLoneCr(0x5eed_0020L), new Random(0x5eed_0021L));
    }

    /**
     * Review s18: From fields of each reading (CRLF-only, LF-only over a lone CR in the name, javax.mail's with its
     * joined reading) whose value ends a little before, at or a little after {@code MAX_FROM_BYTES} octets: past it
     * the scan is incomplete.
     */
    @Test
    void agreesWithTheReferenceAtTheValueWindow() {
        List<byte[]> messages = new ArrayList<>();
        for (String name : List.of("Subject: s\r\nFrom\n:", "Subject: s\nFr\rom:", "Subject: s\nFrom:",
                "Subject: s\r\nFrom:", "From\r:")) {
            for (String unit : List.of("x\n", "x\n ", "x\r", "x\r\n ")) {
                String units = unit.repeat(FromFieldScan.MAX_FROM_BYTES / unit.length() + 2);
                for (int length = FromFieldScan.MAX_FROM_BYTES - 1; length <= FromFieldScan.MAX_FROM_BYTES + 1;
                        length++) {
                    for (String end : List.of("\r\n\r\n", "\n\n", "\r\n x\r\n\r\n")) {
                        messages.add((name + units.substring(0, length) + end).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        agreeOnEach(messages, new Random(0x5eed_0022L));
    }

    /** Every message checked; fails with how many disagreed, and the first. */
    private static void agreeOnEach(List<byte[]> messages, Random random) {
        HostileHeaders.checkEach(messages, "disagree", message -> agrees(message, random));
    }

    private static void agrees(byte[] message, Random random) {
        String shown = new String(message, StandardCharsets.ISO_8859_1);
        // the bound is drawn first, so that every input gets the same one whatever the others gave
        int bound = random.nextInt(message.length + 2);
        assertSame(ReferenceFromFieldScan.of(message), FromFieldScan.of(message), shown);
        assertSame(ReferenceFromFieldScan.of(message, bound), FromFieldScan.of(message, bound),
                shown + " bound " + bound);
    }

    private static void assertSame(ReferenceFromFieldScan expected, FromFieldScan actual, String shown) {
        assertEquals(expected.values(), actual.values(), shown);
        assertEquals(expected.possibleContinuations(), actual.possibleContinuations(), shown);
        assertEquals(expected.complete(), actual.complete(), shown);
    }
}
