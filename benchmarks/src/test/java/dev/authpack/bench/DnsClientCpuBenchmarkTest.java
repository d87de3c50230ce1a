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
            long ioBefore = DnsClientCpuBenchmark.cpuByGroup().getOrDefault("authpack-dns-io", 0L);
            long readersBefore = DnsClientCpuBenchmark.cpuByGroup().getOrDefault("authpack-dns-loopback", 0L);

            assertThat(benchmark.run(benchmark.client(false), 50, 4)).isEqualTo(50);
            assertThat(benchmark.run(benchmark.client(true), 50, 4)).isEqualTo(50);
            assertThat(benchmark.run(benchmark.client(core), 50, 4)).isEqualTo(50);

            // a socket per query reads on the I/O threads, the shared socket on its reader
            assertThat(DnsClientCpuBenchmark.cpuByGroup().get("authpack-dns-io")).isGreaterThan(ioBefore);
            assertThat(DnsClientCpuBenchmark.cpuByGroup().get("authpack-dns-loopback")).isGreaterThan(readersBefore);
        } finally {
            benchmark.close();
        }
    }
}
