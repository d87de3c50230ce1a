package dev.authpack.james;

import dev.authpack.authres.MethodResult;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthpackMetricsTest {

    private static MethodResult result(String method, String result) {
        return new MethodResult(method, result, null, List.of());
    }

    @Test
    void countsPerMethodAndResultAndTimesEachCheck() {
        RecordingMetricFactory factory = new RecordingMetricFactory();
        AuthpackMetrics metrics = AuthpackMetrics.of(factory);
        AuthpackMetrics.Timing timing = metrics.startCheck();
        metrics.count(List.of(result("spf", "pass"), result("dkim", "fail"), result("dkim", "pass")));
        metrics.count(List.of(result("SPF", "pass")));
        timing.stop();
        metrics.notChecked();

        assertThat(factory.countFor("authpack.result.spf.pass")).isEqualTo(2);
        assertThat(factory.countFor("authpack.result.dkim.fail")).isEqualTo(1);
        assertThat(factory.countFor("authpack.result.dkim.pass")).isEqualTo(1);
        assertThat(factory.countFor("authpack.check.not-checked")).isEqualTo(1);
        assertThat(factory.executionTimesFor("authpack.check")).hasSize(1);
    }

    @Test
    void aWordThatIsNoShortTokenIsCountedAsOther() {
        assertThat(AuthpackMetrics.word("temperror")).isEqualTo("temperror");
        assertThat(AuthpackMetrics.word("x.y")).isEqualTo(AuthpackMetrics.OTHER);
        assertThat(AuthpackMetrics.word("")).isEqualTo(AuthpackMetrics.OTHER);
        assertThat(AuthpackMetrics.word(null)).isEqualTo(AuthpackMetrics.OTHER);
        assertThat(AuthpackMetrics.word("a".repeat(33))).isEqualTo(AuthpackMetrics.OTHER);
        assertThat(AuthpackMetrics.word("a".repeat(32))).isEqualTo("a".repeat(32));
    }

    @Test
    void theNumberOfCountersIsBounded() {
        RecordingMetricFactory factory = new RecordingMetricFactory();
        AuthpackMetrics metrics = AuthpackMetrics.of(factory);
        List<MethodResult> many = new ArrayList<>();
        for (int i = 0; i < AuthpackMetrics.MAX_COUNTERS + 50; i++) {
            many.add(result("m" + i, "pass"));
        }
        metrics.count(many);
        assertThat(factory.countForPrefixName("authpack.result.")).hasSize(AuthpackMetrics.MAX_COUNTERS + 1);
        assertThat(factory.countFor("authpack.result.other")).isEqualTo(50);
    }

    @Test
    void withoutAMetricFactoryNothingIsRecordedAndNothingFails() {
        AuthpackMetrics.NONE.startCheck().stop();
        AuthpackMetrics.NONE.count(List.of(result("spf", "pass")));
        AuthpackMetrics.NONE.notChecked();
        assertThat(AuthpackMetrics.of(null)).isSameAs(AuthpackMetrics.NONE);
    }
}
