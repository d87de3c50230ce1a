package dev.authpack.bench;

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

import java.util.concurrent.TimeUnit;

/**
 * SPF evaluation of one MAIL FROM with every DNS answer already at hand (the warm-cache case), our engine and
 * jSPF side by side over the same DNS data. Run by hand, never by the build: see docs/benchmarks.md.
 *
 * <ul>
 *   <li>{@code authpack}: our engine over a resolver answering completed futures from memory;</li>
 *   <li>{@code authpackCached}: our engine over our real {@link CachingDnsResolver} (in front of that memory
 *       resolver), warmed before measurement, so every lookup is a cache hit: what production sees when warm;</li>
 *   <li>{@code jspf}: jSPF 1.0.3, wired as James 3.8.1's SPF mailet wires it, its DNS answered from memory.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpfBenchmark {

    @Param
    public SpfScenario scenario;

    private AuthpackEngine authpack;
    private AuthpackEngine authpackCached;
    private CachingDnsResolver cache;
    private JspfEngine jspf;

    /**
     * Builds the engines, warms the cache, and refuses to measure an engine that does not give the expected
     * result (a broken benchmark must not report numbers).
     */
    @Setup(Level.Trial)
    public void setUp() {
        AuthpackMemoryDnsResolver memory = new AuthpackMemoryDnsResolver(scenario.zone());
        authpack = new AuthpackEngine(memory);
        cache = new CachingDnsResolver(memory);
        authpackCached = new AuthpackEngine(cache);
        jspf = new JspfEngine(scenario.zone());

        expect("authpack", authpack());
        expect("authpack (cold cache)", authpackCached());
        long missesWhenWarm = cache.misses();
        expect("authpack (warm cache)", authpackCached());
        if (cache.misses() != missesWhenWarm) {
            throw new IllegalStateException("the cache is not warm after one check of " + scenario + ": "
                    + (cache.misses() - missesWhenWarm) + " lookups missed it");
        }
        expect("jSPF", jspf());
    }

    @Benchmark
    public SpfStatus authpack() {
        return authpack.check(scenario);
    }

    @Benchmark
    public SpfStatus authpackCached() {
        return authpackCached.check(scenario);
    }

    @Benchmark
    public String jspf() {
        return jspf.check(scenario);
    }

    /** Lookups the warm-cache variant sent past the cache (0 once warm). */
    long cacheMisses() {
        return cache.misses();
    }

    private void expect(String engine, Object result) {
        String word = result instanceof SpfStatus spf ? spf.word() : String.valueOf(result);
        if (!scenario.expected().equals(word)) {
            throw new IllegalStateException(engine + " gives " + word + " for " + scenario + ", expected "
                    + scenario.expected() + ": its numbers would be meaningless");
        }
    }
}
