package dev.authpack.it;

import static dev.authpack.it.RawMail.dkimAttribute;
import static dev.authpack.it.RawMail.dkimResults;
import static dev.authpack.it.RawMail.dkimSummary;
import static dev.authpack.it.RawMail.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DKIM verification by MailAuthCheck in a real James, over SMTP: messages signed by other implementations
 * (src/test/resources/dkim: the RFC 8463 vector, real-world mail, Exim's ed25519 signer) with their keys served by
 * the loopback DNS server, and a message signed by our own signer through the real {@code bin/authpack dkim-sign}
 * script, with keys the JDK made for this run. The sample configuration is used as it is: MailAuthCheck verifies
 * DKIM by default. Every mail is delivered whatever its DKIM result; the verdict is in Authentication-Results and
 * authpack.dkim.
 */
class DkimIT {
    private static final String CLI_DOMAIN = "cli-signed.example";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zoneFile(RawMail.resourceFile("dkim/suite.zone")));

    @TempDir
    static Path keys;
    private static DkimTestKey rsaKey;
    private static DkimTestKey edKey;
    /** Signed by bin/authpack dkim-sign: Ed25519 (simple/simple) on top of RSA (relaxed/relaxed). */
    private static String cliSigned;

    @BeforeAll
    static void signWithTheCli() throws IOException {
        rsaKey = DkimTestKey.rsa(keys, CLI_DOMAIN, "rsa-it");
        edKey = DkimTestKey.ed25519(keys, CLI_DOMAIN, "ed-it");
        JAMES.dns().addZone(rsaKey.zoneLine() + edKey.zoneLine());

        Path unsigned = keys.resolve("unsigned.eml");
        Files.writeString(unsigned, awkwardMessage(), StandardCharsets.US_ASCII);
        Path rsaSigned = keys.resolve("rsa-signed.eml");
        String rsaOut = AuthpackScript.run("dkim-sign", unsigned.toString(), "--domain", CLI_DOMAIN,
                "--selector", rsaKey.selector(), "--key", rsaKey.pemFile().toString()).ok();
        Files.writeString(rsaSigned, rsaOut, StandardCharsets.ISO_8859_1);
        cliSigned = AuthpackScript.run("dkim-sign", rsaSigned.toString(), "--domain", CLI_DOMAIN,
                "--selector", edKey.selector(), "--key", edKey.pemFile().toString(),
                "--canonicalization", "simple/simple").ok();
        assertThat(cliSigned).startsWith("DKIM-Signature:").endsWith(awkwardMessage().substring(
                awkwardMessage().indexOf("\r\n\r\n")));
    }

    /**
     * What SMTP transport must carry unchanged for a simple/simple signature to survive: lines that DATA
     * dot-stuffs ({@code .}, {@code ..}, a lone dot), trailing white space, a folded field, a long line, and empty
     * lines at the end of the body.
     */
    private static String awkwardMessage() {
        return "From: Carol <carol@" + CLI_DOMAIN + ">\r\n"
                + "To: alice@james.test\r\n"
                + "Subject: signed by bin/authpack dkim-sign\r\n"
                + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <dkim-it-cli@" + CLI_DOMAIN + ">\r\n"
                + "X-Folded: first part\r\n\tsecond part\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + ".a line SMTP must dot-stuff\r\n"
                + "..two dots\r\n"
                + ".\r\n"
                + "trailing white space \t \r\n"
                + "x".repeat(900) + "\r\n"
                + "\r\n"
                + "\r\n";
    }

    @Test
    void messageSignedByTheCliPassesBothSignatures() {
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(), cliSigned);
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactly(
                CLI_DOMAIN + "/ed-it/ed25519-sha256=pass", CLI_DOMAIN + "/rsa-it/rsa-sha256=pass");
        assertThat(dkimResults(mail)).allSatisfy(r -> assertThat(r.property("header.i")).hasValue("@" + CLI_DOMAIN));
        assertThat(mail.body()).contains("\r\n..two dots\r\n", "\r\n.\r\n");
    }

    @Test
    void bodyChangedAfterTheCliSignedFails() {
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(), cliSigned.replace("two dots", "2 dots"));
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactly(
                CLI_DOMAIN + "/ed-it/ed25519-sha256=fail", CLI_DOMAIN + "/rsa-it/rsa-sha256=fail");
    }

    @Test
    void whiteSpaceChangeFailsOnlyTheSimpleSignature() {
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(),
                cliSigned.replace("trailing white space \t \r\n", "trailing white space\r\n"));
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactly(
                CLI_DOMAIN + "/ed-it/ed25519-sha256=fail", CLI_DOMAIN + "/rsa-it/rsa-sha256=pass");
    }

    @Test
    void servfailForTheCliKeyIsTemperror() {
        JAMES.dns().servfail(rsaKey.recordName());
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(), cliSigned);
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactly(
                CLI_DOMAIN + "/ed-it/ed25519-sha256=pass", CLI_DOMAIN + "/rsa-it/rsa-sha256=temperror");
    }

    @Test
    void theCliRunsAsAProcessNotFromTheTestClassPath() {
        for (String name : List.of("dev.authpack.cli.AuthpackCli", "dev.authpack.dkim.DkimSigner")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> Class.forName(name, false, DkimIT.class.getClassLoader()))
                    .as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }

    private static DeliveredMail deliver(String messageFile) {
        return RawMail.create().deliver(JAMES.server(), resource("dkim/messages/" + messageFile));
    }

    /** Each signature of the message passes: {@code expected} lists {@code d/s/a=result} top to bottom. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "rfc8463-a3-ed25519-and-rsa.eml; football.example.com/brisbane/ed25519-sha256=pass"
                + " | football.example.com/test/rsa-sha256=pass",
        "exim-prototype-ed25519.eml; test.ex/sed/ed25519-sha256=pass",
        "github-2022-large-html.eml; github.com/dk2016/rsa-sha256=pass",
        "facebookmail-2022.eml; facebookmail.com/s1024-2013-q3/rsa-sha256=pass",
        "gmail-2013-degenerate-folding.eml; gmail.com/20120113/rsa-sha256=pass",
        "ietf-list-2022-relaxed-simple.eml; ietf.org/ietf1/rsa-sha256=pass | ietf.org/ietf1/rsa-sha256=pass",
    })
    void signaturesOfOtherImplementationsPass(String messageFile, String expected) {
        DeliveredMail mail = deliver(messageFile);
        List<String> want = List.of(expected.split("\\s*\\|\\s*"));
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactlyElementsOf(want);
        assertThat(dkimAttribute(mail)).hasSize(want.size())
                .allSatisfy(a -> assertThat(((Map<?, ?>) a).get("result")).isEqualTo("pass"));
        // James added its own Received field to the signed header section, and the signatures still pass
        assertThat(mail.headers("Received").get(0)).contains("JAMES SMTP Server");
    }

    @Test
    void rfc8463VectorReportsEveryProperty() {
        DeliveredMail mail = deliver("rfc8463-a3-ed25519-and-rsa.eml");
        List<AuthResultsField.Resinfo> dkim = dkimResults(mail);
        assertThat(dkim).hasSize(2);
        assertThat(dkim.get(0).properties()).containsEntry("header.d", "football.example.com")
                .containsEntry("header.i", "@football.example.com")
                .containsEntry("header.s", "brisbane")
                .containsEntry("header.a", "ed25519-sha256")
                .containsEntry("header.b", "/gCrinpc");
        assertThat(dkim.get(1).properties()).containsEntry("header.s", "test")
                .containsEntry("header.a", "rsa-sha256")
                .containsEntry("header.b", "F45dVWDf");
        Map<?, ?> first = (Map<?, ?>) dkimAttribute(mail).get(0);
        assertThat(first.get("domain")).isEqualTo("football.example.com");
        assertThat(first.get("selector")).isEqualTo("brisbane");
        assertThat(first.get("algorithm")).isEqualTo("ed25519-sha256");
        assertThat(first.get("b")).isEqualTo("/gCrinpc");
    }

    @Test
    void bodyChangedAfterSigningFails() {
        DeliveredMail mail = deliver("neg-body-modified.eml");
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactly(
                "football.example.com/brisbane/ed25519-sha256=fail", "football.example.com/test/rsa-sha256=fail");
        assertThat(dkimAttribute(mail)).allSatisfy(a ->
                assertThat(String.valueOf(((Map<?, ?>) a).get("reason"))).containsIgnoringCase("body"));
    }

    @Test
    void signedHeaderChangedAfterSigningFails() {
        DeliveredMail mail = deliver("neg-header-modified.eml");
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactly(
                "football.example.com/brisbane/ed25519-sha256=fail", "football.example.com/test/rsa-sha256=fail");
    }

    @Test
    void unsignedMessageIsNone() {
        DeliveredMail mail = deliver("rfc8463-unsigned.eml");
        assertThat(dkimResults(mail)).as(mail.headerSection()).singleElement()
                .satisfies(r -> assertThat(r.result()).isEqualTo("none"));
        assertThat(dkimAttribute(mail)).isEmpty();
    }

    @Test
    void unsignedTestMessageIsNoneToo() {
        DeliveredMail mail = JAMES.deliver(Submission.create());
        assertThat(Expectations.ourField(mail).result("dkim")).as(mail.headerSection()).hasValue("none");
    }

    @Test
    void keyLookupServfailIsTemperrorAndTheOtherSignatureStillPasses() {
        JAMES.dns().servfail("brisbane._domainkey.football.example.com");
        DeliveredMail mail = deliver("neg-dns-timeout.eml");
        assertThat(dkimSummary(mail)).as(mail.headerSection()).containsExactly(
                "football.example.com/brisbane/ed25519-sha256=temperror",
                "football.example.com/test/rsa-sha256=pass");
    }
}
