package dev.authpack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/authpack} script as a process, as an administrator does. Bound to the
 * {@code integration-test} phase (after {@code package} has built the fat JAR), so {@code mvn verify} runs it.
 */
class AuthpackScriptIT {
    private static Path root;
    private static Path script;

    @BeforeAll
    static void findScript() throws IOException {
        root = Path.of(System.getProperty("authpack.repo.root", "..")).toRealPath();
        script = root.resolve("bin/authpack");
        assertThat(script).as("bin/authpack").isRegularFile();
        assertThat(Files.isExecutable(script)).as("bin/authpack is executable").isTrue();
        try (var jars = Files.newDirectoryStream(root.resolve("cli/target"), "authpack-cli-*-all.jar")) {
            assertThat(jars.iterator().hasNext()).as("the fat JAR is built before this test runs").isTrue();
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(stdout);
        }
    }

    private static Result authpack(byte[] stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("authpack-out", ".txt");
        Path err = Files.createTempFile("authpack-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(new File(System.getProperty("java.io.tmpdir")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            process.getOutputStream().write(stdin);
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/authpack finished in 60 s").isTrue();
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String zone() {
        return root.resolve("cli/src/test/resources/zones/example.zone").toString();
    }

    @Test
    void spfFromAnyWorkingDirectory() throws Exception {
        Result result = authpack(new byte[0], "spf", "--ip", "198.51.100.7", "--mail-from", "alice@example.com",
                "--helo", "mail.example.com", "--dns-records", zone());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).as(result.toString()).isEmpty();
        assertThat(result.json().get("result").asText()).isEqualTo("fail");
        assertThat(result.json().get("mechanism").asText()).isEqualTo("all");
    }

    @Test
    void checkReadsStandardInput() throws Exception {
        byte[] message = "From: alice@example.com\nSubject: hi\n\nHello.\n".getBytes(StandardCharsets.US_ASCII);
        Result result = authpack(message, "check", "-", "--client-ip", "192.0.2.10", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com", "--auth-user", "alice", "--authserv-id", "mx.example.org",
                "--dns-records", zone());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).as(result.toString()).isEmpty();
        JsonNode json = result.json();
        assertThat(json.get("spf").get("result").asText()).isEqualTo("pass");
        assertThat(json.get("iprev").get("result").asText()).isEqualTo("pass");
        assertThat(json.get("smtp_auth").get("user").asText()).isEqualTo("alice");
        assertThat(json.get("authentication_results").asText()).startsWith("Authentication-Results: mx.example.org;");
    }

    @Test
    void reportRunsFromTheShadedJar() throws Exception {
        // the report parser reads MIME with mime4j: the fat JAR must carry it
        Result result = authpack(ReportCommandTest.DSN.getBytes(StandardCharsets.UTF_8), "report", "-");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("\"type\": \"dsn\"", "\"reason\": \"userunknown\"",
                "\"hard_bounce\": true", "\"source\": \"rfc3464\"");
    }

    @Test
    void unreadableMessageExitsTwoWithOneLine() throws Exception {
        Result result = authpack(new byte[0], "check", "/nonexistent/message.eml", "--checks", "smtp-auth");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().strip().lines()).as(result.toString()).hasSize(1);
        assertThat(result.stderr()).contains("cannot read message /nonexistent/message.eml: no such file");
    }

    @Test
    void aFileNameWithATerminalEscapeIsShownNotSent() throws Exception {
        // review s22: the real process shows the controls of an error line on standard error
        Result result = authpack(new byte[0], "check", "/nonexistent/\u001b]0;owned\u0007.eml", "--checks", "dkim");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).isEqualTo("authpack check: cannot read message /nonexistent/\\x1b]0;owned\\x07.eml:"
                + " no such file\n");
    }

    @Test
    void withoutTheJarItSaysHowToBuildItWithPackageNotInstall(@TempDir Path elsewhere) throws Exception {
        // a checkout that was never built: the hint must not write to ~/.m2 (package builds the fat JAR)
        Path copy = Files.createDirectories(elsewhere.resolve("bin")).resolve("authpack");
        Files.copy(script, copy);
        Process process = new ProcessBuilder(copy.toString(), "--help").redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/authpack finished in 60 s").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("build it first: (cd '" + elsewhere.toRealPath() + "' && mvn -B -DskipTests"
                + " package)").doesNotContain("install");
    }

    @Test
    void helpExitsZero() throws Exception {
        Result result = authpack(new byte[0], "check", "--help");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Usage: authpack check", "--dns-records");
    }
}
