package dev.authpack.bench;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimVerifier;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DKIM verification over a corpus of distinct signed messages ({@link DkimCorpus}: {@code corpusSize} variants of
 * the 10 KB newsletter, rsa-sha256, one RSA-2048 key), each operation the next message of the corpus, so no
 * message is verified twice in a row and the corpus does not fit in the CPU caches. Three benchmarks in the same
 * run:
 *
 * <ul>
 *   <li>{@code authpack}: our {@link DkimVerifier} (parse, body hash, header hash, RSA, result);</li>
 *   <li>{@code jdkim}: jDKIM 0.3 ({@link DKIMVerifier}, what James 3.8.1 ships) on the same messages;</li>
 *   <li>{@code floor}: the crypto floor, the work no verifier can skip: the SHA-256 of the message's body as it
 *       is (no canonicalization) and one RSA-2048 verification of its signature over its header data (computed
 *       at setup), with the JDK's {@code SHA256withRSA}.</li>
 * </ul>
 *
 * {@code authpack ÷ floor} says how close to the floor the verifier is. Run by hand: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DkimCorpusBenchmark {

    @Param("1000")
    public int corpusSize;

    private DkimCorpus corpus;
    private DkimVerifier authpack;
    private DKIMVerifier jdkim;

    /** Each thread walks the corpus on its own, with its own digest and signature objects for the floor. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;
        final MessageDigest sha256 = sha256();
        final Signature rsa = rsaSha256();

        int next(int size) {
            int i = next;
            next = i + 1 == size ? 0 : i + 1;
            return i;
        }
    }

    /** Signs the corpus, and refuses to measure an engine that does not pass every message of it. */
    @Setup(Level.Trial)
    public void setUp() {
        corpus = DkimCorpus.create(corpusSize);
        authpack = new DkimVerifier(new AuthpackMemoryDnsResolver(corpus.zone()));
        jdkim = new DKIMVerifier(new JdkimMemoryKeyRetriever(corpus.zone()));
        Cursor cursor = new Cursor();
        for (int i = 0; i < corpusSize; i++) {
            DkimBenchmark.expectPass(authpack(cursor), "rsa-sha256", DkimFixture.RSA_SELECTOR);
        }
        for (int i = 0; i < corpusSize; i++) {
            DkimBenchmark.expectPass(jdkim(cursor));
        }
        for (int i = 0; i < corpusSize; i++) {
            if (floor(cursor) == null) {
                throw new IllegalStateException("the floor's RSA verification failed for message " + i);
            }
        }
    }

    @Benchmark
    public DkimReport authpack(Cursor cursor) {
        return authpack.verify(corpus.messages().get(cursor.next(corpusSize))).join();
    }

    @Benchmark
    public List<SignatureRecord> jdkim(Cursor cursor) {
        byte[] message = corpus.messages().get(cursor.next(corpusSize));
        try {
            return jdkim.verify(new ByteArrayInputStream(message));
        } catch (IOException | FailException e) {
            throw new IllegalStateException("jDKIM did not verify the message: " + e, e);
        }
    }

    /** The body's SHA-256 (returned) and the RSA verification; null when the signature does not verify. */
    @Benchmark
    public byte[] floor(Cursor cursor) {
        int i = cursor.next(corpusSize);
        byte[] message = corpus.messages().get(i);
        int bodyOffset = corpus.bodyOffsets()[i];
        cursor.sha256.update(message, bodyOffset, message.length - bodyOffset);
        byte[] bodyHash = cursor.sha256.digest();
        try {
            cursor.rsa.initVerify(corpus.publicKey());
            cursor.rsa.update(corpus.headerData().get(i));
            return cursor.rsa.verify(corpus.signatures().get(i)) ? bodyHash : null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    DkimCorpus corpus() {
        return corpus;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Signature rsaSha256() {
        try {
            return Signature.getInstance("SHA256withRSA");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
