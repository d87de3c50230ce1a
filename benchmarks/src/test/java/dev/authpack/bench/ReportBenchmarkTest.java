package dev.authpack.bench;

import dev.authpack.report.NotAReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One-shot correctness of {@link ReportBenchmark}'s scenarios (the benchmark itself is run by hand). */
class ReportBenchmarkTest {
    @Test
    void scenariosDoWhatTheySay() throws Exception {
        ReportBenchmark bench = new ReportBenchmark();
        bench.setUp();
        assertThat(ReportBenchmark.ordinaryMessage().length).isGreaterThanOrEqualTo(10 * 1024);
        // ordinary mail: the cheap path says "not a report" and the full parse agrees without reading the body
        assertThat(bench.matcherCheapPath()).isFalse();
        assertThat(bench.parseOrdinary()).isInstanceOfSatisfying(NotAReport.class,
                n -> assertThat(n.kind()).isEqualTo(NotAReport.Kind.ORDINARY));
        assertThat(ReportBenchmark.corpus()).hasSize(ReportBenchmark.CORPUS_SIZE);
        bench.parseCorpus();
    }
}
