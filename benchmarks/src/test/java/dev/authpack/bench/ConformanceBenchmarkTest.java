package dev.authpack.bench;

import dev.authpack.conformance.ConformanceChecker;
import dev.authpack.conformance.ConformanceIssue;
import dev.authpack.conformance.ConformanceOutcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark measures what it says: a clean 10 KB message with no issue, a dirty one rebuilt clean. */
class ConformanceBenchmarkTest {
    @Test
    void cleanIsCleanAndDirtyIsRebuiltClean() throws Exception {
        ConformanceBenchmark benchmark = new ConformanceBenchmark();
        benchmark.setUp();
        assertThat(ConformanceBenchmark.cleanMessage().length).isBetween(9 * 1024, 11 * 1024);
        assertThat(ConformanceBenchmark.dirtyMessage().length).isBetween(9 * 1024, 11 * 1024);
        assertThat(benchmark.check().issues()).isEmpty();
        assertThat(benchmark.check().complete()).isTrue();
        assertThat(new ConformanceChecker().check(ConformanceBenchmark.dirtyMessage()).issues()).contains(
                ConformanceIssue.NON_CANONICAL_LINE_ENDINGS, ConformanceIssue.LINE_TOO_LONG,
                ConformanceIssue.NEEDS_TRANSFER_ENCODING, ConformanceIssue.MISSING_MESSAGE_ID_HEADER);
        ConformanceOutcome outcome = benchmark.rebuild();
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Repaired.class);
        ConformanceOutcome.Repaired repaired = (ConformanceOutcome.Repaired) outcome;
        assertThat(repaired.rebuilt()).isTrue();
        assertThat(repaired.remaining()).isEmpty();
        assertThat(new ConformanceChecker().check(repaired.message()).issues()).isEmpty();
        assertThat(benchmark.javaxMailReference()).isGreaterThan(8 * 1024);
    }
}
