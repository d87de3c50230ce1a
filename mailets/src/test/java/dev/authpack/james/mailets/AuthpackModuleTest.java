package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.authpack.dns.DnsSettings;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthpackModuleTest {

    @Test
    void everyMailetGetsTheSameEnginesAndOneResolverPerDnsSettings() {
        // James binds its MetricFactory itself; MailAuthCheck takes it for its metrics (docs/metrics.md)
        Injector injector = Guice.createInjector(new AuthpackModule(),
                binder -> binder.bind(MetricFactory.class).toInstance(new RecordingMetricFactory()));
        MailAuthCheck first = injector.getInstance(MailAuthCheck.class);
        MailAuthCheck second = injector.getInstance(MailAuthCheck.class);
        assertThat(first).isNotSameAs(second);
        assertThat(first.engines()).isSameAs(second.engines());

        DnsSettings settings = new DnsSettings(List.of("127.0.0.1:5353"), Duration.ofSeconds(1), 100);
        assertThat(first.engines().resolver(settings)).isSameAs(second.engines().resolver(settings));
        assertThat(first.engines().checker(settings, "mx")).isSameAs(second.engines().checker(settings, "mx"));
        DnsSettings other = new DnsSettings(List.of("127.0.0.1:5354"), Duration.ofSeconds(1), 100);
        assertThat(first.engines().resolver(other)).isNotSameAs(first.engines().resolver(settings));
    }
}
