package dev.authpack.cli;

import static dev.authpack.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code --dns-server}: real DNS over loopback UDP/TCP, including a server that fails. */
class DnsServerOptionTest {
    private static LoopbackDnsServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = LoopbackDnsServer.start(List.of(Path.of(CliRun.zone())));
        server.servfail("softfail.example.com");
        server.drop("neutral.example.com");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static CliRun spf(String mailFrom) {
        return run("spf", "--ip", "192.0.2.10", "--mail-from", mailFrom, "--helo", "mail.example.com",
                "--dns-server", server.address(), "--dns-timeout", "500");
    }

    @Test
    void answersFromTheServer() {
        CliRun run = spf("alice@example.com");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("result").asText()).isEqualTo("pass");
        assertThat(run.json().get("mechanism").asText()).isEqualTo("ip4:192.0.2.0/24");
    }

    @Test
    void servfailIsTemperror() {
        CliRun run = spf("bob@softfail.example.com");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("result").asText()).isEqualTo("temperror");
    }

    @Test
    void noAnswerIsTemperror() {
        CliRun run = spf("bob@neutral.example.com");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("result").asText()).isEqualTo("temperror");
    }

    @Test
    void checkOverTheServer() {
        CliRun run = run("check", CliRun.message(), "--client-ip", "192.0.2.10", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com", "--authserv-id", "mx.example.org",
                "--dns-server", server.address(), "--dns-timeout", "500");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("spf").get("result").asText()).isEqualTo("pass");
        assertThat(json.get("spf_helo").get("result").asText()).isEqualTo("pass");
        assertThat(json.get("iprev").get("result").asText()).isEqualTo("pass");
    }
}
