package dev.authpack.bench;

import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.dns.DnsLookup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Warm hits in our {@link CachingDnsResolver}, shared by one thread and by two: whether the cache itself lets two
 * spool threads look up at once. One operation = {@value #NAMES} TXT lookups of distinct names, all cached (the
 * mix a full check makes: keys, SPF and DMARC records). {@code twoThreads ÷ oneThread} near 2 means no contention.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DnsCacheBenchmark {
    static final int NAMES = 8;

    private CachingDnsResolver cache;
    private String[] names;

    @Setup(Level.Trial)
    public void setUp() {
        MemoryZone.Builder zone = MemoryZone.builder();
        names = new String[NAMES];
        for (int i = 0; i < NAMES; i++) {
            names[i] = "name" + i + ".example.com";
            zone.txt(names[i], "v=spf1 ip4:192.0.2." + i + " -all");
        }
        cache = new CachingDnsResolver(new WarmZoneDnsResolver(zone.build(), Map.of()));
        lookUp();
        long misses = cache.misses();
        lookUp();
        if (cache.misses() != misses || cache.hits() < NAMES) {
            throw new IllegalStateException("the cache is not warm: " + cache.misses() + " misses");
        }
    }

    int lookUp() {
        int records = 0;
        for (String name : names) {
            DnsLookup<String> answer = cache.txt(name).join();
            records += answer.records().size();
        }
        return records;
    }

    @Benchmark
    @Threads(1)
    public int oneThread() {
        return lookUp();
    }

    @Benchmark
    @Threads(2)
    public int twoThreads() {
        return lookUp();
    }

    long misses() {
        return cache.misses();
    }

    List<String> names() {
        return List.of(names);
    }
}
