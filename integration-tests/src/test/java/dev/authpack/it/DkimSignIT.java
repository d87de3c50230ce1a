package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DkimSign in the outgoing ({@code relay}) processor of a real James, configured as conf-samples/dkimsign-snippet.xml
 * says: its DkimSign mailet as it is, with the sample key table, signing table and keys of conf-samples/dkim/ copied
 * to {@code conf/dkim/}, and the keys' records (conf-samples/dkim/dkim.zone) served by the loopback DNS server.
 * Relayed mail lands in the {@code outgoing} repository; the test reads it there and checks the signatures twice,
 * with verifiers outside this class path: by sending the signed message back into James over SMTP (MailAuthCheck
 * verifies it), and with the real {@code bin/authpack check --checks dkim --dns-records conf-samples/dkim/dkim.zone}.
 * The mailet gets a {@code maxSignedSize} of 64 KiB: a larger message is signed from its header section, its body
 * streamed, and must verify all the same.
 */
class DkimSignIT {
    /** A relay_from client of the sample relay policy ([domain office.example]). */
    private static final String OFFICE_CLIENT = "127.0.0.20";
    private static final String JAMES_RSA = "james.test/rsa2026/rsa-sha256";
    private static final String JAMES_ED25519 = "james.test/ed2026/ed25519-sha256";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(DkimSignIT::configure);

    @TempDir
    static Path tmp;

    private static Path sampleZone() {
        return Locations.confSamples().resolve("dkim/dkim.zone");
    }

