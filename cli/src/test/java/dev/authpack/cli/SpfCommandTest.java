package dev.authpack.cli;

import static dev.authpack.cli.CliRun.run;
import static dev.authpack.cli.CliRun.zone;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpfCommandTest {

    private static CliRun spf(String ip, String mailFrom, String helo) {
        return run("spf", "--ip", ip, "--mail-from", mailFrom, "--helo", helo, "--dns-records", zone());
    }

    private static JsonNode ok(CliRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).as(run.toString()).isEmpty();
        return run.json();
    }

    @Test
    void passPrintsExactlyTheContractFields() {
        CliRun run = spf("192.0.2.10", "alice@example.com", "mail.example.com");
        JsonNode json = ok(run);
        assertThat(run.fieldNames()).containsExactly(
                "result", "domain", "mechanism", "explanation", "lookups", "void_lookups", "reason", "local_overload");
        assertThat(json.get("result").asText()).isEqualTo("pass");
        assertThat(json.get("domain").asText()).isEqualTo("example.com");
        assertThat(json.get("mechanism").asText()).isEqualTo("ip4:192.0.2.0/24");
        assertThat(json.get("explanation").isNull()).isTrue();
        assertThat(json.get("lookups").asInt()).isZero();
        assertThat(json.get("void_lookups").asInt()).isZero();
        assertThat(json.get("reason").asText()).isNotBlank();
        assertThat(json.get("local_overload").isBoolean()).isTrue();
        assertThat(json.get("local_overload").booleanValue()).isFalse();
        assertThat(run.stdout()).startsWith("{\n").endsWith("}\n").contains("\"result\": \"pass\"");
    }

    /** Our resolver did not send the query for the sender's domain (at its bound): a temperror that says so. */
    @Test
    void aQueryThisServerDidNotSendIsALocalOverload() {
        CliRun run = CliRun.runWithZoneResolver(zones -> zones.withLocalOverload("example.com"), "spf",
                "--ip", "192.0.2.10", "--mail-from", "alice@example.com", "--dns-records", zone());
        JsonNode json = ok(run);
        assertThat(json.get("result").asText()).isEqualTo("temperror");
        assertThat(json.get("local_overload").booleanValue()).as(run.toString()).isTrue();
    }

    @Test
    void failMatchesAll() {
        JsonNode json = ok(spf("198.51.100.7", "alice@example.com", "mail.example.com"));
        assertThat(json.get("result").asText()).isEqualTo("fail");
        assertThat(json.get("mechanism").asText()).isEqualTo("all");
    }

    @Test
    void softfailNeutralNoneAndPermerror() {
        assertThat(ok(spf("198.51.100.7", "bob@softfail.example.com", "h.example.net")).get("result").asText())
                .isEqualTo("softfail");
        assertThat(ok(spf("198.51.100.7", "bob@neutral.example.com", "h.example.net")).get("result").asText())
                .isEqualTo("neutral");
        JsonNode noRecord = ok(spf("198.51.100.7", "bob@nospf.example.com", "h.example.net"));
        assertThat(noRecord.get("result").asText()).isEqualTo("none");
        assertThat(noRecord.get("mechanism").isNull()).isTrue();
        // a name that is in no zone file answers NXDOMAIN: none
        assertThat(ok(spf("198.51.100.7", "bob@unknown.example.net", "h.example.net")).get("result").asText())
                .isEqualTo("none");
        JsonNode broken = ok(spf("198.51.100.7", "bob@broken.example.com", "h.example.net"));
        assertThat(broken.get("result").asText()).isEqualTo("permerror");
        assertThat(broken.get("reason").asText()).isNotBlank();
    }

    @Test
    void failWithExplanationAndCountedLookups() {
        JsonNode json = ok(spf("198.51.100.7", "bob@explained.example.com", "h.example.net"));
        assertThat(json.get("result").asText()).isEqualTo("fail");
        assertThat(json.get("explanation").asText())
                .isEqualTo("198.51.100.7 is not one of explained.example.com's servers");
    }

    @Test
    void nowFixesTheClockOfTheTimeMacro() {
        CliRun run = run("spf", "--ip", "198.51.100.7", "--mail-from", "bob@timed.example.com", "--helo", "h",
                "--dns-records", zone(), "--now", "1700000000");
        assertThat(ok(run).get("explanation").asText()).isEqualTo("refused at 1700000000");
    }

    @Test
    void nullSenderChecksPostmasterAtHelo() {
        JsonNode json = ok(spf("192.0.2.10", "", "mail.example.com"));
        assertThat(json.get("result").asText()).isEqualTo("pass");
        assertThat(json.get("domain").asText()).isEqualTo("mail.example.com");
        assertThat(json.get("mechanism").asText()).isEqualTo("a");
        assertThat(json.get("lookups").asInt()).isEqualTo(1);
        assertThat(ok(spf("192.0.2.10", "<>", "mail.example.com")).get("domain").asText())
                .isEqualTo("mail.example.com");
    }

    @Test
    void ipv6ClientFailsAnIpv4Policy() {
        assertThat(ok(spf("2001:db8::1", "alice@example.com", "h")).get("result").asText()).isEqualTo("fail");
    }

    @Test
    void temperrorWhenNoDnsServerAnswers() throws IOException {
        int closedPort;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CliRun run = run("spf", "--ip", "192.0.2.10", "--mail-from", "alice@example.com", "--helo", "h",
                "--dns-server", "127.0.0.1:" + closedPort, "--dns-timeout", "300");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("result").asText()).isEqualTo("temperror");
        assertThat(run.json().get("mechanism").isNull()).isTrue();
    }

    @Test
    void helpOnTheCommand() {
        CliRun run = run("spf", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("--ip", "--mail-from", "--helo", "--dns-records", "--dns-server",
                "--dns-timeout", "--now");
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertUsageError(run("spf", "--mail-from", "a@example.com", "--dns-records", zone()), "--ip");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--dns-records", zone()), "--mail-from");
        assertUsageError(run("spf", "--ip", "mail.example.com", "--mail-from", "a@example.com",
                "--dns-records", zone()), "not an IP address");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "", "--dns-records", zone()),
                "--helo is required");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "a@example.com", "--bogus"), "--bogus");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "a@example.com", "--dns-timeout", "0"),
                "--dns-timeout");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "a@example.com", "--dns-timeout", "x"),
                "--dns-timeout");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "a@example.com",
                "--dns-records", "/nonexistent/zone"), "no such file");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "a@example.com",
                "--dns-records", zone(), "--dns-server", "127.0.0.1"), "cannot be used together");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "a@example.com",
                "--dns-server", "127.0.0.1:99999"), "--dns-server");
        assertUsageError(run("spf", "--ip", "192.0.2.1", "--mail-from", "a@example.com", "--now", "-5",
                "--dns-records", zone()), "--now");
    }

    @Test
    void zoneFilesAddUpAndBadOnesAreUsageErrors(@TempDir Path dir) throws IOException {
        Path extra = Files.writeString(dir.resolve("extra.zone"),
                "$ORIGIN example.net.\n@ 600 IN TXT \"v=spf1 include:example.com -all\"\n");
        CliRun run = run("spf", "--ip", "192.0.2.10", "--mail-from", "a@example.net", "--dns-records", zone(),
                "--dns-records", extra.toString());
        JsonNode json = ok(run);
        assertThat(json.get("result").asText()).isEqualTo("pass");
        assertThat(json.get("mechanism").asText()).isEqualTo("include:example.com");
        assertThat(json.get("lookups").asInt()).isEqualTo(1);

        Path bad = Files.writeString(dir.resolve("bad.zone"), "$ORIGIN example.net.\n@ IN BOGUSTYPE x\n");
        assertUsageError(run("spf", "--ip", "192.0.2.10", "--mail-from", "a@example.net",
                "--dns-records", bad.toString()), "cannot use --dns-records");
    }

    static void assertUsageError(CliRun run, String expectedInMessage) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stdout()).as(run.toString()).isEmpty();
        assertThat(run.stderr()).as(run.toString()).endsWith("\n").contains(expectedInMessage);
        assertThat(run.stderr().strip().lines().count()).as(run.toString()).isEqualTo(1);
    }
}
