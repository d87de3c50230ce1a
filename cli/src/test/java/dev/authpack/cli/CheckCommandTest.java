package dev.authpack.cli;

import static dev.authpack.cli.CliRun.message;
import static dev.authpack.cli.CliRun.run;
import static dev.authpack.cli.CliRun.zone;
import static dev.authpack.cli.SpfCommandTest.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

    private static CliRun check(String... extra) {
        List<String> args = new ArrayList<>(List.of("check", message(), "--dns-records", zone(),
                "--authserv-id", "mx.example.org"));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    private static JsonNode ok(CliRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).as(run.toString()).isEmpty();
        return run.json();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void allChecksPass() {
        CliRun run = check("--client-ip", "192.0.2.10", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com", "--auth-user", "alice");
        JsonNode json = ok(run);
        assertThat(run.fieldNames()).containsExactly(
                "authserv_id", "dkim", "spf", "spf_helo", "iprev", "smtp_auth", "dmarc", "arc",
                "authentication_results");
        JsonNode dmarc = json.get("dmarc");
        assertThat(dmarc.get("result").asText()).isEqualTo("pass");
        assertThat(dmarc.get("domain").asText()).isEqualTo("example.com");
        assertThat(dmarc.get("policy").asText()).isEqualTo("reject");
        assertThat(dmarc.get("disposition").asText()).isEqualTo("none");
        assertThat(dmarc.get("spf_aligned").asBoolean()).isTrue();
        assertThat(dmarc.get("dkim_aligned").asBoolean()).isFalse();
        assertThat(json.get("arc").get("result").asText()).isEqualTo("none");
        assertThat(json.get("arc").get("sets").asInt()).isZero();
        assertThat(json.get("authserv_id").asText()).isEqualTo("mx.example.org");
        // the test message is unsigned: CLI.md's single {"result": "none"}
        assertThat(json.get("dkim").size()).isEqualTo(1);
        assertThat(json.get("dkim").get(0).get("result").asText()).isEqualTo("none");

        JsonNode spf = json.get("spf");
        assertThat(names(spf)).containsExactly("result", "identity", "domain", "mechanism", "explanation",
                "lookups", "void_lookups", "reason", "local_overload");
        assertThat(spf.get("result").asText()).isEqualTo("pass");
        assertThat(spf.get("identity").asText()).isEqualTo("mailfrom");
        assertThat(spf.get("domain").asText()).isEqualTo("example.com");
        assertThat(spf.get("mechanism").asText()).isEqualTo("ip4:192.0.2.0/24");
        assertThat(spf.get("explanation").isNull()).isTrue();

        JsonNode helo = json.get("spf_helo");
        assertThat(helo.get("result").asText()).isEqualTo("pass");
        assertThat(helo.get("identity").asText()).isEqualTo("helo");
        assertThat(helo.get("domain").asText()).isEqualTo("mail.example.com");
        assertThat(helo.get("mechanism").asText()).isEqualTo("a");

        JsonNode iprev = json.get("iprev");
        assertThat(names(iprev)).containsExactly("result", "ip", "names", "reason", "local_overload");
        assertThat(iprev.get("local_overload").asBoolean()).isFalse();
        assertThat(iprev.get("result").asText()).isEqualTo("pass");
        assertThat(iprev.get("ip").asText()).isEqualTo("192.0.2.10");
        assertThat(iprev.get("names").get(0).asText()).isEqualTo("mail.example.com");
        assertThat(iprev.get("names").size()).isEqualTo(1);

        JsonNode auth = json.get("smtp_auth");
        assertThat(names(auth)).containsExactly("result", "user");
        assertThat(auth.get("result").asText()).isEqualTo("pass");
        assertThat(auth.get("user").asText()).isEqualTo("alice");

        assertThat(json.get("authentication_results").asText()).isEqualTo(EXPECTED_ALL_PASS);
        for (JsonNode result : List.of(spf, helo, dmarc, json.get("arc"))) {
            assertThat(localOverload(result)).as(result.toString()).isFalse();
        }
    }

    /**
     * {@code --translator-prefixes}: the SMTP client 192.0.2.10 behind the operator's SIIT/NAT64 translator arrives
     * as 64:ff9b::192.0.2.10 (RFC 6052); with the prefix listed it is checked as 192.0.2.10, as by MailAuthCheck
     * with {@code translatorPrefixes}. Without the option nothing is guessed.
     */
    @Test
    void aClientIpInsideATranslatorPrefixIsCheckedAsItsIpv4Address() {
        // the documentation address 192.0.2.10 under a network-specific prefix: the well-known 64:ff9b::/96 embeds
        // only global addresses (RFC 6052 §3.1, review s20)
        String[] envelope = {"--client-ip", "2001:db8:64::192.0.2.10", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com", "--auth-user", "alice"};
        JsonNode plain = ok(check(envelope));
        assertThat(plain.get("spf").get("result").asText()).isEqualTo("fail");
        List<String> args = new ArrayList<>(List.of(envelope));
        args.addAll(List.of("--translator-prefixes", "64:ff9b::/96, 2001:db8:64::/96"));
        JsonNode json = ok(check(args.toArray(String[]::new)));
        assertThat(json.get("spf").get("result").asText()).isEqualTo("pass");
        assertThat(json.get("iprev").get("ip").asText()).isEqualTo("192.0.2.10");
        assertThat(json.get("authentication_results").asText()).isEqualTo(EXPECTED_ALL_PASS);
        // the same address under the well-known prefix is checked as the IPv6 address it is
        JsonNode wellKnown = ok(check("--client-ip", "64:ff9b::192.0.2.10", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com", "--auth-user", "alice", "--translator-prefixes", "64:ff9b::/96"));
        assertThat(wellKnown.get("spf").get("result").asText()).isEqualTo("fail");
    }

    @Test
    void aBadTranslatorPrefixIsAUsageError() {
        assertUsageError(check("--client-ip", "192.0.2.10", "--translator-prefixes", "64:ff9b::/95"),
                "--translator-prefixes: '64:ff9b::/95'");
    }

    /** The {@code local_overload} member: always there, a boolean. */
    private static boolean localOverload(JsonNode result) {
        JsonNode overload = result.get("local_overload");
        assertThat(overload).as(result.toString()).isNotNull();
        assertThat(overload.isBoolean()).as(result.toString()).isTrue();
        return overload.booleanValue();
    }

    /**
     * Our resolver at its bound did not send the queries for example.com (a local overload): the MAIL FROM check
     * and DMARC, which depend on them, say so, as the mail attributes do; the HELO check, which does not, says
     * false.
     */
    @Test
    void resultsOfQueriesThisServerDidNotSendAreMarkedLocalOverload() {
        CliRun run = CliRun.runWithZoneResolver(zones -> zones.withLocalOverload("example.com"), "check",
                message(), "--dns-records", zone(), "--authserv-id", "mx.example.org", "--client-ip", "192.0.2.10",
                "--helo", "mail.example.com", "--mail-from", "alice@example.com", "--checks", "spf,dmarc");
        JsonNode json = ok(run);
        assertThat(json.get("spf").get("result").asText()).isEqualTo("temperror");
        assertThat(localOverload(json.get("spf"))).isTrue();
        assertThat(json.get("spf_helo").get("result").asText()).isEqualTo("pass");
        assertThat(localOverload(json.get("spf_helo"))).isFalse();
        assertThat(json.get("dmarc").get("result").asText()).as(run.toString()).isEqualTo("temperror");
        assertThat(localOverload(json.get("dmarc"))).isTrue();
    }

    static final String EXPECTED_ALL_PASS = "Authentication-Results: mx.example.org;"
            + " auth=pass smtp.auth=alice;"
            + " dkim=none;"
            + " spf=pass reason=\"192.0.2.10 matched +ip4:192.0.2.0/24 in the SPF record of example.com\""
            + " smtp.mailfrom=example.com;"
            + " spf=pass reason=\"192.0.2.10 matched +a in the SPF record of mail.example.com\""
            + " smtp.helo=mail.example.com;"
            + " dmarc=pass reason=\"p=reject sp=reject dis=none; aligned: SPF example.com\""
            + " header.from=example.com policy.dmarc=reject;"
            + " arc=none;"
            + " iprev=pass reason=\"192.0.2.10 resolves to mail.example.com and back\" policy.iprev=192.0.2.10";

    @Test
    void spfFailIprevFailAndNoAuth() {
        JsonNode json = ok(check("--client-ip", "192.0.2.20", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com"));
        assertThat(json.get("spf").get("result").asText()).isEqualTo("pass");
        assertThat(json.get("spf_helo").get("result").asText()).isEqualTo("fail");
        JsonNode iprev = json.get("iprev");
        assertThat(iprev.get("result").asText()).isEqualTo("fail");
        assertThat(iprev.get("names").get(0).asText()).isEqualTo("liar.example.com");
        JsonNode auth = json.get("smtp_auth");
        assertThat(auth.get("result").asText()).isEqualTo("none");
        assertThat(auth.has("user")).isTrue();
        assertThat(auth.get("user").isNull()).isTrue();
        String authResults = json.get("authentication_results").asText();
        assertThat(authResults).startsWith("Authentication-Results: mx.example.org; ")
                .contains("spf=pass", "iprev=fail").doesNotContain("\r", "\n");
    }

    @Test
    void iprevWithoutPtrIsPermerror() {
        JsonNode json = ok(check("--client-ip", "198.51.100.7", "--checks", "iprev"));
        assertThat(json.get("iprev").get("result").asText()).isEqualTo("permerror");
        assertThat(json.get("iprev").get("names").size()).isZero();
    }

    @Test
    void softfailAndPermerrorReachTheHeader() {
        JsonNode softfail = ok(check("--client-ip", "198.51.100.7", "--helo", "h.example.net",
                "--mail-from", "bob@softfail.example.com", "--checks", "spf"));
        assertThat(softfail.get("spf").get("result").asText()).isEqualTo("softfail");
        assertThat(softfail.get("authentication_results").asText()).contains("spf=softfail");
        JsonNode permerror = ok(check("--client-ip", "198.51.100.7", "--helo", "h.example.net",
                "--mail-from", "bob@broken.example.com", "--checks", "spf"));
        assertThat(permerror.get("spf").get("result").asText()).isEqualTo("permerror");
        assertThat(permerror.get("authentication_results").asText()).contains("spf=permerror");
    }

    @Test
    void checksSelectsMembers() {
        CliRun spfOnly = check("--client-ip", "192.0.2.10", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com", "--checks", "spf");
        ok(spfOnly);
        assertThat(spfOnly.fieldNames()).containsExactly("authserv_id", "spf", "spf_helo", "authentication_results");

        CliRun authOnly = check("--auth-user", "alice", "--checks", "smtp-auth");
        ok(authOnly);
        assertThat(authOnly.fieldNames()).containsExactly("authserv_id", "smtp_auth", "authentication_results");
        assertThat(authOnly.json().get("authentication_results").asText()).contains("auth=pass");

        CliRun two = check("--client-ip", "192.0.2.10", "--checks", " iprev , SMTP-AUTH ");
        ok(two);
        assertThat(two.fieldNames()).containsExactly("authserv_id", "iprev", "smtp_auth", "authentication_results");
    }

    @Test
    void unknownChecksAreUsageErrors() {
        assertUsageError(check("--checks", "spf,bogus"), "unknown check: bogus");
        assertUsageError(check("--checks", ","), "--checks needs at least one");
    }

    @Test
    void clientIpIsRequiredForSpfAndIprev() {
        assertUsageError(check("--mail-from", "alice@example.com"), "--client-ip is required");
        assertUsageError(check("--checks", "iprev"), "--client-ip is required");
        assertUsageError(check("--client-ip", "not-an-ip"), "--client-ip is not an IP address");
    }

    @Test
    void unreadableMessageIsExitTwo(@TempDir Path dir) {
        assertUsageError(run("check", dir.resolve("missing.eml").toString(), "--checks", "smtp-auth"),
                "no such file");
        assertUsageError(run("check", dir.toString(), "--checks", "smtp-auth"), "is a directory");
        assertUsageError(run("check", "--checks", "smtp-auth"), "MESSAGE");
    }

    @Test
    void messageFromStandardInput() {
        CliRun run = CliRun.runWithInput("Subject: hi\n\nbody\n".getBytes(StandardCharsets.UTF_8),
                "check", "-", "--checks", "smtp-auth", "--authserv-id", "mx.example.org");
        assertThat(ok(run).get("smtp_auth").get("result").asText()).isEqualTo("none");
    }

    @Test
    void defaultAuthservIdIsTheHostName() {
        CliRun run = run("check", message(), "--checks", "smtp-auth");
        assertThat(ok(run).get("authserv_id").asText()).isEqualTo(HostName.local());
    }

    @Test
    void outputIsUtf8AndTheHeaderCannotBeBroken() {
        CliRun run = check("--checks", "smtp-auth", "--auth-user", "jos\u00e9\"; spf=pass");
        JsonNode json = ok(run);
        assertThat(json.get("smtp_auth").get("user").asText()).isEqualTo("jos\u00e9\"; spf=pass");
        // the user is one quoted pvalue: its "; spf=pass" cannot start a resinfo of its own
        assertThat(json.get("authentication_results").asText())
                .isEqualTo("Authentication-Results: mx.example.org; auth=pass smtp.auth=\"jos\u00e9\\\"; spf=pass\"");
        // stdout was decoded as UTF-8: the raw (unescaped) character proves UTF-8 output
        assertThat(run.stdout()).contains("\"user\": \"jos\u00e9");
    }

    @Test
    void helpOnEveryCommand() {
        CliRun top = run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.stdout()).contains("check", "spf");
        CliRun check = run("check", "--help");
        assertThat(check.exitCode()).isZero();
        assertThat(check.stdout()).contains("MESSAGE", "--client-ip", "--helo", "--mail-from", "--auth-user",
                "--authserv-id", "--checks", "--dns-records", "--dns-server", "--dns-timeout", "--now");
        CliRun version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).startsWith("authpack ");
    }

    @Test
    void noCommandOrUnknownCommandIsUsageError() {
        assertUsageError(run(), "a command is required");
        assertUsageError(run("frobnicate"), "frobnicate");
    }

    @Test
    void dmarcFailsForAStrangerAndAsksForReject() {
        JsonNode json = ok(check("--client-ip", "198.51.100.7", "--helo", "mail.example.com",
                "--mail-from", "alice@example.com", "--checks", "spf,dkim,dmarc"));
        JsonNode dmarc = json.get("dmarc");
        assertThat(dmarc.get("result").asText()).isEqualTo("fail");
        assertThat(dmarc.get("disposition").asText()).isEqualTo("reject");
        assertThat(dmarc.get("requested_disposition").asText()).isEqualTo("reject");
        assertThat(json.get("authentication_results").asText()).contains("dmarc=fail ")
                .contains("policy.dmarc=reject");
        assertThatNoMember(json, "arc");
    }

    @Test
    void dmarcReadsAnUnreadableHeaderSectionBestEffort(@TempDir Path dir) throws Exception {
        // an attacker hopes that a field name with a space gives permerror and no disposition
        Path eml = dir.resolve("unreadable.eml");
        java.nio.file.Files.writeString(eml, "X-Bad Name: y\r\nFrom: ceo@example.com\r\nSubject: hi\r\n\r\nbody\r\n",
                StandardCharsets.US_ASCII);
        JsonNode json = ok(run("check", eml.toString(), "--dns-records", zone(), "--authserv-id", "mx.example.org",
                "--client-ip", "198.51.100.7", "--helo", "mail.example.com", "--mail-from", "alice@example.com",
                "--checks", "spf,dkim,dmarc"));
        JsonNode dmarc = json.get("dmarc");
        assertThat(dmarc.get("result").asText()).isEqualTo("fail");
        assertThat(dmarc.get("disposition").asText()).isEqualTo("reject");
        assertThat(dmarc.get("reason").asText()).contains("unreadable header section");
    }

    private static void assertThatNoMember(JsonNode json, String name) {
        assertThat(json.has(name)).as(name).isFalse();
    }

    @Test
    void verifiesBothSignaturesOfTheRfc8463Example() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(getClass().getResource("/messages").toURI());
        java.nio.file.Path zone = java.nio.file.Path.of(getClass().getResource("/zones/football.zone").toURI());
        CliRun run = CliRun.run("check", dir.resolve("rfc8463-a3-ed25519-and-rsa.eml").toString(),
                "--checks", "dkim", "--authserv-id", "mx.example.org", "--now", "1528637909",
                "--dns-records", zone.toString());
        JsonNode json = ok(run);
        JsonNode dkim = json.get("dkim");
        assertThat(dkim.size()).isEqualTo(2);
        assertThat(dkim.get(0).get("result").asText()).isEqualTo("pass");
        assertThat(dkim.get(0).get("algorithm").asText()).isEqualTo("ed25519-sha256");
        assertThat(dkim.get(0).get("selector").asText()).isEqualTo("brisbane");
        assertThat(dkim.get(0).get("domain").asText()).isEqualTo("football.example.com");
        assertThat(dkim.get(0).get("identity").asText()).isEqualTo("@football.example.com");
        assertThat(dkim.get(0).get("b").asText()).hasSize(8);
        assertThat(dkim.get(1).get("result").asText()).isEqualTo("pass");
        assertThat(dkim.get(1).get("algorithm").asText()).isEqualTo("rsa-sha256");
        assertThat(localOverload(dkim.get(0))).isFalse();
        assertThat(json.get("authentication_results").asText())
                .contains("dkim=pass header.d=football.example.com header.i=@football.example.com header.s=brisbane"
                        + " header.a=ed25519-sha256 header.b=");
    }

    /** The ed25519 key lookup was not sent (our resolver at its bound): that signature's temperror says so. */
    @Test
    void aDkimKeyLookupThisServerDidNotSendIsMarkedLocalOverload() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(getClass().getResource("/messages").toURI());
        java.nio.file.Path zone = java.nio.file.Path.of(getClass().getResource("/zones/football.zone").toURI());
        CliRun run = CliRun.runWithZoneResolver(
                zones -> zones.withLocalOverload("brisbane._domainkey.football.example.com"), "check",
                dir.resolve("rfc8463-a3-ed25519-and-rsa.eml").toString(), "--checks", "dkim",
                "--authserv-id", "mx.example.org", "--now", "1528637909", "--dns-records", zone.toString());
        JsonNode dkim = ok(run).get("dkim");
        assertThat(dkim.get(0).get("selector").asText()).isEqualTo("brisbane");
        assertThat(dkim.get(0).get("result").asText()).isEqualTo("temperror");
        assertThat(localOverload(dkim.get(0))).isTrue();
        assertThat(dkim.get(1).get("result").asText()).isEqualTo("pass");
        assertThat(localOverload(dkim.get(1))).isFalse();
    }
}
