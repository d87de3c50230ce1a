package dev.authpack.bench;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsResolvers;
import dev.authpack.dns.DnsSettings;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Latency of a cold DNS lookup (a name never asked before, so the cache misses and a query goes out) through the
 * production resolver ({@link DnsResolvers#create}: cache in front of the network client) against a real DNS
 * server on loopback in the same JVM, 16 threads asking at once. SampleTime mode: JMH reports the percentiles
 * (p50, p99, p99.9, max) of single lookups. Run by hand: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(DnsLatencyBenchmark.THREADS)
public class DnsLatencyBenchmark {

    /** Concurrent lookups. */
    static final int THREADS = 16;
    /** Every name below this zone has an A record (a wildcard), so every lookup is a cold hit. */
    static final String ZONE = "bench.test";
    static final String ZONE_TEXT = "$ORIGIN " + ZONE + ".\n"
            + "@ 300 IN SOA ns." + ZONE + ". hostmaster." + ZONE + ". 1 3600 600 86400 300\n"
            + "* 300 IN A 192.0.2.1\n";
    /** The resolver's budget per question: long enough that no sample is a timeout. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    static final int MAX_THINK_NANOS = 999_999;
    static final int MAX_THINK_MILLIS = 5;

    private final AtomicLong counter = new AtomicLong();
    private LoopbackDnsServer server;
    private DnsResolver resolver;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = LoopbackDnsServer.start(ZONE_TEXT);
        resolver = DnsResolvers.create(DnsSettings.defaults().withServers(List.of(server.address()))
                .withTimeout(TIMEOUT));
        coldLookup(); // refuses to measure a resolver that does not get the answer
    }

    /**
     * Think time between lookups (outside the measured time): lookups arrive at random moments, as in a mail
     * server, instead of back to back, so the resolver's I/O thread also sees idle moments.
     */
    @Setup(Level.Invocation)
    public void think() throws InterruptedException {
        Thread.sleep(0, ThreadLocalRandom.current().nextInt(MAX_THINK_NANOS));
        if (ThreadLocalRandom.current().nextInt(4) == 0) {
            Thread.sleep(ThreadLocalRandom.current().nextInt(MAX_THINK_MILLIS));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    /**
     * 16 cold lookups started at once by one thread (as one message's checks start them) and awaited: the
     * sample is the slowest of the 16, i.e. the latency of a cold lookup among 16 concurrent queries.
     */
    @Benchmark
    @Threads(1)
    public int burst() {
        List<CompletableFuture<DnsLookup<InetAddress>>> pending = new ArrayList<>(THREADS);
        for (int i = 0; i < THREADS; i++) {
            pending.add(resolver.a(freshName()));
        }
        int records = 0;
        for (CompletableFuture<DnsLookup<InetAddress>> f : pending) {
            records += check(f.join()).records().size();
        }
        return records;
    }

    /** One A lookup of a name never asked before (16 threads at once); throws unless the answer has the record. */
    @Benchmark
    public DnsLookup<InetAddress> coldLookup() {
        return check(resolver.a(freshName()).join());
    }

    private String freshName() {
        return "n" + counter.incrementAndGet() + "." + ZONE;
    }

    private static DnsLookup<InetAddress> check(DnsLookup<InetAddress> lookup) {
        if (!lookup.hasRecords()) {
            throw new IllegalStateException("no A record for " + lookup.name() + ": " + lookup.outcome() + " "
                    + lookup.detail());
        }
        return lookup;
    }
}
