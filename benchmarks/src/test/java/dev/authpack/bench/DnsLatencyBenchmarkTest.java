package dev.authpack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.dns.DnsOutcome;
import org.junit.jupiter.api.Test;

/** The benchmark's lookups succeed (its setup also refuses a resolver that does not get the answer). */
class DnsLatencyBenchmarkTest {

    @Test
    void everyColdLookupGetsTheWildcardRecord() throws Exception {
        DnsLatencyBenchmark benchmark = new DnsLatencyBenchmark();
        benchmark.setUp();
        try {
            assertThat(benchmark.coldLookup().outcome()).isEqualTo(DnsOutcome.RECORDS);
            assertThat(benchmark.coldLookup().name()).isNotEqualTo(benchmark.coldLookup().name());
        } finally {
            benchmark.tearDown();
        }
    }
}
