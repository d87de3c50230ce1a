package dev.authpack.cli;

import static dev.authpack.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.RawMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimSignCommandTest {
    static final String MESSAGE = "From: Joe SixPack <joe@example.com>\r\n"
            + "To: Suzie Q <suzie@shopping.example.net>\r\n"
            + "Subject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
            + "Message-ID: <20030712040037.46341.5F8J@example.com>\r\n"
            + "\r\n"
            + "Hi.\r\n"
            + "\r\n"
            + "We lost the game.  Are you hungry yet?  d\u00e9j\u00e0 vu\r\n"
            + "\r\n"
            + "Joe.\r\n";
    static final long NOW = 1_700_000_000L;

    @TempDir
    static Path dir;
    static Path rsaKey;
    static Path edKey;
    static Path pkcs1Key;
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
        rsaKey = pem("rsa.pem", "RSA");
        edKey = pem("ed.pem", "Ed25519");
        pkcs1Key = Path.of(resource("/dkim/rfc8463/rfc8463-rsa-private.pem"));
        messageFile = Files.write(dir.resolve("message.eml"), MESSAGE.getBytes(StandardCharsets.UTF_8));
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

    /** The zone line of a key, through {@code authpack dkim-key}. */
    private static String zoneLine(Path key, String selector, String domain) {
        ByteRun run = ok(run("dkim-key", "--key", key.toString(), "--selector", selector, "--domain", domain));
        assertThat(run.text()).endsWith("\n").doesNotContain("\r");
        return run.text();
    }

    private static List<String> verify(byte[] message, String zone) throws Exception {
        DkimReport report = new DkimVerifier(new ZoneFileResolver(zone),
                DkimVerifyOptions.defaults().withClock(Clock.fixed(Instant.ofEpochSecond(NOW + 60), ZoneOffset.UTC)))
                .verify(message).get(10, TimeUnit.SECONDS);
        List<String> out = new ArrayList<>();
        for (DkimResult r : report.results()) {
            out.add(r.status().word() + " " + r.algorithm() + " s=" + r.selector()
                    + (r.reason() == null ? "" : " (" + r.reason() + ")"));
        }
        return out;
    }

    private static String firstField(byte[] signed) throws Exception {
        return RawMessage.parse(signed).fields().get(0).unfoldedValue().replaceAll("\\s+", "");
    }

    @Test
    void rsaRoundTripKeepsEveryOtherOctet() throws Exception {
        byte[] input = Files.readAllBytes(messageFile);
        ByteRun run = ok(run("dkim-sign", messageFile.toString(), "--domain", "example.com", "--selector", "sel",
                "--key", rsaKey.toString(), "--now", String.valueOf(NOW)));
        byte[] signed = run.stdout();
        assertThat(Arrays.copyOfRange(signed, signed.length - input.length, signed.length)).isEqualTo(input);
        String field = new String(signed, 0, signed.length - input.length, StandardCharsets.US_ASCII);
        assertThat(field).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;")
                .endsWith("\r\n").doesNotContain("\r\n\r\n");
        assertThat(firstField(signed)).contains("t=" + NOW + ";")
                .contains("h=from:from:reply-to:subject:subject:date:date:to:to:cc:message-id:message-id;")
                .doesNotContain("x=").doesNotContain("i=");
        assertThat(verify(signed, zoneLine(rsaKey, "sel", "example.com"))).containsExactly("pass rsa-sha256 s=sel");

        String tampered = new String(signed, StandardCharsets.UTF_8).replace("hungry", "angry");
        assertThat(verify(tampered.getBytes(StandardCharsets.UTF_8), zoneLine(rsaKey, "sel", "example.com")))
                .singleElement().asString().startsWith("fail");
    }

    /**
     * Review s23: the CLI signs as the DkimSign mailet does (one default, {@code DkimSignOptions.of}): a Subject, a
     * Reply-To or a To added above the signed ones by whoever replays the mail breaks the signature.
     */
    @Test
    void aFieldAddedAboveTheSignedOnesBreaksTheDefaultSignature() throws Exception {
        byte[] input = Files.readAllBytes(messageFile);
        byte[] signed = ok(run("dkim-sign", messageFile.toString(), "--domain", "example.com", "--selector", "sel",
                "--key", rsaKey.toString(), "--now", String.valueOf(NOW))).stdout();
        String zone = zoneLine(rsaKey, "sel", "example.com");
        assertThat(verify(signed, zone)).containsExactly("pass rsa-sha256 s=sel");
        int top = signed.length - input.length;
        for (String added : List.of("Subject: urgent: pay the invoice", "Reply-To: x@attacker.example",
                "To: victim@example.org", "Date: Sat, 12 Jul 2003 21:00:37 -0700")) {
            byte[] field = (added + "\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] replayed = new byte[signed.length + field.length];
            System.arraycopy(signed, 0, replayed, 0, top);
            System.arraycopy(field, 0, replayed, top, field.length);
            System.arraycopy(signed, top, replayed, top + field.length, signed.length - top);
            assertThat(verify(replayed, zone)).as(added).singleElement().asString().startsWith("fail");
        }
    }

    @Test
    void ed25519FromStandardInputKeepsLfLineEnds() throws Exception {
        byte[] input = MESSAGE.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
        ByteRun run = ok(run(input, "dkim-sign", "-", "--domain", "example.com", "--selector", "ed",
                "--key", edKey.toString(), "--algorithm", "ed25519-sha256", "--now", String.valueOf(NOW)));
        byte[] signed = run.stdout();
        assertThat(Arrays.copyOfRange(signed, signed.length - input.length, signed.length)).isEqualTo(input);
        assertThat(run.text()).doesNotContain("\r").startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
        assertThat(verify(signed, zoneLine(edKey, "ed", "example.com"))).containsExactly("pass ed25519-sha256 s=ed");
    }

    @Test
    void optionsShapeTheField() throws Exception {
        ByteRun run = ok(run("dkim-sign", messageFile.toString(), "--domain", "Example.COM", "--selector", "s1",
                "--key", pkcs1Key.toString(), "--canonicalization", "simple/simple",
                "--headers", "From:Subject:Date:From", "--identity", "joe@mail.example.com",
                "--expiration", "3600", "--now", String.valueOf(NOW), "--query-tag"));
        String field = firstField(run.stdout());
        assertThat(field).contains("c=simple/simple;").contains("d=example.com;").contains("i=joe@mail.example.com;")
                .contains("q=dns/txt;").contains("t=" + NOW + ";").contains("x=" + (NOW + 3600) + ";")
                .contains("h=From:Subject:Date:From;");
        String zone = "s1._domainkey.example.com. IN TXT \"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlO"
                + "QoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6"
                + "lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\"\n";
        assertThat(zoneLine(pkcs1Key, "s1", "example.com")).isEqualTo(zone);
        assertThat(verify(run.stdout(), zone)).containsExactly("pass rsa-sha256 s=s1");

        ByteRun overSign = ok(run("dkim-sign", messageFile.toString(), "--domain", "example.com", "--selector", "s1",
                "--key", pkcs1Key.toString(), "--over-sign", "from:subject:reply-to", "--line-width", "40"));
        assertThat(firstField(overSign.stdout()))
                .contains("h=from:from:reply-to:subject:subject:date:date:to:message-id:message-id;");
        String fieldText = new String(overSign.stdout(), StandardCharsets.US_ASCII).split("\r\n(?! )")[0];
        for (String line : fieldText.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(41);
        }
    }

    /**
     * RFC 8463 A.3 through the command line, byte for byte: sign the unsigned message with the RSA key, then that
     * output with the Ed25519 key, and the published message comes out (each signature's h= leaves the other out).
     */
    @Test
    void reproducesTheRfc8463SignedExampleByteForByte() throws Exception {
        String unsigned = resource("/dkim/rfc8463/rfc8463-unsigned.eml");
        byte[] published = Files.readAllBytes(Path.of(resource("/dkim/rfc8463/rfc8463-a3-ed25519-and-rsa.eml")));
        String[] common = {"--domain", "football.example.com", "--identity", "@football.example.com", "--query-tag",
                "--now", "1528637909", "--headers", "from : to : subject : date : message-id : from : subject : date",
                "--spaced-header-list", "--line-width", "58"};

        ByteRun rsa = ok(run(concat(new String[] {"dkim-sign", unsigned, "--selector", "test",
                "--key", resource("/dkim/rfc8463/rfc8463-rsa-private.pem")}, common)));
        Path rsaSigned = Files.write(dir.resolve("rsa-signed.eml"), rsa.stdout());
        ByteRun both = ok(run(concat(new String[] {"dkim-sign", rsaSigned.toString(), "--selector", "brisbane",
                "--key", resource("/dkim/rfc8463/rfc8463-ed25519.seed.b64"), "--algorithm", "ed25519-sha256"},
                common)));

        assertThat(new String(both.stdout(), StandardCharsets.US_ASCII))
                .isEqualTo(new String(published, StandardCharsets.US_ASCII));
        assertThat(both.stdout()).isEqualTo(published);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void usageErrorsAreOneLineAndExit2() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                + "-----END PRIVATE KEY-----\n");
        Path broken = Files.writeString(dir.resolve("broken.eml"), " continuation first\r\nFrom: a@example.com\r\n");
        String m = messageFile.toString();
        String k = rsaKey.toString();
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s"), "Missing required option");
        assertUsage(run("dkim-sign", "--domain", "example.com", "--selector", "s", "--key", k), "MESSAGE");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", dir + "/none.pem"),
                "--key " + dir + "/none.pem: no such file");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", garbage.toString()),
                "--key " + garbage + ": malformed PKCS#8 key");
        assertUsage(run("dkim-sign", dir + "/none.eml", "--domain", "example.com", "--selector", "s", "--key", k),
                "cannot read message " + dir + "/none.eml: no such file");
        assertUsage(run("dkim-sign", broken.toString(), "--domain", "example.com", "--selector", "s", "--key", k),
                "cannot sign " + broken + ": the header section starts with a continuation line");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--algorithm", "ed25519-sha256"), "--algorithm ed25519-sha256 does not fit the key, which signs"
                + " rsa-sha256");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--algorithm", "rsa-sha1"), "--algorithm must be rsa-sha256 or ed25519-sha256");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--canonicalization", "relaxed"), "must be HEADER/BODY");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--headers", "to:subject"), "must include From");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--identity", "@example.net"), "identity @example.net must be @example.com");
        assertUsage(run("dkim-sign", m, "--domain", "example", "--selector", "s", "--key", k),
                "not a domain name: example");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--expiration", "0"), "expiration must be between 1 and");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--now", "-5"), "--now must be between 0 and");
        assertUsage(run("dkim-sign", m, "--domain", "example.com", "--selector", "s", "--key", k,
                "--line-width", "10"), "--line-width must be between 30 and 998");
        assertUsage(run("dkim-key", "--key", k, "--selector", "bad selector", "--domain", "example.com"),
                "not a selector");
        assertUsage(run("dkim-key", "--key", k, "--domain", "example.com"), "Missing required option");
    }

    /**
     * RFC 6376 §5.4: From must be signed. A message without one has nothing a reader would take as its author, and
     * one with several has two a reader may choose between; the mailet signs neither (SenderDomain): the command
     * does not either (it signed both, exit 0).
     */
    @Test
    void aMessageWithoutExactlyOneFromFieldIsNotSigned() throws IOException {
        Path none = Files.writeString(dir.resolve("nofrom.eml"), "Subject: hi\r\n\r\nbody\r\n");
        Path two = Files.writeString(dir.resolve("twofrom.eml"), "From: a@example.com\r\nFrom: ceo@example.com\r\n"
                + "Subject: hi\r\n\r\nbody\r\n");
        Path empty = Files.writeString(dir.resolve("empty.eml"), "");
        String k = rsaKey.toString();
        assertUsage(run("dkim-sign", none.toString(), "--domain", "example.com", "--selector", "s", "--key", k),
                "cannot sign " + none + ": no From field");
        assertUsage(run("dkim-sign", two.toString(), "--domain", "example.com", "--selector", "s", "--key", k),
                "cannot sign " + two + ": 2 From fields");
        assertUsage(run("dkim-sign", empty.toString(), "--domain", "example.com", "--selector", "s", "--key", k),
                "cannot sign " + empty + ": no From field");
    }

    private static void assertUsage(ByteRun run, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stdout()).as(run.toString()).isEmpty();
        assertThat(run.stderr()).as(run.toString()).contains(message).endsWith("\n");
        assertThat(run.stderr().strip()).as(run.toString()).doesNotContain("\n");
    }

    @Test
    void helpListsTheCommands() {
        ByteRun help = run("--help");
        assertThat(help.text()).contains("dkim-sign").contains("dkim-key");
        ByteRun signHelp = ok(run("dkim-sign", "--help"));
        assertThat(signHelp.text()).contains("--canonicalization").contains("relaxed/relaxed")
                .contains("--expiration").contains("--now").contains("--headers");
    }
}
