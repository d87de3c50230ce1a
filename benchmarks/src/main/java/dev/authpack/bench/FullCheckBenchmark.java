package dev.authpack.bench;

import dev.authpack.arc.ArcStatus;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.spf.SpfStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the {@code MailAuthCheck} mailet does per message, minus James: core's {@link MailAuthChecker} with every
 * check on (DKIM, SPF for MAIL FROM and HELO, iprev, SMTP AUTH, DMARC after SPF and DKIM, ARC, the trusted-sealer
 * override), wired as the mailet wires it, over our real {@link CachingDnsResolver} warmed before measurement,
 * then the {@code Authentication-Results} field built from the results. One operation = one message of about
 * 13 KB, with one DKIM signature and one ARC set, or the 10.8 KB signed message straight from its author's server
 * ({@link FullCheckScenario#DIRECT}; {@link FullCheckFixture}). Run by hand, never by the build: see
 * docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FullCheckBenchmark {

    @Param
    public FullCheckScenario scenario;

    private FullCheckFixture fixture;
    private byte[] message;
    private Envelope envelope;
    private CheckOptions options;
    private MailAuthChecker checker;
    private CachingDnsResolver cache;
    private DkimVerifier dkimAlone;

    /** Builds the data and the checker, warms the cache, and refuses to measure wrong results. */
    @Setup(Level.Trial)
    public void setUp() {
        setUp(FullCheckFixture.create());
    }

    void setUp(FullCheckFixture data) {
        fixture = data;
        message = data.messages().get(scenario);
        envelope = FullCheckFixture.envelope(scenario);
        options = FullCheckFixture.options();
        cache = new CachingDnsResolver(new WarmZoneDnsResolver(data.zone(), data.ptr()));
        checker = FullCheckFixture.checker(cache);
        dkimAlone = FullCheckFixture.dkimVerifier(cache);

        expect(check());
        long missesWhenWarm = cache.misses();
        expect(check());
        expectDkim(dkimAlone());
        if (cache.misses() != missesWhenWarm) {
            throw new IllegalStateException("the cache is not warm after one check of " + scenario + ": "
                    + (cache.misses() - missesWhenWarm) + " lookups missed it");
        }
    }

    /** One message checked and its Authentication-Results field written, as the mailet does. */
    @Benchmark
    public String mailAuthCheck() {
        AuthCheckReport report = check();
        return AuthResultsWriter.headerField(FullCheckFixture.AUTHSERV_ID, report.methodResults());
    }

    /**
     * {@link #mailAuthCheck} on exactly one thread, whatever {@code -t} says: the base of the multi-core ratio
     * ({@code twoThreads ÷ oneThread}, both in the same run).
     */
    @Benchmark
    @Threads(1)
    public String oneThread() {
        return mailAuthCheck();
    }

    /**
     * {@link #mailAuthCheck} on two threads sharing the one checker, as two spool threads share the mailet's
     * engine: the same {@link CachingDnsResolver}, key record cache and SPF record cache.
     */
    @Benchmark
    @Threads(2)
    public String twoThreads() {
        return mailAuthCheck();
    }

    /**
     * The DKIM part of {@link #mailAuthCheck} alone, configured as the checker's: the message's header section
     * parsed and its signature verified over the same warm cache. {@code mailAuthCheck - dkimAlone} (as time per
     * message, same run) is what everything else in the check costs.
     */
    @Benchmark
    public DkimReport dkimAlone() {
        return dkimAlone.verify(message).join();
    }

    AuthCheckReport check() {
        return checker.check(envelope, message, options).join();
    }

    FullCheckFixture fixture() {
        return fixture;
    }

    long cacheMisses() {
        return cache.misses();
    }

    /** Every check must give the scenario's result, or the numbers would measure something else. */
    void expect(AuthCheckReport report) {
        boolean ok = dkimAsExpected(report.dkim().orElseThrow())
                && report.spf().orElseThrow().status() == SpfStatus.PASS
                && report.spfHelo().orElseThrow().status() == SpfStatus.PASS
                && report.iprev().orElseThrow().passed()
                && report.dmarcDisposition() == DmarcPolicy.NONE;
        if (scenario.relayed()) {
            ok &= report.arc().orElseThrow().status() == ArcStatus.PASS && report.arc().get().sets().size() == 1;
        } else {
            ok &= report.arc().orElseThrow().status() == ArcStatus.NONE && report.arc().get().sets().isEmpty();
        }
        if (scenario.modifies()) {
            ok &= report.dmarc().orElseThrow().status() == DmarcStatus.FAIL
                    && report.dmarc().get().disposition() == DmarcPolicy.REJECT
                    && report.dmarcOverride().map(o -> o.sealer().equals(scenario.intermediary())).orElse(false);
        } else {
            ok &= report.dmarc().orElseThrow().status() == DmarcStatus.PASS && report.dmarcOverride().isEmpty();
        }
        if (!ok) {
            throw new IllegalStateException("unexpected results for " + scenario + ": "
                    + AuthResultsWriter.unfolded(FullCheckFixture.AUTHSERV_ID, report.methodResults())
                    + " override=" + report.dmarcOverride() + ": the numbers would be meaningless");
        }
    }

    /** {@link #dkimAlone} must give the check's DKIM result. */
    void expectDkim(DkimReport report) {
        if (!dkimAsExpected(report)) {
            throw new IllegalStateException("unexpected DKIM result for " + scenario + ": " + report.results()
                    + ": the numbers would be meaningless");
        }
    }

    private boolean dkimAsExpected(DkimReport report) {
        List<DkimResult> dkim = report.results();
        DkimStatus want = scenario.modifies() ? DkimStatus.FAIL : DkimStatus.PASS;
        return dkim.size() == 1 && dkim.get(0).status() == want && "example.com".equals(dkim.get(0).domain());
    }
}
