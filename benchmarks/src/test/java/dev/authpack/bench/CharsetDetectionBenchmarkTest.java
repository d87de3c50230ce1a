package dev.authpack.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark measures real work: every text of every size is detected right (the setup throws otherwise). */
class CharsetDetectionBenchmarkTest {
    @Test
    void everyTextOfEverySizeIsDetectedRight() {
        for (int size : new int[] {100, 1000, 5000}) {
            CharsetDetectionBenchmark benchmark = new CharsetDetectionBenchmark();
            benchmark.size = size;
            benchmark.setUp();
            assertThat(benchmark.meanBytes()).isBetween(size * 0.9, (double) size);
            for (int i = 0; i < 2 * CharsetDetectionBenchmark.TEXTS.length; i++) {
                assertThat(benchmark.detect().confidence()).isBetween(1, 100);
            }
        }
    }
}
