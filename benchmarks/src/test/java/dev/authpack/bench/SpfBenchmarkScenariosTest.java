package dev.authpack.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark scenario once per engine, through the benchmark class itself (its setup also refuses a
 * wrong answer), so a benchmark that would measure a wrong result breaks the build instead of reporting numbers.
 */
class SpfBenchmarkScenariosTest {

    @ParameterizedTest
    @EnumSource(SpfScenario.class)
    void ourEngineGivesTheExpectedResult(SpfScenario scenario) {
        SpfBenchmark benchmark = prepared(scenario);

        assertThat(benchmark.authpack().word()).isEqualTo(scenario.expected());
    }

    @ParameterizedTest
    @EnumSource(SpfScenario.class)
    void ourEngineOverTheWarmCacheGivesTheExpectedResultWithoutAnyLookupMissingTheCache(SpfScenario scenario) {
        SpfBenchmark benchmark = prepared(scenario);
        long misses = benchmark.cacheMisses();

        assertThat(benchmark.authpackCached().word()).isEqualTo(scenario.expected());
        assertThat(benchmark.cacheMisses()).isEqualTo(misses);
    }

    @ParameterizedTest
    @EnumSource(SpfScenario.class)
    void jspfGivesTheExpectedResult(SpfScenario scenario) {
        SpfBenchmark benchmark = prepared(scenario);

        assertThat(benchmark.jspf()).isEqualTo(scenario.expected());
    }

    private static SpfBenchmark prepared(SpfScenario scenario) {
        SpfBenchmark benchmark = new SpfBenchmark();
        benchmark.scenario = scenario;
        benchmark.setUp();
        return benchmark;
    }
}
