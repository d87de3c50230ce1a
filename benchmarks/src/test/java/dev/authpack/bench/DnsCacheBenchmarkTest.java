package dev.authpack.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache benchmark's operation answers every name from the warm cache, on either variant. */
class DnsCacheBenchmarkTest {
    @Test
    void everyLookupIsAHitWithItsRecord() {
        DnsCacheBenchmark benchmark = new DnsCacheBenchmark();
        benchmark.setUp();
        long misses = benchmark.misses();
        assertThat(benchmark.oneThread()).isEqualTo(DnsCacheBenchmark.NAMES);
        assertThat(benchmark.twoThreads()).isEqualTo(DnsCacheBenchmark.NAMES);
        assertThat(benchmark.misses()).isEqualTo(misses);
        assertThat(benchmark.names()).hasSize(DnsCacheBenchmark.NAMES).doesNotHaveDuplicates();
    }
}
