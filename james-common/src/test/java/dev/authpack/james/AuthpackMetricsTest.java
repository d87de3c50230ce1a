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
    void aResultSeenTwiceInOneMailIsOneUpdateOfItsCounter() {
        RecordingMetricFactory factory = new RecordingMetricFactory();
        List<String> updates = new ArrayList<>();
        AuthpackMetrics metrics = AuthpackMetrics.of(new CountingUpdates(factory, updates));
        // SPF for MAIL FROM and for HELO both write spf=pass
        metrics.count(List.of(result("spf", "pass"), result("dkim", "pass"), result("spf", "pass"),
                result("Spf", "PASS")));
        metrics.count(List.of(result("spf", "pass")));

        assertThat(factory.countFor("authpack.result.spf.pass")).isEqualTo(4);
        assertThat(factory.countFor("authpack.result.dkim.pass")).isEqualTo(1);
        assertThat(updates).containsExactly("authpack.result.spf.pass+3", "authpack.result.dkim.pass+1",
                "authpack.result.spf.pass+1");
    }

    @Test
    void theCheckTimersKeepTheirDocumentedNames() {
        RecordingMetricFactory factory = new RecordingMetricFactory();
        AuthpackMetrics metrics = AuthpackMetrics.of(factory);
        for (int i = 0; i < 2; i++) {
            for (String method : List.of("dkim", "spf", "spf-helo", "iprev", "arc", "dmarc", "DKIM", "x.y")) {
                metrics.checkTimer().started(method).run();
            }
        }
        assertThat(factory.executionTimesFor("authpack.check.dkim")).hasSize(4);
        assertThat(factory.executionTimesFor("authpack.check.spf-helo")).hasSize(2);
        assertThat(factory.executionTimesFor("authpack.check.dmarc")).hasSize(2);
        assertThat(factory.executionTimesFor("authpack.check.other")).hasSize(2);
    }

    /** A MetricFactory that records each counter update (name and amount) of the factory it wraps. */
    private record CountingUpdates(RecordingMetricFactory factory, List<String> updates)
            implements org.apache.james.metrics.api.MetricFactory {
        @Override
        public org.apache.james.metrics.api.Metric generate(String name) {
            org.apache.james.metrics.api.Metric metric = factory.generate(name);
            return new org.apache.james.metrics.api.Metric() {
                @Override
                public void increment() {
                    add(1);
                }

                @Override
                public void decrement() {
                    remove(1);
                }

                @Override
                public void add(int value) {
                    updates.add(name + "+" + value);
                    metric.add(value);
                }

                @Override
                public void remove(int value) {
                    metric.remove(value);
                }

                @Override
                public long getCount() {
                    return metric.getCount();
                }
            };
        }

        @Override
        public org.apache.james.metrics.api.TimeMetric timer(String name) {
            return factory.timer(name);
        }

        @Override
        public <T> org.reactivestreams.Publisher<T> decoratePublisherWithTimerMetric(String name,
                org.reactivestreams.Publisher<T> publisher) {
            return factory.decoratePublisherWithTimerMetric(name, publisher);
        }

        @Override
        public <T> org.reactivestreams.Publisher<T> decoratePublisherWithTimerMetricLogP99(String name,
                org.reactivestreams.Publisher<T> publisher) {
            return factory.decoratePublisherWithTimerMetricLogP99(name, publisher);
        }
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
