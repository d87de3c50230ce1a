package dev.authpack.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.bench.FullCheckFixture;
import dev.authpack.bench.FullCheckScenario;
import dev.authpack.james.MailAttributes;
import org.junit.jupiter.api.Test;

/** Every way of the label-only benchmark stores the same results on the mail, in every scenario. */
class LabelOnlySessionBenchmarkTest {
    @Test
    void theSessionPathStoresThePlainChecksResults() throws Exception {
        FullCheckFixture fixture = FullCheckFixture.create();
        for (FullCheckScenario scenario : FullCheckScenario.values()) {
            LabelOnlySessionBenchmark b = new LabelOnlySessionBenchmark();
            b.scenario = scenario;
            b.setUp(fixture);
            String plain = MailAttributes.results(b.plain()).orElseThrow().toString();
            String session = MailAttributes.results(b.session()).orElseThrow().toString();
            assertThat(session).as(scenario.name()).isEqualTo(plain).contains("dkim", "spf", "dmarc", "arc", "iprev");
            b.preventTakeOver = true;
            String noTakeOver = MailAttributes.results(b.session()).orElseThrow().toString();
            assertThat(noTakeOver).as(scenario.name() + ", no take-over").isEqualTo(plain);
        }
    }
}
