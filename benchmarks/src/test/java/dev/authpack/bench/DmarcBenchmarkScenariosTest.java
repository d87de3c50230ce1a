package dev.authpack.bench;

import dev.authpack.dmarc.DmarcResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs each DMARC benchmark scenario once through the benchmark class itself (its setup refuses a wrong verdict
 * and a cache that is not warm), so a scenario that would measure the wrong thing breaks the build.
 */
class DmarcBenchmarkScenariosTest {
    private static DmarcFixture fixture;

    @BeforeAll
    static void makeData() {
        fixture = DmarcFixture.create();
    }

    private static DmarcBenchmark benchmark(DmarcScenario scenario) {
        DmarcBenchmark b = new DmarcBenchmark();
        b.scenario = scenario;
        b.setUp(fixture);
        return b;
    }

    @ParameterizedTest
    @EnumSource(DmarcScenario.class)
    void bothVariantsGiveTheExpectedVerdictAndTheCachedOneStaysWarm(DmarcScenario scenario) {
        DmarcBenchmark b = benchmark(scenario);
        long misses = b.cacheMisses();
        for (DmarcResult r : new DmarcResult[] {b.authpack(), b.authpackCached()}) {
            assertThat(r.status()).as(r.reason()).isEqualTo(scenario.status());
            assertThat(r.disposition()).isEqualTo(scenario.disposition());
            assertThat(r.mode()).isEqualTo(scenario.mode());
        }
        assertThat(b.cacheMisses()).isEqualTo(misses);
    }

    @ParameterizedTest
    @EnumSource(value = DmarcScenario.class, names = {"SUBDOMAIN_RELAXED_PASS", "NONEXISTENT_SUBDOMAIN_FAIL"})
    void subdomainScenariosTakeTheRecordOfTheOrganizationalDomain(DmarcScenario scenario) {
        DmarcResult r = benchmark(scenario).authpack();
        assertThat(r.policyDomain()).isEqualTo("example.com");
        assertThat(r.fromDomain()).isNotEqualTo("example.com").endsWith(".example.com");
    }

    @ParameterizedTest
    @EnumSource(value = DmarcScenario.class, names = {"ALIGNED_PASS", "SUBDOMAIN_RELAXED_PASS", "RFC7489_PSL_PASS"})
    void passingScenariosAlignThroughDkim(DmarcScenario scenario) {
        assertThat(benchmark(scenario).authpack().dkimAligned()).isTrue();
    }

    @Test
    void aWrongExpectationStopsTheSetup() {
        // the same data with the wrong From domain's verdict: the setup must refuse to measure
        DmarcFixture swapped = new DmarcFixture(fixture.zone(), Map.of(
                DmarcScenario.ALIGNED_PASS, fixture.inputs().get(DmarcScenario.UNALIGNED_FAIL_REJECT)));
        DmarcBenchmark b = new DmarcBenchmark();
        b.scenario = DmarcScenario.ALIGNED_PASS;
        assertThatThrownBy(() -> b.setUp(swapped)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("meaningless");
    }
}
