package dev.authpack.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark measures real work: both rewrites give the same header, ours on top and no forged field. */
class HeaderRewriteBenchmarkTest {
    @Test
    void bothRewritesGiveTheSameMessage() throws Exception {
        HeaderRewriteBenchmark benchmark = new HeaderRewriteBenchmark();
        benchmark.fields = 100;
        benchmark.setUp();
        String onePass = new String(benchmark.onePass(), StandardCharsets.US_ASCII);
        assertThat(onePass).startsWith("Authentication-Results: mx.example.org;\r\n\tspf=pass")
                .contains("X-Field-0: value 0\r\n").contains("X-Field-97: value 97\r\n\r\nbody")
                .doesNotContain("dmarc=pass");
        assertThat(benchmark.onePassMime()).isEqualTo(onePass.length());
        assertThat(benchmark.removeHeaderPerName()).isEqualTo(onePass.length());
    }
}
