package dev.authpack.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark measures real work: each source gives the whole header section, the pack's with its field on top. */
class MessageStreamBenchmarkTest {
    @Test
    void everySourceReadsTheWholeHeaderSection() throws Exception {
        assertThat(fields("james")).isEqualTo(16);
        assertThat(fields("oneArray")).isEqualTo(16);
        assertThat(fields("slices")).isEqualTo(17);
    }

    @Test
    void bothChecksumsCoverTheSameOctetsOfAWellFormedMessage() throws Exception {
        for (String source : new String[] {"james", "oneArray", "slices"}) {
            MessageStreamBenchmark benchmark = new MessageStreamBenchmark();
            benchmark.source = source;
            benchmark.setUp();
            long james = benchmark.checksumJamesWriteTo();
            assertThat(benchmark.checksumPackWriteTo()).as(source).isEqualTo(james);
            // the length is part of it: the whole message, not the header section alone
            assertThat(james >>> 32).as(source).isGreaterThan(10_000);
        }
    }

    private static int fields(String source) throws Exception {
        MessageStreamBenchmark benchmark = new MessageStreamBenchmark();
        benchmark.source = source;
        benchmark.setUp();
        int first = benchmark.readHeader();
        // a new stream each time: the second read gives the same
        assertThat(benchmark.readHeader()).isEqualTo(first);
        return first;
    }
}
