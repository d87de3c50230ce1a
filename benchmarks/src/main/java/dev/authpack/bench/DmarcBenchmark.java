package dev.authpack.bench;

import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dns.CachingDnsResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * DMARC evaluation of one message whose SPF and DKIM results are already in (what {@code MailAuthChecker} does
 * after those two checks), every DNS answer at hand. One operation = record discovery (tree walk or PSL),
 * alignment, policy selection and the result. Run by hand, never by the build: see docs/benchmarks.md.
 *
 * <ul>
 *   <li>{@code authpack}: our {@link DmarcEvaluator} over a resolver answering completed futures from memory;</li>
 *   <li>{@code authpackCached}: the same over our real {@link CachingDnsResolver} in front of it, warmed before
 *       measurement (the setup fails if a measured lookup misses the cache): the production path once warm.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DmarcBenchmark {

    @Param
    public DmarcScenario scenario;

    private DmarcFixture.Input input;
    private DmarcEvaluator authpack;
    private DmarcEvaluator authpackCached;
    private CachingDnsResolver cache;

    /** Builds the data and the evaluators, warms the cache, and refuses to measure a wrong verdict. */
    @Setup(Level.Trial)
    public void setUp() {
        setUp(DmarcFixture.create());
    }

    void setUp(DmarcFixture fixture) {
        input = fixture.inputs().get(scenario);
        DmarcOptions options = DmarcOptions.DEFAULT.withMode(scenario.mode());
        WarmZoneDnsResolver memory = new WarmZoneDnsResolver(fixture.zone(), Map.of());
        authpack = new DmarcEvaluator(memory, options);
        cache = new CachingDnsResolver(memory);
        authpackCached = new DmarcEvaluator(cache, options);

        expect("authpack", authpack());
        expect("authpack (cold cache)", authpackCached());
        long missesWhenWarm = cache.misses();
        expect("authpack (warm cache)", authpackCached());
        if (cache.misses() != missesWhenWarm) {
            throw new IllegalStateException("the cache is not warm after one evaluation of " + scenario + ": "
                    + (cache.misses() - missesWhenWarm) + " lookups missed it");
        }
    }

    @Benchmark
    public DmarcResult authpack() {
        return authpack.evaluate(input.message(), input.spf(), input.dkim()).join();
    }

    @Benchmark
    public DmarcResult authpackCached() {
        return authpackCached.evaluate(input.message(), input.spf(), input.dkim()).join();
    }

    /** Lookups the cached variant sent past the cache. */
    long cacheMisses() {
        return cache.misses();
    }

    private void expect(String engine, DmarcResult result) {
        if (result.status() != scenario.status() || result.disposition() != scenario.disposition()) {
            throw new IllegalStateException(engine + " gives dmarc=" + result.status().word() + " disposition "
                    + result.disposition().word() + " for " + scenario + " (" + result.reason() + "), expected "
                    + scenario.status().word() + "/" + scenario.disposition().word()
                    + ": its numbers would be meaningless");
        }
    }
}
