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
            // both the checksum of the whole message, not of its header section alone
            java.util.zip.CRC32C whole = new java.util.zip.CRC32C();
            byte[] octets = benchmark.octets();
            whole.update(octets);
            assertThat(octets.length).as(source).isGreaterThan(10_000);
            assertThat(benchmark.checksumJamesWriteTo()).as(source).isEqualTo(whole.getValue());
            assertThat(benchmark.checksumPackWriteTo()).as(source).isEqualTo(whole.getValue());
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
