package dev.authpack.bench;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.internal.TagList;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus benchmark on a small corpus (its setup verifies every message with both engines and the floor), and
 * the canonicalization benchmark's operations against what they stand for.
 */
class DkimCorpusBenchmarkTest {
    private static final int SMALL_CORPUS = 6;
    private static DkimCorpusBenchmark benchmark;

    @BeforeAll
    static void setUp() {
        benchmark = new DkimCorpusBenchmark();
        benchmark.corpusSize = SMALL_CORPUS;
        benchmark.setUp();
    }

    @Test
    void everyMessageIsDistinctAndPassesInBothEnginesAndTheFloor() {
        DkimCorpusBenchmark.Cursor cursor = new DkimCorpusBenchmark.Cursor();
        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < 2 * SMALL_CORPUS; i++) {
            DkimBenchmark.expectPass(benchmark.authpack(cursor), "rsa-sha256", DkimFixture.RSA_SELECTOR);
            DkimBenchmark.expectPass(benchmark.jdkim(cursor));
            assertThat(benchmark.floor(cursor)).hasSize(32);
        }
        DkimCorpus corpus = benchmark.corpus();
        for (int i = 0; i < corpus.size(); i++) {
            byte[] m = corpus.messages().get(i);
            bodies.add(new String(m, corpus.bodyOffsets()[i], m.length - corpus.bodyOffsets()[i],
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(m.length).isBetween(DkimMessage.TARGET_OCTETS, DkimMessage.TARGET_OCTETS + 1024);
        }
        assertThat(bodies).hasSize(SMALL_CORPUS);
    }

    @Test
    void theFloorHashesTheBodyAsItIs() throws Exception {
        DkimCorpus corpus = benchmark.corpus();
        DkimCorpusBenchmark.Cursor cursor = new DkimCorpusBenchmark.Cursor();
        byte[] m = corpus.messages().get(0);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(m, corpus.bodyOffsets()[0], m.length - corpus.bodyOffsets()[0]);
        assertThat(benchmark.floor(cursor)).isEqualTo(sha256.digest());
    }

    /**
     * Simple canonicalization leaves this body (CRLF lines, one line end at the end) as it is, so its hash is the
     * plain SHA-256; the relaxed hash is the bh= our signer put in the benchmark message's signature.
     */
    @Test
    void theCanonicalizationBenchmarkHashesWhatItSays() throws Exception {
        CanonicalHashBenchmark simple = canonicalHash(Canonicalization.SIMPLE);
        RawMessage message = RawMessage.parse(simple.message());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(simple.message(), message.bodyOffset(), message.bodyLength());
        byte[] bodySha256 = sha256.digest();
        assertThat(simple.sha256Body()).isEqualTo(bodySha256);
        assertThat(simple.canonicalBody()).isEqualTo(bodySha256);

        CanonicalHashBenchmark relaxed = canonicalHash(Canonicalization.RELAXED);
        RawMessage signed = RawMessage.parse(DkimFixture.create().rsaSigned());
        String bh = TagList.parse(signed.fields("DKIM-Signature").get(0).rawValue()).get("bh");
        assertThat(relaxed.canonicalBody()).isEqualTo(Base64.getDecoder().decode(TagList.withoutSpace(bh)))
                .isNotEqualTo(bodySha256);

        sha256.update(simple.message(), 0, message.bodyOffset());
        assertThat(relaxed.sha256Header()).isEqualTo(sha256.digest());
        assertThat(relaxed.canonicalHeader()).hasSize(32).isNotEqualTo(simple.canonicalHeader());
    }

    private static CanonicalHashBenchmark canonicalHash(Canonicalization c) throws Exception {
        CanonicalHashBenchmark b = new CanonicalHashBenchmark();
        b.canonicalization = c;
        b.setUp();
        return b;
    }
}
