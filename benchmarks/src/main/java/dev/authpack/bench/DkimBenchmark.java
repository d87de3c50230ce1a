package dev.authpack.bench;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimVerifier;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DKIM verification of a 10 KB message ({@link DkimMessage}) with its key already at hand, our verifier and jDKIM
 * side by side in the same run. One operation = one whole message verified from its bytes (parsing, body hash,
 * header hash, public-key operation, result). Run by hand, never by the build: see docs/benchmarks.md.
 *
 * <ul>
 *   <li>{@code authpackRsa2048}: our {@link DkimVerifier} on the message signed rsa-sha256 with a 2048-bit key;</li>
 *   <li>{@code authpackEd25519}: the same verifier on the message signed ed25519-sha256;</li>
 *   <li>{@code jdkimRsa2048}: jDKIM 0.3 ({@link DKIMVerifier}, what James 3.8.1 ships) on the rsa-sha256 message
 *       (jDKIM has no Ed25519).</li>
 * </ul>
 *
 * Both engines get the key record from memory: ours through a {@link dev.authpack.dns.DnsResolver} answering
 * completed futures ({@link AuthpackMemoryDnsResolver}), jDKIM through a {@link JdkimMemoryKeyRetriever}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DkimBenchmark {

    private DkimFixture fixture;
    private DkimVerifier authpack;
    private DKIMVerifier jdkim;

    /** Makes keys and signed messages, and refuses to measure a verifier that does not report pass. */
    @Setup(Level.Trial)
    public void setUp() {
        fixture = DkimFixture.create();
        authpack = new DkimVerifier(new AuthpackMemoryDnsResolver(fixture.zone()));
        jdkim = new DKIMVerifier(new JdkimMemoryKeyRetriever(fixture.zone()));

        expectPass(authpackRsa2048(), "rsa-sha256", DkimFixture.RSA_SELECTOR);
        expectPass(authpackEd25519(), "ed25519-sha256", DkimFixture.ED25519_SELECTOR);
        expectPass(jdkimRsa2048());
    }

    @Benchmark
    public DkimReport authpackRsa2048() {
        return authpack.verify(fixture.rsaSigned()).join();
    }

    @Benchmark
    public DkimReport authpackEd25519() {
        return authpack.verify(fixture.ed25519Signed()).join();
    }

    @Benchmark
    public List<SignatureRecord> jdkimRsa2048() {
        try {
            return jdkim.verify(new ByteArrayInputStream(fixture.rsaSigned()));
        } catch (IOException | FailException e) {
            throw new IllegalStateException("jDKIM did not verify the message: " + e, e);
        }
    }

    DkimFixture fixture() {
        return fixture;
    }

    /** Our verifier must report exactly one signature, passed, of the expected algorithm and selector. */
    static void expectPass(DkimReport report, String algorithm, String selector) {
        List<DkimResult> results = report.results();
        if (report.error() != null || results.size() != 1 || !results.get(0).passed()
                || !algorithm.equals(results.get(0).algorithm()) || !selector.equals(results.get(0).selector())
                || !DkimFixture.DOMAIN.equals(results.get(0).domain())) {
            throw new IllegalStateException("expected one " + algorithm + " pass (s=" + selector + "), got "
                    + report.results());
        }
    }

    /** jDKIM returns the signatures that verified (and throws when none did): exactly ours must be there. */
    static void expectPass(List<SignatureRecord> verified) {
        if (verified == null || verified.size() != 1
                || !DkimFixture.DOMAIN.contentEquals(verified.get(0).getDToken())
                || !DkimFixture.RSA_SELECTOR.contentEquals(verified.get(0).getSelector())) {
            throw new IllegalStateException("expected jDKIM to verify the rsa-sha256 signature, got " + verified);
        }
    }
}
