package dev.authpack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.dns.DnsjavaResolver;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The benchmark's queries are all answered, by the client on the class path and by one loaded from its build. */
class DnsClientCpuBenchmarkTest {

    @Test
    void everyQueryIsAnsweredAndTheClientsCpuIsCounted() throws Exception {
        DnsClientCpuBenchmark benchmark = new DnsClientCpuBenchmark(Duration.ofMillis(1));
        try {
            Path core = Path.of(DnsjavaResolver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            long before = DnsClientCpuBenchmark.cpuByGroup().get("authpack-dns-io");

            assertThat(benchmark.run(benchmark.client(), 50, 4)).isEqualTo(50);
            assertThat(benchmark.run(benchmark.client(core), 50, 4)).isEqualTo(50);

            assertThat(DnsClientCpuBenchmark.cpuByGroup().get("authpack-dns-io")).isGreaterThan(before);
        } finally {
            benchmark.close();
        }
    }
}
