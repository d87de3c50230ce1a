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
    void theComparisonAndTheDigestsCoverTheWholeMessage() throws Exception {
        for (String source : new String[] {"james", "oneArray", "slices"}) {
            MessageStreamBenchmark benchmark = new MessageStreamBenchmark();
            benchmark.source = source;
            benchmark.setUp();
            byte[] octets = benchmark.octets();
            assertThat(octets.length).as(source).isGreaterThan(10_000);
            // the SHA-256 of the whole message, not of its header section alone
            String whole = "sha256:" + java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(octets));
            assertThat(benchmark.digestPackWriteTo()).as(source).isEqualTo(whole);
            assertThat(benchmark.digestHeldOctets()).as(source).isEqualTo(whole);
            // compared to the end: the held octets are the message's, in an array of their own
            assertThat(benchmark.compareWithHeldOctets()).as(source).isTrue();
            assertThat(benchmark.heldOctets()).as(source).isEqualTo(octets).isNotSameAs(octets);
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
