package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/demo --proxy} and {@code bin/demo-send --proxy v1|v2} (docs/install.md, "Behind a load balancer"): the
 * demo's SMTP server requires a PROXY protocol header, as behind a load balancer, and demo-send sends one naming
 * {@code --client-ip}. spf-fail.example allows 192.0.2.0/24 only: a message claimed from 192.0.2.7 passes SPF,
 * which shows James took the header's address as the client; a connection without the header is closed.
 */
class DemoProxyIT {
    private static AuthpackJames james;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        Path jar;
        try (Stream<Path> jars = Files.list(Locations.extensionsJars())) {
            jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        work = Locations.workRoot().resolve("DemoProxyIT");
        james = DemoMain.start(work, jar, 0, null, true);
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    private record Run(int status, String out) {
    }

    private static Run demoSend(String... options) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] args = Stream.concat(Stream.of("--port", String.valueOf(james.smtpPort()), "--work", work.toString()),
                Stream.of(options)).toArray(String[]::new);
        int status = DemoSend.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theHeaderNamesTheClientInBothVersions() throws Exception {
        for (String version : new String[] {"v1", "v2"}) {
            Run run = demoSend("--proxy", version, "--client-ip", "192.0.2.7", "--from", "bob@spf-fail.example");
            assertThat(run.status()).as(run.out()).isZero();
            assertThat(run.out()).as(version).contains("delivered: ", "spf=pass", "smtp.mailfrom=spf-fail.example");
        }
        assertThat(demoSend("--proxy", "v1", "--client-ip", "192.0.2.7").out())
                .contains("before SMTP: PROXY TCP4 192.0.2.7 ");
    }

    @Test
    void withoutTheHeaderTheConnectionIsClosed() throws Exception {
        Run run = demoSend("--from", "bob@spf-fail.example");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).contains("not accepted: ", "add --proxy v1");
    }

    @Test
    void aBadProxyOptionIsAUsageError() {
        assertThatThrownBy(() -> demoSend("--proxy", "v3")).isInstanceOf(DemoSend.UsageException.class)
                .hasMessage("--proxy takes v1 or v2, not 'v3'");
        assertThatThrownBy(() -> demoSend("--proxy", "v1", "--client-ip", "mail.example"))
                .isInstanceOf(DemoSend.UsageException.class).hasMessageStartingWith("--client-ip with --proxy takes");
    }
}
