package dev.authpack.cli;

import static dev.authpack.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArcSealCommandTest {
    static final String MESSAGE = "From: Joe SixPack <joe@example.com>\r\n"
            + "To: list@list.example\r\n"
            + "Subject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
            + "Message-ID: <20030712040037.46341.5F8J@example.com>\r\n"
            + "\r\n"
            + "Hi.  We lost the game.  Are you hungry yet?  d\u00e9j\u00e0 vu\r\n";
    static final long NOW = 1_800_000_000L;

    @TempDir
    static Path dir;
    static Path listKey;
    static Path forwarderKey;
    static Path edKey;
    static Path keyZone;
    static Path messageFile;

    /** An in-process run that keeps standard output as bytes. */
    record ByteRun(int exitCode, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + text() + "--- stderr\n" + stderr;
        }
    }

    static ByteRun run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AuthpackCli.execute(args, new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ByteRun(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    static ByteRun run(String... args) {
        return run(new byte[0], args);
    }

    static ByteRun ok(ByteRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).as(run.toString()).isEmpty();
        return run;
    }

    @BeforeAll
    static void files() throws Exception {
        listKey = pem("list.pem", "RSA");
        forwarderKey = pem("forwarder.pem", "RSA");
        edKey = pem("ed.pem", "Ed25519");
        String zone = zoneLine(listKey, "arc1", "list.example") + zoneLine(forwarderKey, "arc2", "fwd.example");
        keyZone = Files.writeString(dir.resolve("keys.zone"), zone);
        messageFile = write("message.eml", MESSAGE.getBytes(StandardCharsets.UTF_8));
    }

    private static Path pem(String name, String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) {
            generator.initialize(2048);
        }
        String text = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(dir.resolve(name), text);
    }

    private static String zoneLine(Path key, String selector, String domain) {
        return ok(run("dkim-key", "--key", key.toString(), "--selector", selector, "--domain", domain)).text();
    }

    private static Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    /** arc-seal by the mailing list (list.example, arc1) with the given extra arguments. */
    private static ByteRun sealByList(Path message, String... more) {
        return seal(message, "list.example", "arc1", listKey, more);
    }

    private static ByteRun seal(Path message, String domain, String selector, Path key, String... more) {
        String[] base = {"arc-seal", message.toString(), "--domain", domain, "--selector", selector,
                "--key", key.toString(), "--now", String.valueOf(NOW), "--dns-records", keyZone.toString(),
                "--dns-records", CliRun.zone()};
        String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return run(args);
    }

    /** {@code authpack check --checks arc} of a message: its "arc" member. */
    private static JsonNode checkArc(byte[] message) throws Exception {
        Path file = Files.write(Files.createTempFile(dir, "sealed", ".eml"), message);
        CliRun check = CliRun.run("check", file.toString(), "--checks", "arc", "--dns-records", keyZone.toString(),
                "--now", String.valueOf(NOW + 60));
        assertThat(check.exitCode()).as(check.toString()).isZero();
        return check.json().get("arc");
    }

    /** The unfolded value of the ARC field of this name with this instance. */
    private static String field(byte[] message, String name, int instance) throws Exception {
        for (HeaderField f : RawMessage.parse(message).fields(name)) {
            String value = f.unfoldedValue().strip();
            if (value.startsWith("i=" + instance + ";")) {
                return value;
            }
        }
        throw new AssertionError("no " + name + " i=" + instance + " in\n" + new String(message, StandardCharsets.UTF_8));
    }

    private static void assertPrepended(byte[] sealed, byte[] input) throws Exception {
        assertThat(Arrays.copyOfRange(sealed, sealed.length - input.length, sealed.length)).isEqualTo(input);
        assertThat(RawMessage.parse(sealed).fields().subList(0, 3)).extracting(HeaderField::name)
                .containsExactly("ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results");
    }

    @Test
    void roundTripVerifiedByCheckFirstAndSecondSet() throws Exception {
        byte[] input = Files.readAllBytes(messageFile);
        byte[] once = ok(sealByList(messageFile, "--authserv-id", "mx.list.example",
                "--auth-results", "spf=pass smtp.mailfrom=example.com; dkim=none")).stdout();
        assertPrepended(once, input);
        assertThat(field(once, "ARC-Seal", 1)).startsWith("i=1; a=rsa-sha256; cv=none; d=list.example; s=arc1; t="
                + NOW + "; b=");
        assertThat(field(once, "ARC-Authentication-Results", 1))
                .isEqualTo("i=1; mx.list.example; spf=pass smtp.mailfrom=example.com; dkim=none");
        JsonNode arc = checkArc(once);
        assertThat(arc.get("result").asText()).as(arc.toString()).isEqualTo("pass");
        assertThat(arc.get("sets").asInt()).isEqualTo(1);

        Path onceFile = write("once.eml", once);
        byte[] twice = ok(seal(onceFile, "fwd.example", "arc2", forwarderKey, "--authserv-id", "mx.fwd.example",
                "--auth-results", "arc=pass")).stdout();
        assertPrepended(twice, once);
        assertThat(field(twice, "ARC-Seal", 2)).contains("cv=pass; d=fwd.example; s=arc2;");
        JsonNode arc2 = checkArc(twice);
        assertThat(arc2.get("result").asText()).as(arc2.toString()).isEqualTo("pass");
        assertThat(arc2.get("sets").asInt()).isEqualTo(2);
        assertThat(arc2.get("oldest_pass").asInt()).isZero();
        assertThat(arc2.get("chain").findValuesAsText("cv")).containsExactly("none", "pass");
    }

    @Test
    void withoutASourceTheChecksRunAsCheckRunsThem() throws Exception {
        byte[] sealed = ok(sealByList(messageFile, "--authserv-id", "mx.list.example", "--client-ip", "192.0.2.10",
                "--helo", "mail.example.com", "--mail-from", "joe@example.com")).stdout();
        String aar = field(sealed, "ARC-Authentication-Results", 1);
        assertThat(aar).startsWith("i=1; mx.list.example; dkim=none; spf=pass ").contains("smtp.mailfrom=example.com")
                .contains("smtp.helo=mail.example.com").contains("dmarc=pass").contains("arc=none")
                .contains("iprev=pass");
        assertThat(checkArc(sealed).get("result").asText()).isEqualTo("pass");

        // no client address: SPF and iprev cannot run; DKIM, DMARC and ARC do
        byte[] noClient = ok(sealByList(messageFile, "--authserv-id", "mx.list.example")).stdout();
        assertThat(field(noClient, "ARC-Authentication-Results", 1)).startsWith("i=1; mx.list.example; dkim=none;")
                .contains("dmarc=fail").contains("arc=none").doesNotContain("spf=").doesNotContain("iprev=");
    }

    @Test
    void useExistingAuthResultsConsolidatesTheFieldsOfTheAuthservId() throws Exception {
        String text = "Authentication-Results: mx.list.example; spf=pass smtp.mailfrom=example.com\r\n"
                + "Authentication-Results: other.example; dkim=fail\r\n"
                + "Authentication-Results: MX.LIST.EXAMPLE; dkim=pass header.d=example.com;\r\n dmarc=pass\r\n"
                + MESSAGE;
        Path file = write("with-ar.eml", text.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = ok(sealByList(file, "--authserv-id", "mx.list.example", "--use-existing-auth-results"))
                .stdout();
        assertThat(field(sealed, "ARC-Authentication-Results", 1)).isEqualTo("i=1; mx.list.example; spf=pass"
                + " smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass");

        // no field of ours: nothing to record, nothing sealed (as the ValiMail suite expects)
        ByteRun none = sealByList(messageFile, "--authserv-id", "mx.list.example", "--use-existing-auth-results");
        assertThat(none.exitCode()).isZero();
        assertThat(none.stdout()).isEqualTo(Files.readAllBytes(messageFile));
        assertThat(none.stderr()).isEqualTo("authpack arc-seal: not sealed: no Authentication-Results field of"
                + " mx.list.example to record\n");
    }

    @Test
    void aFailedChainIsSealedWithCvFailOnceAndThenLeftUnchanged() throws Exception {
        byte[] once = ok(sealByList(messageFile, "--authserv-id", "mx.list.example", "--auth-results", "")).stdout();
        byte[] tampered = new String(once, StandardCharsets.UTF_8).replace("hungry", "angry")
                .getBytes(StandardCharsets.UTF_8);
        byte[] failed = ok(seal(write("tampered.eml", tampered), "fwd.example", "arc2", forwarderKey,
                "--authserv-id", "mx.fwd.example")).stdout();
        assertThat(field(failed, "ARC-Seal", 2)).contains("cv=fail");
        assertThat(field(failed, "ARC-Authentication-Results", 2)).contains("arc=fail");
        assertThat(checkArc(failed).get("result").asText()).isEqualTo("fail");

        // RFC 8617 §5.1 step 2: the newest seal says cv=fail, so nobody adds a set
        ByteRun again = sealByList(write("failed.eml", failed), "--authserv-id", "mx.list.example",
                "--auth-results", "arc=fail");
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).isEqualTo(failed);
        assertThat(again.stderr()).startsWith("authpack arc-seal: not sealed: the chain has already failed")
                .endsWith("\n").hasLineCount(1);
    }

    @Test
    void lfInputGivesLfOutputAndStandardInputWorks() throws Exception {
        byte[] lf = MESSAGE.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
        ByteRun run = ok(run(lf, "arc-seal", "-", "--domain", "list.example", "--selector", "arc1", "--key",
                listKey.toString(), "--authserv-id", "mx.list.example", "--auth-results", "dkim=none",
                "--dns-records", keyZone.toString(), "--now", String.valueOf(NOW)));
        byte[] sealed = run.stdout();
        assertThat(Arrays.copyOfRange(sealed, sealed.length - lf.length, sealed.length)).isEqualTo(lf);
        assertThat(new String(sealed, StandardCharsets.UTF_8)).doesNotContain("\r");
        assertThat(checkArc(sealed).get("result").asText()).isEqualTo("pass");
    }

    @Test
    void optionsShapeTheSet() throws Exception {
        byte[] sealed = ok(sealByList(messageFile, "--authserv-id", "mx.list.example", "--auth-results", "arc=none",
                "--headers", "From:Subject", "--layout", "standardized")).stdout();
        HeaderField amsField = RawMessage.parse(sealed).fields().get(1);
        assertThat(amsField.name()).isEqualTo("ARC-Message-Signature");
        String ams = amsField.rawValue().strip();
        assertThat(ams).as("standardized: tags sorted, one line").startsWith("a=rsa-sha256; b=").doesNotContain("\n");
        assertThat(ams).contains("; d=list.example; h=from:subject; i=1; s=arc1; t=" + NOW);
        assertThat(checkArc(sealed).get("result").asText()).isEqualTo("pass");
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws Exception {
        assertUsage(sealByList(messageFile, "--auth-results", "x", "--use-existing-auth-results"),
                "--auth-results and --use-existing-auth-results exclude each other");
        assertUsage(sealByList(messageFile, "--auth-results", "spf=pass", "--client-ip", "192.0.2.10"),
                "are for the checks, which do not run with --auth-results");
        assertUsage(seal(messageFile, "list.example", "arc1", edKey, "--auth-results", "x"),
                "an RSA key is needed (RFC 8617 seals with rsa-sha256), not ed25519-sha256");
        assertUsage(seal(messageFile, "list.example", "arc1", dir.resolve("none.pem")), "--key");
        assertUsage(sealByList(messageFile, "--layout", "pretty"), "--layout must be folded or standardized");
        assertUsage(sealByList(messageFile, "--authserv-id", "mx list"), "--authserv-id: authserv-id is not a token");
        assertUsage(sealByList(messageFile, "--authserv-id", " "), "--authserv-id must not be empty");
        assertUsage(sealByList(messageFile, "--headers", "From:ARC-Seal"), "must not be signed");
        assertUsage(sealByList(messageFile, "--client-ip", "999.1.1.1"), "--client-ip");
        assertUsage(sealByList(dir.resolve("missing.eml")), "cannot read message");
        assertUsage(seal(messageFile, "not a domain", "arc1", listKey), "not a domain name");
        assertUsage(run("arc-seal", messageFile.toString(), "--selector", "s", "--key", listKey.toString()),
                "--domain");
        assertUsage(run("arc-seal", "--domain", "d.example", "--selector", "s", "--key", listKey.toString()),
                "MESSAGE");
    }

    private static void assertUsage(ByteRun run, String reason) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stdout()).as(run.toString()).isEmpty();
        assertThat(run.stderr()).as(run.toString()).startsWith("authpack arc-seal: ").contains(reason)
                .hasLineCount(1);
    }

    @Test
    void helpNamesEveryOption() {
        ByteRun help = ok(run("arc-seal", "--help"));
        for (String option : List.of("--domain", "--selector", "--key", "--authserv-id", "--headers",
                "--auth-results", "--use-existing-auth-results", "--client-ip", "--helo", "--mail-from", "--layout",
                "--now", "--dns-records", "--dns-server", "--dns-timeout")) {
            assertThat(help.text()).contains(option);
        }
    }

    /**
     * The ValiMail signing suite through the command line: each test's message, key, DNS and time, sealed with
     * {@code --use-existing-auth-results --layout standardized}. The new AS, AMS and AAR must be the suite's, tag
     * for tag and signature for signature (compared without whitespace, as the suite writes them folded), and the
     * rest of the output the input itself; a test that expects no set must get the input back.
     */
    @Test
    void valiMailSigningSuiteThroughTheCli() throws Exception {
        JsonNode suite = new ObjectMapper().readTree(Path.of(resource("/arc/arc-draft-sign-tests.json")).toFile());
        java.util.Set<String> cases = new java.util.LinkedHashSet<>();
        java.util.Map<String, String> failures = new java.util.LinkedHashMap<>();
        int scenarioNumber = 0;
        for (JsonNode scenario : suite.get("scenarios")) {
            scenarioNumber++;
            Path key = write("suite-" + scenarioNumber + ".pem",
                    scenario.get("privatekey").asText().getBytes(StandardCharsets.US_ASCII));
            StringBuilder zone = new StringBuilder();
            scenario.get("txt-records").fields().forEachRemaining(e -> zone.append(e.getKey()).append(". IN TXT ")
                    .append(dev.authpack.dkim.sign.KeyRecordText.quotedStrings(
                            e.getValue().asText().replaceAll("\\s+", " ").strip())).append('\n'));
            Path zoneFile = Files.writeString(dir.resolve("suite-" + scenarioNumber + ".zone"), zone);
            var tests = scenario.get("tests").fields();
            while (tests.hasNext()) {
                var entry = tests.next();
                String id = "cli-signing/" + entry.getKey();
                JsonNode test = entry.getValue();
                cases.add(id);
                byte[] input = test.get("message").asText().getBytes(StandardCharsets.UTF_8);
                Path file = write("suite-" + entry.getKey() + ".eml", input);
                ByteRun run = run("arc-seal", file.toString(), "--domain", scenario.get("domain").asText(),
                        "--selector", scenario.get("sel").asText(), "--key", key.toString(),
                        "--authserv-id", test.get("srv-id").asText(), "--headers", test.get("sig-headers").asText(),
                        "--use-existing-auth-results", "--layout", "standardized",
                        "--now", test.get("t").asText(), "--dns-records", zoneFile.toString());
                String problem = compare(test, input, run);
                if (problem != null) {
                    failures.put(id, problem);
                }
            }
        }
        System.out.println("ARC signing through authpack arc-seal: passed " + (cases.size() - failures.size())
                + " of " + cases.size());
        failures.forEach((id, why) -> System.out.println("  failed " + id + ": " + why));
        assertThat(cases).hasSize(17);
        assertThat(KnownFailuresFile.load("arc.txt").problems("cli-signing/", cases, failures)).isEmpty();
    }

    /** Null when the run sealed as the suite expects, else what differs. */
    private static String compare(JsonNode test, byte[] input, ByteRun run) throws Exception {
        if (run.exitCode() != 0) {
            return "exit " + run.exitCode() + ": " + run.stderr().strip();
        }
        String[] names = {"ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results"};
        String[] keys = {"AS", "AMS", "AAR"};
        boolean none = true;
        for (String k : keys) {
            none &= text(test.get(k)).isEmpty();
        }
        byte[] out = run.stdout();
        if (none) {
            return Arrays.equals(out, input) ? null : "expected the input unchanged, got a new set";
        }
        if (out.length < input.length
                || !Arrays.equals(Arrays.copyOfRange(out, out.length - input.length, out.length), input)) {
            return "the input does not follow the new fields unchanged";
        }
        List<HeaderField> fields = RawMessage.parse(out).fields();
        for (int i = 0; i < 3; i++) {
            HeaderField f = fields.get(i);
            if (!f.name().equals(names[i])) {
                return "field " + (i + 1) + " is " + f.name() + ", expected " + names[i];
            }
            String actual = withoutSpace(f.rawValue());
            String expected = text(test.get(keys[i]));
            if (!actual.equals(expected)) {
                return keys[i] + " differs: expected " + expected + ", got " + actual;
            }
        }
        return null;
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? "" : withoutSpace(value.asText());
    }

    private static String withoutSpace(String s) {
        return s.replaceAll("[ \t\r\n]", "");
    }
}
