package dev.authpack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipelining benchmark measures what it says: the session's report is the plain check's, for each scenario. */
class SessionPipelineBenchmarkTest {
    private static FullCheckFixture fixture;

    @BeforeAll
    static void makeData() {
        fixture = FullCheckFixture.create();
    }

    @Test
    void bothWaysGiveTheSameReportInEveryScenario() {
        for (FullCheckScenario scenario : FullCheckScenario.values()) {
          for (String arc : new String[] {"kept", "removed"}) {
            SessionPipelineBenchmark b = new SessionPipelineBenchmark();
            b.scenario = scenario;
            b.arc = arc;
            b.setUp(fixture);     // throws when the reports differ
            b.end();
            b.begin();
            String results = b.pipelined().methodResults().toString();
            b.end();
            assertThat(results).as(scenario.name()).contains("dkim", "spf", "dmarc", "arc", "iprev");
            // DIRECT has no ARC set to keep
            boolean sealed = arc.equals("kept") && scenario.relayed();
            assertThat(results).as(scenario + " " + arc).contains(sealed ? "method=arc, result=pass" : "method=arc, result=none");
          }
        }
    }
}
