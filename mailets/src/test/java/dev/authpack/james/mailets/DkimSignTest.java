package dev.authpack.james.mailets;

import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.HeldWhole;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.ConfSamples;
import dev.authpack.james.FakeFileSystem;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimPrefetch;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dkim.internal.BodyTail;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dkim.sign.KeyRecordText;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageUtil;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DkimSignTest {
    /** 8-bit header and body octets, a folded header, odd spacing, a base64 part: all must survive unchanged. */
    static final String MESSAGE = "Received: from client.example.com (client.example.com [192.0.2.7])\r\n"
            + "\tby mx.example.com; Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            + "From: Joe SixPack <joe@example.com>\r\n"
            + "To: Suzie Q <suzie@shopping.example.net>\r\n"
            + "Subject:   Is dinner ready?  caf\u00e9\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
            + "Message-ID: <20030712040037.46341.5F8J@example.com>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
            + "\r\n"
            + "--b1\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Hi.  We lost the game.  Are you hungry yet?  d\u00e9j\u00e0 vu\r\n"
            + "--b1\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "\r\n"
            + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\r\n"
            + "ISIjJCUmJygpKissLS4vMDEy\r\n"
            + "--b1--\r\n";

    @TempDir
    static Path dir;
    static Path rsaFile;
    static Path edFile;
    static Path rsa2File;
    static DkimSigningKey rsa;
    static DkimSigningKey ed;
    static DkimSigningKey rsa2;

    @BeforeAll
    static void keys() throws Exception {
        rsaFile = writeKey("keys/rsa.pem", "RSA");
        edFile = writeKey("keys/ed.pem", "Ed25519");
        rsa2File = writeKey("keys/rsa2.pem", "RSA");
        rsa = DkimKeys.load(rsaFile);
        ed = DkimKeys.load(edFile);
        rsa2 = DkimKeys.load(rsa2File);
    }

    private static Path writeKey(String name, String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) {
            generator.initialize(2048);
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return write(name, pem);
    }

    private static Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static DkimSign mailet(Map<String, String> parameters) throws MessagingException {
        return mailet(new DkimSign(), parameters);
    }

    private static DkimSign mailet(DkimSign mailet, Map<String, String> parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DkimSign");
        parameters.forEach(config::setProperty);
        mailet.init(config.build());
        return mailet;
    }

    private static Map<String, String> single(String... more) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("domain", "example.com");
        parameters.put("selector", "rsa");
        parameters.put("privateKey", rsaFile.toString());
        for (int i = 0; i < more.length; i += 2) {
            parameters.put(more[i], more[i + 1]);
        }
        return parameters;
    }

    private static FakeMail mail(byte[] message) throws Exception {
        return mail(message, "joe@example.com");
    }

    /** A mail from {@code sender} (null: the null sender). */
    private static FakeMail mail(byte[] message, String sender) throws Exception {
        return mail(message, sender, "127.0.0.1");
    }

    /** A mail from {@code sender} (null: the null sender), from a client at {@code client}. */
    private static FakeMail mail(byte[] message, String sender, String client) throws Exception {
        FakeMail.Builder builder = FakeMail.builder().name("m1").remoteAddr(client)
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message)))
                .recipient("suzie@shopping.example.net");
        return (sender == null ? builder : builder.sender(sender)).build();
    }

    private static byte[] written(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    private static String zone() {
        return String.join("\n", KeyRecordText.zoneLine("rsa", "example.com", rsa),
                KeyRecordText.zoneLine("ed", "example.com", ed),
                KeyRecordText.zoneLine("org", "example.org", rsa2),
                KeyRecordText.zoneLine("rsa", "sub.example.com", rsa)) + "\n";
    }

    private static DkimReport verify(byte[] message, String zone) throws Exception {
        return new DkimVerifier(new ZoneFileResolver(zone), DkimVerifyOptions.defaults()).verify(message)
                .get(10, TimeUnit.SECONDS);
    }

    private static List<String> passes(byte[] message) throws Exception {
        List<String> out = new ArrayList<>();
        for (DkimResult r : verify(message, zone()).results()) {
            out.add(r.status().word() + " d=" + r.domain() + " s=" + r.selector() + " a=" + r.algorithm());
        }
        return out;
    }

    /** The output is the input with {@code count} new fields on top, octet for octet. */
    private static void assertPrepended(byte[] signed, byte[] input, int count) throws Exception {
        assertThat(Arrays.copyOfRange(signed, signed.length - input.length, signed.length)).isEqualTo(input);
        RawMessage parsed = RawMessage.parse(signed);
        List<HeaderField> fields = parsed.fields();
        for (int i = 0; i < count; i++) {
            assertThat(fields.get(i).name()).isEqualTo("DKIM-Signature");
        }
        assertThat(offsetOf(signed, fields.get(count))).isEqualTo(signed.length - input.length);
    }

    private static int offsetOf(byte[] message, HeaderField field) {
        byte[] raw = field.rawBytes();
        outer:
        for (int i = 0; i + raw.length <= message.length; i++) {
            for (int j = 0; j < raw.length; j++) {
                if (message[i + j] != raw[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void rsaSignatureVerifiesAndKeepsEveryOctet() throws Exception {
        byte[] input = bytes(MESSAGE);
        FakeMail mail = mail(input);
        mailet(single()).service(mail);

        byte[] signed = written(mail);
        assertPrepended(signed, input, 1);
        String field = new String(signed, 0, signed.length - input.length, StandardCharsets.ISO_8859_1);
        assertThat(field.replace("\r\n ", " ")).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;"
                + " d=example.com; s=rsa; t=");
        assertThat(field.replaceAll("\\s+", ""))
                .contains("h=from:from:reply-to:subject:subject:date:date:to:to:cc:message-id:message-id:"
                        + "mime-version:mime-version:content-type:content-type;");
        assertThat(passes(signed)).containsExactly("pass d=example.com s=rsa a=rsa-sha256");
    }

    @Test
    void ed25519Signature() throws Exception {
        FakeMail mail = mail(bytes(MESSAGE));
        mailet(Map.of("domain", "example.com", "selector", "ed", "privateKey", edFile.toString())).service(mail);
        assertThat(passes(written(mail))).containsExactly("pass d=example.com s=ed a=ed25519-sha256");
    }

    @Test
    void rsaAndEd25519AtOnceRsaOnTop() throws Exception {
        byte[] input = bytes(MESSAGE);
        FakeMail mail = mail(input);
        mailet(single("selector2", "ed", "privateKey2", edFile.toString())).service(mail);

        byte[] signed = written(mail);
        assertPrepended(signed, input, 2);
        assertThat(passes(signed)).containsExactly("pass d=example.com s=rsa a=rsa-sha256",
                "pass d=example.com s=ed a=ed25519-sha256");
    }

    @Test
    void signedBytesSurviveJamesOwnCopyAndWritePath() throws Exception {
        byte[] input = bytes(MESSAGE);
        // as James receives it over SMTP: a MimeMessageWrapper over the received octets
        MimeMessageWrapper received = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(input)));
        MailImpl mail = MailImpl.builder().name("m1").sender("joe@example.com")
                .addRecipient("suzie@shopping.example.net").mimeMessage(received).build();
        try {
            // James 3.8.1 itself writes header fields as US-ASCII: the 8-bit octets of the Subject come out as '?'
            // from the first write on, before any signing; the body is copied as received
            byte[] asJamesWritesIt = written(mail);
            assertThat(new String(asJamesWritesIt, StandardCharsets.UTF_8))
                    .isEqualTo(MESSAGE.replace("caf\u00e9\r\n", "caf??\r\n"));
            input = asJamesWritesIt;

            mailet(single("selector2", "ed", "privateKey2", edFile.toString())).service(mail);

            // MailImpl.setMessage copied the signed message into a MimeMessageWrapper; queues and repositories
            // write it with MimeMessageUtil, RemoteDelivery with writeTo
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            MimeMessageUtil.writeTo(mail.getMessage(), stored, stored);
            byte[] signed = stored.toByteArray();
            assertPrepended(signed, input, 2);
            assertThat(written(mail)).isEqualTo(signed);
            assertThat(passes(signed)).containsExactly("pass d=example.com s=rsa a=rsa-sha256",
                    "pass d=example.com s=ed a=ed25519-sha256");
        } finally {
            mail.dispose();
        }
    }

    @Test
    void keyTableSignsForSeveralDomains() throws Exception {
        write("tables/keytable", """
                ex-rsa   example.com:rsa:%s
                ex-ed    example.com:ed:%s
                org      example.org:org:../keys/rsa2.pem
                """.formatted(rsaFile, edFile));
        write("tables/signingtable", """
                example.com     ex-rsa ex-ed
                *.example.com   ex-rsa
                example.org     org
                """);
        DkimSign mailet = mailet(Map.of("keyTable", dir.resolve("tables/keytable").toString(),
                "signingTable", dir.resolve("tables/signingtable").toString()));

        FakeMail com = mail(bytes(MESSAGE));
        mailet.service(com);
        assertThat(passes(written(com))).containsExactly("pass d=example.com s=rsa a=rsa-sha256",
                "pass d=example.com s=ed a=ed25519-sha256");

        FakeMail org = mail(bytes(MESSAGE.replace("joe@example.com", "ann@Example.ORG")), "ann@example.org");
        mailet.service(org);
        assertThat(passes(written(org))).containsExactly("pass d=example.org s=org a=rsa-sha256");

        FakeMail sub = mail(bytes(MESSAGE.replace("joe@example.com", "news@lists.example.com")));
        mailet.service(sub);
        assertThat(passes(written(sub))).containsExactly("pass d=example.com s=rsa a=rsa-sha256");
    }

    @Test
    void confLocationsThroughJamesFileSystem() throws Exception {
        Path conf = dir.resolve("james/conf");
        Files.createDirectories(conf.resolve("dkim"));
        Files.copy(edFile, conf.resolve("dkim/ed.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(conf.resolve("dkim/keytable"), "k example.com:ed:file://conf/dkim/ed.pem\n");
        Files.writeString(conf.resolve("dkim/signingtable"), "*.example.com k\nexample.com k\n");
        DkimSign mailet = mailet(new DkimSign(fileSystem(dir.resolve("james"))),
                Map.of("keyTable", "file://conf/dkim/keytable", "signingTable", "file://conf/dkim/signingtable"));
        FakeMail mail = mail(bytes(MESSAGE));
        mailet.service(mail);
        assertThat(passes(written(mail))).containsExactly("pass d=example.com s=ed a=ed25519-sha256");

        DkimSign single = mailet(new DkimSign(fileSystem(dir.resolve("james"))),
                Map.of("domain", "example.com", "selector", "ed", "privateKey", "file://conf/dkim/ed.pem"));
        FakeMail other = mail(bytes(MESSAGE));
        single.service(other);
        assertThat(passes(written(other))).containsExactly("pass d=example.com s=ed a=ed25519-sha256");
    }

    @Test
    void sampleConfigurationSignsAndItsZoneVerifies() throws Exception {
        Path samples = ConfSamples.dir();
        Path sampleConf = dir.resolve("sample");
        ConfSamples.copyInto("dkim", sampleConf);
        String snippet = Files.readString(samples.resolve("dkimsign-snippet.xml"));
        assertThat(snippet).contains("<keyTable>file://conf/dkim/keytable</keyTable>")
                .contains("<signingTable>file://conf/dkim/signingtable</signingTable>");
        DkimSign mailet = mailet(new DkimSign(fileSystem(sampleConf)),
                Map.of("keyTable", "file://conf/dkim/keytable", "signingTable", "file://conf/dkim/signingtable"));
        String zone = Files.readString(samples.resolve("dkim/dkim.zone"));

        FakeMail james = mail(bytes(MESSAGE.replace("joe@example.com", "alice@james.test")), "alice@james.test");
        mailet.service(james);
        assertThat(verify(written(james), zone).results()).extracting(r -> r.status() + " " + r.selector())
                .containsExactly("PASS rsa2026", "PASS ed2026");
        FakeMail office = mail(bytes(MESSAGE.replace("joe@example.com", "bob@office.example")), "bob@office.example");
        mailet.service(office);
        assertThat(verify(written(office), zone).results()).extracting(r -> r.status() + " " + r.domain())
                .containsExactly("PASS office.example");
    }

    @Test
    void parametersShapeTheSignature() throws Exception {
        FakeMail mail = mail(bytes(MESSAGE));
        mailet(single("canonicalization", "simple/relaxed", "headers", "From:Subject:Date:From",
                "expiration", "86400", "identity", "joe@mail.example.com")).service(mail);
        byte[] signed = written(mail);
        String field = RawMessage.parse(signed).fields().get(0).unfoldedValue().replaceAll("\\s+", " ");
        assertThat(field).contains("c=simple/relaxed;").contains("i=joe@mail.example.com;");
        assertThat(field.replace(" ", "")).contains("h=From:Subject:Date:From;");
        long t = Long.parseLong(field.replaceAll(".* t=(\\d+);.*", "$1"));
        assertThat(field).contains("x=" + (t + 86400) + ";");
        assertThat(passes(signed)).containsExactly("pass d=example.com s=rsa a=rsa-sha256");

        FakeMail plain = mail(bytes(MESSAGE));
        mailet(single("overSignedHeaders", "from, subject, reply-to")).service(plain);
        assertThat(RawMessage.parse(written(plain)).fields().get(0).unfoldedValue().replaceAll("\\s+", ""))
                .contains("h=from:from:reply-to:subject:subject:date:date:to:message-id:message-id:"
                        + "mime-version:mime-version:content-type:content-type;");

        // review s22: nothing over-signed asked for, From still is (an added From must break the signature)
        FakeMail none = mail(bytes(MESSAGE));
        mailet(single("overSignedHeaders", "")).service(none);
        assertThat(RawMessage.parse(written(none)).fields().get(0).unfoldedValue().replaceAll("\\s+", ""))
                .contains("h=from:from:subject:date:date:to:message-id:message-id:mime-version:mime-version:"
                        + "content-type:content-type;");
        FakeMail listed = mail(bytes(MESSAGE));
        mailet(single("headers", "from:subject")).service(listed);
        assertThat(RawMessage.parse(written(listed)).fields().get(0).unfoldedValue().replaceAll("\\s+", ""))
                .contains("h=from:subject:from;");
    }

    @Test
    void noKeyForTheFromDomainLeavesTheMailAlone() throws Exception {
        FakeMail other = mail(bytes(MESSAGE.replace("joe@example.com", "joe@example.net")));
        MimeMessage before = other.getMessage();
        DkimSign mailet = mailet(single());
        mailet.service(other);
        assertThat(other.getMessage()).isSameAs(before);
        assertThat(before.getHeader("DKIM-Signature")).isNull();

        // fromDomains widens what is signed (a third-party signature here)
        FakeMail signedAnyway = mail(bytes(MESSAGE.replace("joe@example.com", "joe@example.net")), "joe@example.net");
        mailet(single("fromDomains", "*")).service(signedAnyway);
        assertThat(passes(written(signedAnyway))).containsExactly("pass d=example.com s=rsa a=rsa-sha256");

        // the default covers subdomains: *.example.com
        FakeMail sub = mail(bytes(MESSAGE.replace("joe@example.com", "joe@sub.example.com")));
        mailet.service(sub);
        assertThat(sub.getMessage().getHeader("DKIM-Signature")).hasSize(1);
    }

    /**
     * Review s22: a user of another domain hosted on the same James (or anyone whose mail reaches the mailet) writes
     * someone else's From: the key of the From domain must not sign it, or the forgery passes DKIM and DMARC.
     */
    @Test
    void aFromThatIsNotTheSubmittersIsNotSigned() throws Exception {
        DkimSign mailet = mailet(single());
        FakeMail forged = FakeMail.builder().name("forged")
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(bytes(MESSAGE))))
                .sender("mallory@tenant.example").recipient("suzie@shopping.example.net")
                .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("mallory@tenant.example"))).build();
        MimeMessage before = forged.getMessage();
        mailet.service(forged);
        assertThat(forged.getMessage()).isSameAs(before);
        assertThat(before.getHeader("DKIM-Signature")).isNull();

        // the envelope sender alone (a client of the relay networks, no AUTH) binds it too
        FakeMail relayed = mail(bytes(MESSAGE), "app@tenant.example");
        mailet.service(relayed);
        assertThat(relayed.getMessage().getHeader("DKIM-Signature")).isNull();

        // an authenticated user of example.com may sign as example.com and its subdomains, not as its parent
        FakeMail own = mail(bytes(MESSAGE.replace("joe@example.com", "news@eu.example.com")));
        own.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("joe@example.com")));
        mailet.service(own);
        assertThat(own.getMessage().getHeader("DKIM-Signature")).hasSize(1);
        FakeMail parent = mail(bytes(MESSAGE), "joe@eu.example.com");
        parent.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("joe@eu.example.com")));
        mailet.service(parent);
        assertThat(parent.getMessage().getHeader("DKIM-Signature")).isNull();
        // a return path on a bounce subdomain is fine
        FakeMail bounces = mail(bytes(MESSAGE), "b+1@bounces.example.com");
        mailet.service(bounces);
        assertThat(bounces.getMessage().getHeader("DKIM-Signature")).hasSize(1);

        // a bounce (null sender, no AUTH) is signed; allowSenderMismatch turns the binding off
        FakeMail bounce = mail(bytes(MESSAGE), null);
        mailet.service(bounce);
        assertThat(bounce.getMessage().getHeader("DKIM-Signature")).hasSize(1);
        FakeMail allowed = mail(bytes(MESSAGE), "app@tenant.example");
        mailet(single("allowSenderMismatch", "true")).service(allowed);
        assertThat(allowed.getMessage().getHeader("DKIM-Signature")).hasSize(1);
    }

    /**
     * Review s23: a From whose display name shows another domain's address (which many clients show alone) is passed
     * on unsigned; {@code allowForeignDisplayName} signs it (a mailing list's "'alice@a' via list").
     */
    @Test
    void aDisplayNameShowingAnotherDomainsAddressIsNotSigned() throws Exception {
        String shown = MESSAGE.replace("From: Joe SixPack <joe@example.com>",
                "From: \"ceo@bank.example\" <joe@example.com>");
        FakeMail refused = mail(bytes(shown));
        mailet(single()).service(refused);
        assertThat(refused.getMessage().getHeader("DKIM-Signature")).isNull();
        assertThat(written(refused)).isEqualTo(bytes(shown));
        FakeMail allowed = mail(bytes(shown));
        mailet(single("allowForeignDisplayName", "true")).service(allowed);
        assertThat(allowed.getMessage().getHeader("DKIM-Signature")).hasSize(1);
        FakeMail own = mail(bytes(MESSAGE.replace("Joe SixPack <", "\"joe@example.com\" <")));
        mailet(single()).service(own);
        assertThat(own.getMessage().getHeader("DKIM-Signature")).hasSize(1);
    }

    /**
     * Review s22 (reviewB): a stranger relayed to a backup-MX domain (relay_to) writes MAIL FROM and From of a
     * signed domain, or the null sender: with no SMTP AUTH, nothing it does not choose binds the From. Only the mail
     * of a client that authenticated, that the relay policy trusted (RelayAllowed's attribute) or that is in
     * signNetworks (default the loopback addresses) is signed; signAnyClient restores the old behaviour.
     */
    @Test
    void aStrangersMailIsNotSigned() throws Exception {
        DkimSign mailet = mailet(single());
        for (String sender : java.util.Arrays.asList("joe@example.com", null)) {
            FakeMail stranger = mail(bytes(MESSAGE), sender, "192.0.2.9");
            mailet.service(stranger);
            assertThat(stranger.getMessage().getHeader("DKIM-Signature")).as(sender).isNull();
        }
        FakeMail local = mail(bytes(MESSAGE), null, "127.0.0.1");
        mailet.service(local);
        assertThat(local.getMessage().getHeader("DKIM-Signature")).hasSize(1);
        FakeMail trusted = mail(bytes(MESSAGE), "joe@example.com", "192.0.2.9");
        trusted.setAttribute(new Attribute(dev.authpack.james.MailRelayRequests.TRUSTED_CLIENT,
                AttributeValue.of("relay_from")));
        mailet.service(trusted);
        assertThat(trusted.getMessage().getHeader("DKIM-Signature")).hasSize(1);
        FakeMail authenticated = mail(bytes(MESSAGE), "joe@example.com", "192.0.2.9");
        authenticated.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("joe@example.com")));
        mailet.service(authenticated);
        assertThat(authenticated.getMessage().getHeader("DKIM-Signature")).hasSize(1);

        FakeMail listed = mail(bytes(MESSAGE), "joe@example.com", "192.0.2.9");
        mailet(single("signNetworks", "198.51.100.0/24, 192.0.2.0/28")).service(listed);
        assertThat(listed.getMessage().getHeader("DKIM-Signature")).hasSize(1);
        FakeMail notLocal = mail(bytes(MESSAGE), null, "127.0.0.1");
        mailet(single("signNetworks", "")).service(notLocal);
        assertThat(notLocal.getMessage().getHeader("DKIM-Signature")).isNull();
        FakeMail any = mail(bytes(MESSAGE), "joe@example.com", "192.0.2.9");
        mailet(single("signAnyClient", "true")).service(any);
        assertThat(any.getMessage().getHeader("DKIM-Signature")).hasSize(1);
    }

    /** Review s22: the same binding for a message signed with its body streamed. */
    @Test
    void aFromThatIsNotTheSubmittersIsNotSignedWhenStreamed() throws Exception {
        byte[] octets = CountingMessages.withBody(LARGE, 2 * LIMIT);
        FakeMail mail = FakeMail.builder().name("large").mimeMessage(CountingMessages.message(octets).message())
                .sender("mallory@tenant.example").recipient("suzie@shopping.example.net").build();
        mailet(single("maxSignedSize", "1M")).service(mail);
        assertThat(mail.getMessage().getHeader("DKIM-Signature")).isNull();
    }

    @Test
    void badMailPassesUnsignedWithoutException() throws Exception {
        DkimSign mailet = mailet(single());
        FakeMail noFrom = mail(bytes("To: bob@example.net\r\nSubject: x\r\n\r\nbody\r\n"));
        MimeMessage before = noFrom.getMessage();
        mailet.service(noFrom);
        assertThat(noFrom.getMessage()).isSameAs(before);

        // a header line without a colon: javax.mail reads it, our parser does not
        FakeMail broken = mail(bytes("From: joe@example.com\r\nthis line has no colon\r\n\r\nbody\r\n"));
        MimeMessage brokenBefore = broken.getMessage();
        mailet.service(broken);
        assertThat(broken.getMessage()).isSameAs(brokenBefore);

        FakeMail empty = FakeMail.builder().name("no message").recipient("a@example.net").build();
        mailet.service(empty);
        assertThat(empty.getMessage()).isNull();
    }

    @Test
    void badKeyFileStopsInit() throws Exception {
        Path weak = write("keys/weak.pem", "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n"
                + "-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> mailet(single("privateKey", weak.toString())))
                .isInstanceOf(MessagingException.class)
                .hasMessageStartingWith("DkimSign: privateKey: " + weak + ": ");
        assertThatThrownBy(() -> mailet(single("privateKey", dir.resolve("keys/none.pem").toString())))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("none.pem: cannot read the key file");
        assertThatThrownBy(() -> mailet(single("privateKey", "keys/rsa.pem")))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("privateKey: relative path 'keys/rsa.pem'");
    }

    @Test
    void badTableLineStopsInitWithFileAndLine() throws Exception {
        Path keyTable = write("bad/keytable", "ok example.com:rsa:" + rsaFile + "\n# two\nbroken example.com\n");
        Path signingTable = write("bad/signingtable", "example.com ok\n");
        assertThatThrownBy(() -> mailet(Map.of("keyTable", keyTable.toString(),
                "signingTable", signingTable.toString())))
                .isInstanceOf(MessagingException.class)
                .hasMessage("DkimSign: " + keyTable + ":3: expected DOMAIN:SELECTOR:KEYFILE after the name, not"
                        + " 'example.com'");

        Path goodKeys = write("bad/keytable2", "ok example.com:rsa:" + rsaFile + "\n");
        Path badSigning = write("bad/signingtable2", "example.com ok\n*.example.com nosuchkey\n");
        assertThatThrownBy(() -> mailet(Map.of("keyTable", goodKeys.toString(),
                "signingTable", badSigning.toString())))
                .isInstanceOf(MessagingException.class)
                .hasMessage("DkimSign: " + badSigning + ":2: no key named 'nosuchkey' in the key table");
    }

    @Test
    void badParametersStopInit() {
        assertInitFails(Map.of(), "no key: give domain, selector and privateKey");
        assertInitFails(single("selector2", "ed"), "selector2 and privateKey2 go together");
        assertInitFails(single("selector2", "rsa", "privateKey2", edFile.toString()), "selector2 must differ");
        assertInitFails(single("keyTable", "/x", "signingTable", "/y"), "give either keyTable and signingTable");
        assertInitFails(Map.of("keyTable", "/x"), "parameter signingTable is required");
        assertInitFails(single("canonicalization", "relaxed"), "must be HEADER/BODY");
        assertInitFails(single("headers", "to:subject"), "must include From");
        assertInitFails(single("expiration", "soon"), "not a whole number of seconds");
        assertInitFails(single("identity", "joe@example.net"), "identity joe@example.net must be @example.com");
        assertInitFails(single("domain", "not_a_domain"), "not a domain name");
        assertInitFails(single("fromDomains", "joe@example.com"), "not addresses");
        assertInitFails(single("allowSenderMismatch", "maybe"), "parameter allowSenderMismatch must be true or false");
        assertInitFails(single("headers", "from:x;l=0"), "headers: header name x;l=0 cannot be signed");
        assertInitFails(single("overSignedHeaders", "from, x;l=0"), "overSignedHeaders: header name x;l=0 cannot be");
        assertInitFails(single("privatekey", "/typo"), "privatekey");
        assertInitFails(single("signNetworks", "192.0.2.0/33"), "signNetworks: '192.0.2.0/33': prefix length");
        assertInitFails(single("signAnyClient", "always"), "parameter signAnyClient must be true or false");
        assertInitFails(single("allowForeignDisplayName", "1"),
                "parameter allowForeignDisplayName must be true or false");
    }

    @Test
    void initErrorsBlameTheParameterThatIsWrong() {
        // the header list lacks From: the fault is in headers, not in the key
        assertThatThrownBy(() -> mailet(single("headers", "to,subject"))).isInstanceOf(MessagingException.class)
                .hasMessage("DkimSign: headers: the signed headers must include From (RFC 6376 §5.4)");
        assertThatThrownBy(() -> mailet(single("headers", "to,sub ject"))).isInstanceOf(MessagingException.class)
                .hasMessage("DkimSign: headers: 'sub ject' is not a header field name");
        assertThatThrownBy(() -> mailet(single("overSignedHeaders", "from,sub ject")))
                .isInstanceOf(MessagingException.class)
                .hasMessage("DkimSign: overSignedHeaders: 'sub ject' is not a header field name");
        // a path relative to James' folder: the hint names file://conf/ once
        assertThatThrownBy(() -> mailet(single("privateKey", "conf/dkim/x.pem"))).isInstanceOf(MessagingException.class)
                .hasMessage("DkimSign: privateKey: relative path 'conf/dkim/x.pem'; give an absolute path or"
                        + " file://conf/dkim/x.pem");
    }

    private static void assertInitFails(Map<String, String> parameters, String message) {
        assertThatThrownBy(() -> mailet(parameters)).isInstanceOf(MessagingException.class)
                .hasMessageContaining(message);
    }

    /** A FileSystem like James' FileSystemImpl for file://conf/ only: {@code base/conf/...}. */

    private static FileSystem fileSystem(Path base) {
        return FakeFileSystem.under(base);
    }

    /** What one read of a large message may give, at most: a buffer, never the message (nor the limit). */
    static final int AT_ONCE = 256 * 1024;
    static final int LIMIT = 1 << 20;
    static final String LARGE = "From: joe@example.com\r\nTo: suzie@shopping.example.net\r\nSubject: large\r\n"
            + "Message-ID: <large@example.com>\r\n\r\n";

    private static FakeMail largeMail(CountingMessages.Counted counted) throws Exception {
        return FakeMail.builder().name("large").mimeMessage(counted.message()).sender("joe@example.com")
                .recipient("suzie@shopping.example.net").build();
    }

    private static Optional<String> skipped(Mail mail) {
        return mail.getAttribute(MessageSizeLimit.DKIM_SIGN_SKIPPED).map(a -> a.getValue().value().toString());
    }

    /**
     * A message over maxSignedSize is signed from its header section, its body streamed once (never more than a
     * buffer at once, never held), both keys' fields put on top of the message as it was: the signatures verify.
     */
    @Test
    void aMessageOverMaxSignedSizeIsSignedWithItsBodyStreamed() throws Exception {
        byte[] octets = CountingMessages.withBody(LARGE, 4 * LIMIT);
        CountingMessages.Counted counted = CountingMessages.message(octets);
        FakeMail mail = largeMail(counted);

        mailet(single("maxSignedSize", "1M", "selector2", "ed", "privateKey2", edFile.toString())).service(mail);

        assertThat(counted.largestRead().get()).as("octets of one read").isLessThan(AT_ONCE);
        // the header section (parsed by javax.mail, not counted), the body once for its hash: not twice
        assertThat(counted.read().get()).as("octets read by the signing").isBetween(4L * LIMIT,
                octets.length + 64L * 1024);
        assertThat(skipped(mail)).isEmpty();
        byte[] signed = written(mail);
        assertPrepended(signed, octets, 2);
        assertThat(passes(signed)).containsExactly("pass d=example.com s=rsa a=rsa-sha256",
                "pass d=example.com s=ed a=ed25519-sha256");
        assertThatThrownBy(() -> mailet(single("maxSignedSize", "64 mega"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("maxSignedSize must be a size from 1024 to 1073741824");
    }

    /**
     * Review s19 final: a message within maxSignedSize is read whole only while maxCheckedTotal (the JVM-wide count
     * of MailAuthCheck's) holds its octets, released after, on every path; with no room for it, it is signed as one
     * over maxSignedSize, its body streamed, never read whole: the same signatures, which verify.
     */
    @Test
    void wholeReadsHoldMaxCheckedTotalAndARefusedMessageIsSignedStreamed() throws Exception {
        byte[] octets = CountingMessages.withBody(LARGE, 200 * 1024);
        DkimSign mailet = mailet(single("maxSignedSize", "1M", "maxCheckedTotal", "1M"));
        WholeReadBudget other = WholeReadBudget.read("1M", MessageSizeLimit.parse("maxCheckedSize", "1M"));
        for (boolean room : new boolean[] {true, false}) {
            WholeReadBudget.Hold held = room ? WholeReadBudget.Hold.NONE : other.tryHold(1L << 20);
            HeldWhole.Message message = new HeldWhole(0).message(octets);
            FakeMail mail = FakeMail.builder().name("budget").mimeMessage(message).size(octets.length)
                    .sender("joe@example.com").recipient("suzie@shopping.example.net").build();
            try (held) {
                mailet.service(mail);
            }
            assertThat(message.readWhole()).as("read whole with room " + room).isEqualTo(room);
            if (room) {
                assertThat(message.heldAtWholeRead()).as("held while read").isEqualTo(octets.length);
            }
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            assertThat(skipped(mail)).isEmpty();
            byte[] signed = written(mail);
            assertPrepended(signed, octets, 1);
            assertThat(passes(signed)).containsExactly("pass d=example.com s=rsa a=rsa-sha256");
        }
        // a read that fails releases what it held; a bad maxCheckedTotal stops James at start
        HeldWhole.Message failing = new HeldWhole(0).failing(octets, new IllegalStateException("spool"));
        mailet.service(FakeMail.builder().name("failing").mimeMessage(failing).size(octets.length)
                .sender("joe@example.com").recipient("suzie@shopping.example.net").build());
        assertThat(failing.heldAtWholeRead()).isEqualTo(octets.length);
        assertThat(WholeReadBudget.jvmHeld()).isZero();
        assertThatThrownBy(() -> mailet(single("maxSignedSize", "1M", "maxCheckedTotal", "512K")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("maxCheckedTotal");
    }

    /**
     * A header section over the limit that is not CRLF lines alone (a bare LF: readers disagree on its fields) is not
     * signed streamed: passed on unsigned and marked with the reason, its body never read. In James, whose source
     * is read as received (javax.mail writes a header section it parsed with CRLF alone).
     */
    @Test
    void aLargeMessageWhoseHeaderSectionIsNotCleanIsPassedOnUnsigned() throws Exception {
        CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(
                "From: joe@example.com\nSubject: bare LF\r\n\r\n", 2 * LIMIT);
        MailImpl mail = MailImpl.builder().name("bare").sender("joe@example.com")
                .addRecipient("suzie@shopping.example.net").build();
        mail.setMessageNoCopy(new MimeMessageWrapper(source));
        try {
            mailet(single("maxSignedSize", "1M")).service(mail);

            assertThat(source.read()).isLessThan(AT_ONCE);
            assertThat(dev.authpack.james.MimeMessageBytes.headerSection(mail.getMessage(), 4096))
                    .asString(StandardCharsets.ISO_8859_1).doesNotContain("DKIM-Signature");
            assertThat(skipped(mail)).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("larger than maxSignedSize (1048576").contains("header section"));
        } finally {
            mail.dispose();
        }
    }

    /**
     * Review s18 L2: a message whose size is not known beforehand is read whole only within maxSignedSize; past it,
     * it is signed as one over the limit (streamed), the first read stopping at the limit and a buffer.
     */
    @Test
    void aMessageOfUnknownSizeIsNotReadWholePastTheLimit() throws Exception {
        // no key for its From domain: read up to the limit, then its header section, no further
        CountingMessages.Counted noKey = CountingMessages.message(CountingMessages.withBody(
                LARGE.replace("joe@example.com", "joe@unknown.example"), 4 * LIMIT), true);
        FakeMail unsigned = largeMail(noKey);
        unsigned.setMessageSize(-1);
        mailet(single("maxSignedSize", "1M")).service(unsigned);
        assertThat(noKey.read().get()).isLessThan(LIMIT + 2L * AT_ONCE);
        assertThat(unsigned.getMessage().getHeader("DKIM-Signature")).isNull();

        byte[] octets = CountingMessages.withBody(LARGE, 4 * LIMIT);
        CountingMessages.Counted counted = CountingMessages.message(octets, true);
        FakeMail mail = largeMail(counted);
        mail.setMessageSize(-1);
        assertThat(dev.authpack.james.MimeMessageBytes.size(mail)).isEqualTo(-1);

        mailet(single("maxSignedSize", "1M")).service(mail);

        assertThat(counted.largestRead().get()).isLessThan(AT_ONCE);
        // up to the limit, the header section, the message once: never the whole message held
        assertThat(counted.read().get()).isLessThan(octets.length + LIMIT + 2L * AT_ONCE);
        byte[] signed = written(mail);
        assertPrepended(signed, octets, 1);
        assertThat(passes(signed)).containsExactly("pass d=example.com s=rsa a=rsa-sha256");

        // within the limit: read whole and signed as before
        byte[] small = CountingMessages.withBody(LARGE, 4096);
        FakeMail within = largeMail(CountingMessages.message(small, true));
        within.setMessageSize(-1);
        mailet(single("maxSignedSize", "1M")).service(within);
        assertPrepended(written(within), small, 1);
        assertThat(passes(written(within))).containsExactly("pass d=example.com s=rsa a=rsa-sha256");
    }

    /**
     * In James, over the default limit (64 MiB): the message (generated as it is read, never held by the test either)
     * is read for its header section, once for its body hash, once more streamed into James' own file source under
     * the field; the result verifies (its body streamed again for the check).
     */
    @Test
    void inJamesAMessageOverTheDefaultLimitIsSignedStreamed() throws Exception {
        dev.authpack.james.JamesSources.jamesDefaultThreshold();
        CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(LARGE, 80L << 20);
        MailImpl mail = MailImpl.builder().name("big").sender("joe@example.com")
                .addRecipient("suzie@shopping.example.net").build();
        mail.setMessageNoCopy(new MimeMessageWrapper(source));
        try {
            mailet(single()).service(mail);

            assertThat(source.read()).isBetween(2 * source.getMessageSize(), 2 * source.getMessageSize() + 128 * 1024);
            assertThat(skipped(mail)).isEmpty();
            MimeMessageWrapper after = (MimeMessageWrapper) mail.getMessage();
            assertThat(after.isModified()).isFalse();
            assertThat(dev.authpack.james.JamesSources.spoolFile(dev.authpack.james.JamesSources.sourceOf(after)))
                    .as("James' temporary file").isPresent();
            assertThat(mail.getMessageSize()).isGreaterThan(source.getMessageSize());

            byte[] header = dev.authpack.james.MimeMessageBytes.headerSection(after, 1 << 20);
            RawMessage parsed = RawMessage.parse(header);
            assertThat(parsed.fields().get(0).name()).isEqualTo("DKIM-Signature");
            assertThat(new String(header, StandardCharsets.ISO_8859_1)).endsWith(LARGE);
            DkimVerifier verifier = new DkimVerifier(new ZoneFileResolver(zone()), DkimVerifyOptions.defaults());
            BodyHasher.Streaming hashes = BodyHasher.streaming(verifier.bodyKeys(parsed));
            BodyTail tail = new BodyTail(header, header.length, hashes);
            dev.authpack.james.MimeMessageBytes.stream(after).writeTo(tail);
            tail.checkComplete();
            assertThat(hashes.octets()).isEqualTo(80L << 20);
            DkimReport report = verifier.verify(parsed, DkimPrefetch.NONE, hashes.finish()).get(10, TimeUnit.SECONDS);
            assertThat(report.results()).extracting(r -> r.status().word()).containsExactly("pass");
        } finally {
            mail.dispose();
        }
    }
}