    static void configure(AuthpackJames.Builder b) {
        Path samples = Locations.confSamples();
        b.zoneFile(sampleZone());
        // the snippet's mailet with a maxSignedSize of 64 KiB (64 MiB by default), so a 300 KB message is over it
        String mailet = snippetMailet(read(samples.resolve("dkimsign-snippet.xml")))
                .replace("</mailet>", "    <maxSignedSize>64K</maxSignedSize>\n</mailet>");
        String relay = "<processor state=\"relay\" enableJmx=\"false\">";
        b.edit("mailetcontainer.xml", xml -> {
            assertThat(xml).as("mailetcontainer.xml template").contains(relay);
            return xml.replace(relay, relay + "\n" + mailet);
        });
        try (Stream<Path> files = Files.list(samples.resolve("dkim"))) {
            // "copy this folder to conf/dkim/" (conf-samples/dkim/README.md); *.md as the harness does for conf/
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".md")).toList()) {
                b.confFile("dkim/" + f.getFileName(), read(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The snippet's active DkimSign mailet (the one-domain variant is in a comment). */
    static String snippetMailet(String snippet) {
        String active = snippet.replaceAll("(?s)<!--.*?-->", "");
        Matcher m = Pattern.compile(
                "(?s)<mailet match=\"All\" class=\"dev\\.authpack\\.james\\.mailets\\.DkimSign\">.*?</mailet>").matcher(active);
        assertThat(m.find()).as("DkimSign mailet in conf-samples/dkimsign-snippet.xml").isTrue();
        assertThat(m.group()).contains("file://conf/dkim/keytable", "file://conf/dkim/signingtable");
        return m.group();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DeliveredMail outgoing(Submission submission) {
        String id = JAMES.server().send(submission);
        return JAMES.server().awaitMail("outgoing", m -> m.headers("Message-ID").contains(id),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
    }

    /** {@code d/s/a} of each DKIM-Signature field, top to bottom. */
    private static List<String> signatures(DeliveredMail mail) {
        List<String> out = new ArrayList<>();
        for (String field : mail.headers("DKIM-Signature")) {
            String tags = field.replaceAll("\\s+", "");
            out.add(tag(tags, "d") + "/" + tag(tags, "s") + "/" + tag(tags, "a"));
        }
        return out;
    }

    private static String tag(String tags, String name) {
        Matcher m = Pattern.compile("(?:^|;)" + name + "=([^;]*)").matcher(tags);
        return m.find() ? m.group(1) : "?";
    }

    /** Sends the signed message back into James; MailAuthCheck's verdicts, {@code d/s/a=result}. */
    private static List<String> verifiedByJames(DeliveredMail signed) {
        DeliveredMail back = RawMail.create().deliver(JAMES.server(), signed.rawMessage());
        return RawMail.dkimSummary(back);
    }

    private static JsonNode verifiedByTheCli(DeliveredMail signed) throws IOException {
        Path file = Files.createTempFile(tmp, "outgoing", ".eml");
        Files.writeString(file, signed.rawMessage(), StandardCharsets.UTF_8);
        String json = AuthpackScript.run("check", file.toString(), "--checks", "dkim",
                "--dns-records", sampleZone().toString()).ok();
        return new ObjectMapper().readTree(json);
    }

    @Test
    void authenticatedUserMailIsSignedWithTheRsaAndTheEd25519Key() throws IOException {
        DeliveredMail mail = outgoing(Submission.create().clientAddress("127.0.0.5")
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                .mailFrom(JamesExtension.ALICE).rcptTo("friend@remote.example"));
        assertThat(signatures(mail)).as(mail.headerSection()).containsExactly(JAMES_RSA, JAMES_ED25519);

        assertThat(verifiedByJames(mail)).containsExactly(JAMES_RSA + "=pass", JAMES_ED25519 + "=pass");

        JsonNode dkim = verifiedByTheCli(mail).get("dkim");
        assertThat(dkim).as(dkim.toPrettyString()).hasSize(2);
        assertThat(dkim.get(0).get("selector").asText()).isEqualTo("rsa2026");
        assertThat(dkim.get(1).get("selector").asText()).isEqualTo("ed2026");
        for (JsonNode signature : dkim) {
            assertThat(signature.get("result").asText()).as(signature.toPrettyString()).isEqualTo("pass");
            assertThat(signature.get("domain").asText()).isEqualTo("james.test");
        }
    }

    @Test
    void anotherDomainIsSignedWithItsOwnKey() {
        DeliveredMail mail = outgoing(Submission.create().clientAddress(OFFICE_CLIENT)
                .mailFrom("boss@office.example").rcptTo("client@remote.example"));
        assertThat(signatures(mail)).as(mail.headerSection()).containsExactly("office.example/rsa2026/rsa-sha256");
        assertThat(verifiedByJames(mail)).containsExactly("office.example/rsa2026/rsa-sha256=pass");
    }

    @Test
    void subdomainIsSignedByTheParentDomainsWildcardEntry() {
        DeliveredMail mail = outgoing(fromAlice("news@eu.james.test", "reader@remote.example"));
        assertThat(signatures(mail)).as(mail.headerSection()).containsExactly(JAMES_RSA);
        assertThat(verifiedByJames(mail)).containsExactly(JAMES_RSA + "=pass");
    }

    /** Alice, authenticated, sends a message with this From to this recipient. */
    private static Submission fromAlice(String from, String to) {
        return Submission.create().auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                .mailFrom(JamesExtension.ALICE).rcptTo(to).message(TestMessage.create().from(from).to(to));
    }

    /**
     * Review s22: alice of james.test writes another hosted domain's From; its key must not sign it (the SMTP AUTH
     * user James records binds the From), nor may a relay client of office.example's network write james.test's.
     */
    @Test
    void aFromOfAnotherHostedDomainIsNotSigned() {
        DeliveredMail forged = outgoing(fromAlice("boss@office.example", "client@remote.example"));
        assertThat(forged.headers("DKIM-Signature")).as(forged.headerSection()).isEmpty();

        DeliveredMail relayed = outgoing(Submission.create().clientAddress(OFFICE_CLIENT)
                .mailFrom("boss@office.example").rcptTo("client@remote.example")
                .message(TestMessage.create().from("alice@james.test").to("client@remote.example")));
        assertThat(relayed.headers("DKIM-Signature")).as(relayed.headerSection()).isEmpty();
    }

    /**
     * Review s22 (reviewB): the sample relay policy relays for anyone to the backup-MX domain inbound.example
     * ({@code relay_to}), so a stranger's mail reaches the relay processor where the snippet's DkimSign signs
     * everything ({@code match="All"}). With no SMTP AUTH, the Submitter binding is only the MAIL FROM, which the
     * stranger chooses: {@code MAIL FROM:<alice@james.test>} (or the null sender, which binds nothing) and
     * {@code From: alice@james.test} got james.test's signatures, a forgery that passes DKIM and DMARC.
     */
    @Test
    void aStrangersMailRelayedToTheBackupMxDomainIsNotSignedWithAHostedDomainsKey() {
        DeliveredMail spoofedEnvelope = outgoing(Submission.create().clientAddress("127.0.0.5")
                .mailFrom(JamesExtension.ALICE).rcptTo("user@inbound.example")
                .message(TestMessage.create().from(JamesExtension.ALICE).to("user@inbound.example")));
        assertThat(spoofedEnvelope.headers("DKIM-Signature")).as(spoofedEnvelope.headerSection()).isEmpty();

        DeliveredMail nullSender = outgoing(Submission.create().clientAddress("127.0.0.5")
                .mailFrom("").rcptTo("user@inbound.example")
                .message(TestMessage.create().from(JamesExtension.ALICE).to("user@inbound.example")));
        assertThat(nullSender.headers("DKIM-Signature")).as(nullSender.headerSection()).isEmpty();
    }

    @Test
    void fromDomainWithoutKeyIsRelayedUnsigned() {
        DeliveredMail mail = outgoing(Submission.create().mailFrom("app@elsewhere.example")
                .rcptTo("user@remote.example"));
        assertThat(mail.headers("DKIM-Signature")).as(mail.headerSection()).isEmpty();
    }

    @Test
    void localMailIsNotSigned() {
        DeliveredMail mail = JAMES.deliver(Submission.create()
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                .mailFrom(JamesExtension.ALICE).rcptTo(JamesExtension.ALICE));
        assertThat(mail.headers("DKIM-Signature")).as(mail.headerSection()).isEmpty();
    }

    @Test
    void tamperingAfterSigningIsDetected() {
        DeliveredMail mail = outgoing(Submission.create()
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD).mailFrom(JamesExtension.ALICE)
                .rcptTo("friend@remote.example"));
        String tampered = mail.rawMessage().replace("Hello from", "Goodbye from");
        assertThat(tampered).isNotEqualTo(mail.rawMessage());
        DeliveredMail back = RawMail.create().deliver(JAMES.server(), tampered);
        assertThat(RawMail.dkimSummary(back)).containsExactly(JAMES_RSA + "=fail", JAMES_ED25519 + "=fail");
    }

    /**
     * A message over maxSignedSize (64 KiB here), sent over SMTP: James keeps it in a file (over its 100 KiB
     * threshold); DkimSign signs it from its header section, its body streamed, and puts the fields on top without
     * reading it whole. Both signatures verify, in James and with the CLI, and the body arrives as sent.
     */
    @Test
    void aMessageOverMaxSignedSizeIsSignedWithItsBodyStreamedAndVerifies() throws IOException {
        StringBuilder body = new StringBuilder();
        for (int line = 0; body.length() < 300_000; line++) {
            body.append("line ").append(line).append(" of a message  larger than\tmaxSignedSize \r\n");
        }
        body.append("\r\n\r\n");
        DeliveredMail mail = outgoing(Submission.create().clientAddress("127.0.0.5")
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD).mailFrom(JamesExtension.ALICE)
                .rcptTo("friend@remote.example").message(TestMessage.create().from(JamesExtension.ALICE)
                        .to("friend@remote.example").subject("a large one").body(body.toString())));
        assertThat(signatures(mail)).as(mail.headerSection()).containsExactly(JAMES_RSA, JAMES_ED25519);
        assertThat(mail.rawMessage()).endsWith(body.toString());

        assertThat(verifiedByJames(mail)).containsExactly(JAMES_RSA + "=pass", JAMES_ED25519 + "=pass");
        JsonNode dkim = verifiedByTheCli(mail).get("dkim");
        assertThat(dkim).as(dkim.toPrettyString()).hasSize(2);
        for (JsonNode signature : dkim) {
            assertThat(signature.get("result").asText()).as(signature.toPrettyString()).isEqualTo("pass");
        }
    }
}
