package dev.authpack.james.mailets;

import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.HeldWhole;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.ConfSamples;
import dev.authpack.james.FakeFileSystem;
import dev.authpack.arc.ArcChainSummary;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSet;
import dev.authpack.arc.ArcStatus;
import dev.authpack.arc.ArcVerifier;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.sign.KeyRecordText;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;
import dev.authpack.testkit.dns.LoopbackDnsServer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
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

class ArcSealTest {
    /** 8-bit octets in a header and the body: they must come out as they went in. */
    static final String MESSAGE = "Received: from client.example.com (client.example.com [192.0.2.7])\r\n"
            + "\tby mx.list.example; Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            + "From: Joe SixPack <joe@example.com>\r\n"
            + "To: list@list.example\r\n"
            + "Subject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
            + "Message-ID: <20030712040037.46341.5F8J@example.com>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Hi.  We lost the game.  Are you hungry yet?  d\u00e9j\u00e0 vu\r\n";
    private static final String SENDER_ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @            IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            _dmarc       IN TXT "v=DMARC1; p=reject"
            """;

    @TempDir
    static Path dir;
    static Path listKeyFile;
    static Path forwarderKeyFile;
    static Path edKeyFile;
    static String zone;
    static LoopbackDnsServer dns;

    @BeforeAll
    static void keysAndDns() throws Exception {
        listKeyFile = writeKey("list.pem", "RSA");
        forwarderKeyFile = writeKey("forwarder.pem", "RSA");
        edKeyFile = writeKey("ed.pem", "Ed25519");
        DkimSigningKey list = DkimKeys.load(listKeyFile);
        DkimSigningKey forwarder = DkimKeys.load(forwarderKeyFile);
        zone = KeyRecordText.zoneLine("arc1", "list.example", list) + "\n"
                + KeyRecordText.zoneLine("arc2", "fwd.example", forwarder) + "\n";
        dns = LoopbackDnsServer.start(zone, SENDER_ZONE);
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    private static Path writeKey(String name, String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) {
            generator.initialize(2048);
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(dir.resolve(name), pem, StandardCharsets.US_ASCII);
    }

    /** The mailing list's sealer: list.example, arc1. */
    private static ArcSeal listSealer(String... more) throws MessagingException {
        return mailet(new ArcSeal(new AuthpackEngines(), Optional.empty()), parameters("list.example", "arc1",
                listKeyFile, more));
    }

    /** A forwarder's sealer: fwd.example, arc2. */
    private static ArcSeal forwarderSealer(String... more) throws MessagingException {
        return mailet(new ArcSeal(new AuthpackEngines(), Optional.empty()), parameters("fwd.example", "arc2",
                forwarderKeyFile, more));
    }

    private static Map<String, String> parameters(String domain, String selector, Path key, String... more) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("domain", domain);
        p.put("selector", selector);
        p.put("privateKey", key.toString());
        p.put("dnsServers", dns.address());
        p.put("dnsTimeout", "1000");
        for (int i = 0; i < more.length; i += 2) {
            if (more[i + 1] == null) {
                p.remove(more[i]);
            } else {
                p.put(more[i], more[i + 1]);
            }
        }
        return p;
    }

    private static ArcSeal mailet(ArcSeal mailet, Map<String, String> parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("ArcSeal");
        parameters.forEach(config::setProperty);
        mailet.init(config.build());
        return mailet;
    }

    private static MailAuthCheck mailAuthCheck(String serverId) throws MessagingException {
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", serverId)
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "1000").build());
        return mailet;
    }

    private static FakeMail mail(byte[] message) throws Exception {
        return FakeMail.builder().name("m1")
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message)))
                .sender("joe@example.com").recipient("list@list.example").remoteAddr("192.0.2.7")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example.com"))).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] written(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    private static ArcResult verify(byte[] message) throws Exception {
        return new ArcVerifier(new ZoneFileResolver(zone)).verify(message).get(10, TimeUnit.SECONDS);
    }

    /** The ARC field of this name and instance, unfolded. */
    private static String field(byte[] message, String name, int instance) throws Exception {
        for (HeaderField f : RawMessage.parse(message).fields(name)) {
            String value = f.rawValue().replaceAll("\r?\n[ \t]", " ");
            if (value.matches("(?s)\\s*(.*[ ;])?i=" + instance + ";.*")) {
                return value.strip();
            }
        }
        throw new AssertionError("no " + name + " i=" + instance);
    }

    /** Three new fields on top, ARC-Seal first; the input follows octet for octet. */
    private static void assertPrepended(byte[] sealed, byte[] input) throws Exception {
        assertThat(Arrays.copyOfRange(sealed, sealed.length - input.length, sealed.length)).isEqualTo(input);
        List<HeaderField> fields = RawMessage.parse(sealed).fields();
        assertThat(fields.subList(0, 3)).extracting(HeaderField::name)
                .containsExactly("ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results");
    }

    private static Attribute storedArc(String result, int sets) {
        return storedArc(result, sets, false);
    }

    /** MailAuthCheck's {@code authpack.arc}; {@code overload}: with {@code local_overload}. */
    private static Attribute storedArc(String result, int sets, boolean overload) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        map.put("result", AttributeValue.of(result));
        map.put("oldest_pass", AttributeValue.of(result.equals("pass") ? 0 : -1));
        if (overload) {
            map.put("local_overload", AttributeValue.of(true));
        }
        List<AttributeValue<?>> list = new java.util.ArrayList<>();
        for (int i = 1; i <= sets; i++) {
            list.add(AttributeValue.of(Map.of("instance", AttributeValue.of(i))));
        }
        map.put("sets", AttributeValue.of(list));
        return new Attribute(MailAttributes.ARC, AttributeValue.of(map));
    }

    private static Attribute storedResults(String... methodResults) {
        List<AttributeValue<?>> list = new java.util.ArrayList<>();
        for (int i = 0; i < methodResults.length; i += 2) {
            Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
            map.put("method", AttributeValue.of(methodResults[i]));
            map.put("result", AttributeValue.of(methodResults[i + 1]));
            map.put("properties", AttributeValue.of(Map.<String, AttributeValue<?>>of()));
            list.add(AttributeValue.of(map));
        }
        return new Attribute(MailAttributes.RESULTS, AttributeValue.of(list));
    }

    @Test
    void firstSealIsInstanceOneWithCvNoneAndValidates() throws Exception {
        byte[] input = bytes(MESSAGE);
        FakeMail mail = mail(input);
        listSealer("authservId", "mx.list.example").service(mail);

        byte[] sealed = written(mail);
        assertPrepended(sealed, input);
        ArcResult chain = verify(sealed);
        assertThat(chain.status()).as(chain.reason()).isEqualTo(ArcStatus.PASS);
        assertThat(chain.sets()).extracting(ArcSet::instance, ArcSet::cv, ArcSet::sealDomain)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "none", "list.example"));
        assertThat(field(sealed, "ARC-Seal", 1)).startsWith("i=1; a=rsa-sha256; cv=none; d=list.example; s=arc1;");
        // MailAuthCheck did not run: the chain was validated here, and only that is recorded
        assertThat(field(sealed, "ARC-Authentication-Results", 1)).isEqualTo("i=1; mx.list.example; arc=none");
    }

    @Test
    void secondSealOnASealedMessageIsInstanceTwoWithCvPass() throws Exception {
        FakeMail first = mail(bytes(MESSAGE));
        listSealer("authservId", "mx.list.example").service(first);
        byte[] once = written(first);

        FakeMail second = mail(once);
        forwarderSealer("authservId", "mx.fwd.example").service(second);
        byte[] twice = written(second);

        assertPrepended(twice, once);
        ArcResult chain = verify(twice);
        assertThat(chain.status()).as(chain.reason()).isEqualTo(ArcStatus.PASS);
        assertThat(chain.oldestPass()).isZero();
        assertThat(chain.sets()).extracting(s -> s.instance() + " " + s.cv() + " " + s.sealDomain())
                .containsExactly("1 none list.example", "2 pass fwd.example");
        assertThat(field(twice, "ARC-Authentication-Results", 2))
                .isEqualTo("i=2; mx.fwd.example; arc=pass header.oldest-pass=0");
    }

    @Test
    void recordsMailAuthCheckResultsUnderItsAuthservId() throws Exception {
        FakeMail mail = mail(bytes(MESSAGE));
        mailAuthCheck("mx.list.example").service(mail);
        assertThat(MailAttributes.results(mail)).isPresent();
        listSealer().service(mail);

        byte[] sealed = written(mail);
        String aar = field(sealed, "ARC-Authentication-Results", 1);
        assertThat(aar).startsWith("i=1; mx.list.example; ")
                .contains("dkim=none").contains("spf=pass ").contains("smtp.mailfrom=example.com")
                .contains("dmarc=pass").contains("header.from=example.com").contains("arc=none");
        assertThat(verify(sealed).status()).isEqualTo(ArcStatus.PASS);
        // MailAuthCheck's own Authentication-Results field is below the new set and not signed (RFC 8617 §4.1.2)
        assertThat(field(sealed, "ARC-Message-Signature", 1)).doesNotContain("authentication-results");
    }

    @Test
    void fieldsClaimingOurIdAreRemovedBeforeSealing() throws Exception {
        String forged = AddAuthResultsTest.FORGED.replaceAll("(?i)mx\\.test", "mx.list.example");
        FakeMail mail = mail(bytes(forged + MESSAGE));
        listSealer("authservId", "mx.list.example").service(mail);
        byte[] sealed = written(mail);
        String text = new String(sealed, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\nAuthentication-Results").doesNotContain("dmarc=pass");
        assertThat(verify(sealed).status()).isEqualTo(ArcStatus.PASS);
    }

    @Test
    void mailAuthCheckFieldStaysOnceAndForgedOnesAddedLaterGo() throws Exception {
        FakeMail mail = mail(bytes(MESSAGE));
        mailAuthCheck("mx.list.example").service(mail);
        String ours = new String(written(mail), StandardCharsets.UTF_8);
        ours = ours.substring(0, ours.indexOf("\r\nReceived:"));
        // a forged field arrives between the check and the seal (another mailet, a careless rewrite)
        byte[] withForged = bytes(new String(written(mail), StandardCharsets.UTF_8).replace("Received: ",
                "Authentication-Results: MX.LIST.EXAMPLE.; dmarc=pass\r\nReceived: "));
        mail.setMessage(MimeMessageBytes.from(withForged));
        listSealer().service(mail);
        String sealed = new String(written(mail), StandardCharsets.UTF_8);
        assertThat(sealed).contains(ours).doesNotContain("MX.LIST.EXAMPLE.");
        assertThat(sealed.split("\r\nAuthentication-Results: ", -1)).hasSize(2);
    }

    @Test
    void aMailThatIsNotSealedIsStillStripped() throws Exception {
        byte[] failed = bytes("ARC-Seal: i=1; a=rsa-sha256; cv=fail; d=x.example; s=s; b=AAAA\r\n"
                + "Authentication-Results: mx.list.example/1; dmarc=pass\r\n" + MESSAGE);
        FakeMail terminated = mail(failed);
        terminated.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.list.example")));
        listSealer().service(terminated);
        assertThat(new String(written(terminated), StandardCharsets.UTF_8)).doesNotContain("dmarc=pass")
                .startsWith("ARC-Seal: i=1; a=rsa-sha256; cv=fail;");
    }

    @Test
    void authservIdParameterWinsOverMailAuthCheck() throws Exception {
        FakeMail mail = mail(bytes(MESSAGE));
        mailAuthCheck("mx.list.example").service(mail);
        listSealer("authservId", "arc.list.example").service(mail);
        assertThat(field(written(mail), "ARC-Authentication-Results", 1)).startsWith("i=1; arc.list.example; ");
    }

    /**
     * The case ARC exists for: a mailing list validates the chain on arrival (MailAuthCheck), adds a footer, then
     * seals. The seal must carry the status found on arrival: re-validating the changed message would fail the
     * previous hop's ARC-Message-Signature.
     */
    @Test
    void sealsTheStatusFoundOnArrivalNotOneOfTheChangedMessage() throws Exception {
        FakeMail upstream = mail(bytes(MESSAGE));
        forwarderSealer("authservId", "mx.fwd.example").service(upstream);
        byte[] received = written(upstream);

        FakeMail mail = mail(received);
        mailAuthCheck("mx.list.example").service(mail);
        assertThat(MailAttributes.arc(mail)).get().extracting(ArcChainSummary::status).isEqualTo(ArcStatus.PASS);
        byte[] withFooter = bytes(new String(written(mail), StandardCharsets.UTF_8) + "-- \r\nlist footer\r\n");
        mail.setMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(withFooter)));
        listSealer().service(mail);

        byte[] sealed = written(mail);
        assertThat(field(sealed, "ARC-Seal", 2)).contains("cv=pass");
        ArcResult chain = verify(sealed);
        assertThat(chain.status()).as(chain.reason()).isEqualTo(ArcStatus.PASS);
        assertThat(chain.oldestPass()).as("the footer broke the AMS of i=1").isEqualTo(2);
        assertThat(field(sealed, "ARC-Authentication-Results", 2)).contains("arc=pass");

        // without MailAuthCheck's result the changed message is all there is: its chain fails
        FakeMail unchecked = mail(withFooter);
        listSealer("authservId", "mx.list.example").service(unchecked);
        byte[] failed = written(unchecked);
        assertThat(field(failed, "ARC-Seal", 2)).contains("cv=fail");
        assertThat(field(failed, "ARC-Authentication-Results", 2)).contains("arc=fail");
        assertThat(verify(failed).status()).isEqualTo(ArcStatus.FAIL);
    }

    @Test
    void storedFailSealsWithCvFailAndAFailedChainIsNotSealedAgain() throws Exception {
        FakeMail first = mail(bytes(MESSAGE));
        forwarderSealer("authservId", "mx.fwd.example").service(first);

        FakeMail mail = mail(written(first));
        mail.setAttribute(storedArc("fail", 1));
        listSealer("authservId", "mx.list.example").service(mail);
        byte[] sealed = written(mail);
        assertThat(field(sealed, "ARC-Seal", 2)).contains("cv=fail");
        ArcResult chain = verify(sealed);
        assertThat(chain.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(chain.terminated()).isTrue();

        // RFC 8617 §5.1 step 2: the newest seal says cv=fail, so no hop adds a set; the mail goes on unchanged
        FakeMail next = mail(sealed);
        forwarderSealer("authservId", "mx.fwd.example").service(next);
        assertThat(written(next)).isEqualTo(sealed);
        FakeMail nextChecked = mail(sealed);
        nextChecked.setAttribute(storedArc("fail", 2));
        forwarderSealer("authservId", "mx.fwd.example").service(nextChecked);
        assertThat(written(nextChecked)).isEqualTo(sealed);
    }

    @Test
    void aStoredFailOfOurOwnOverloadIsNotSealed() throws Exception {
        // MailAuthCheck could not validate the chain: a key lookup not sent (authpack.arc local_overload); a
        // cv=fail would end a chain nothing is known against for every later hop
        FakeMail first = mail(bytes(MESSAGE));
        forwarderSealer("authservId", "mx.fwd.example").service(first);
        byte[] once = written(first);
        FakeMail mail = mail(once);
        mail.setAttribute(storedArc("fail", 1, true));
        listSealer("authservId", "mx.list.example").service(mail);
        assertThat(written(mail)).isEqualTo(once);
        assertThat(MailAttributes.arc(mail).orElseThrow().localOverload()).isTrue();
    }

    @Test
    void storedResultThatNoLongerDescribesTheMessageIsReplacedByOurOwnValidation() throws Exception {
        FakeMail first = mail(bytes(MESSAGE));
        forwarderSealer("authservId", "mx.fwd.example").service(first);

        // MailAuthCheck saw no chain, but a set was added since (another sealer in the same server)
        FakeMail mail = mail(written(first));
        mail.setAttribute(storedArc("none", 0));
        mail.setAttribute(storedResults("spf", "pass", "arc", "none", "iprev", "pass"));
        mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.list.example")));
        listSealer().service(mail);

        byte[] sealed = written(mail);
        assertThat(field(sealed, "ARC-Seal", 2)).contains("cv=pass");
        assertThat(field(sealed, "ARC-Authentication-Results", 2))
                .isEqualTo("i=2; mx.list.example; spf=pass; arc=pass header.oldest-pass=0; iprev=pass");
        assertThat(verify(sealed).status()).isEqualTo(ArcStatus.PASS);
    }

    @Test
    void storedPassWithAnotherNumberOfSetsIsNotBelieved() throws Exception {
        byte[] oneSet = bytes(MESSAGE);
        FakeMail first = mail(oneSet);
        forwarderSealer("authservId", "mx.fwd.example").service(first);
        RawMessage raw = RawMessage.parse(written(first));
        assertThat(new ArcChainSummary(ArcStatus.PASS, null, 0, 1).describes(raw)).isTrue();
        assertThat(new ArcChainSummary(ArcStatus.PASS, null, 0, 2).describes(raw)).isFalse();
        assertThat(new ArcChainSummary(ArcStatus.NONE, null, -1, 0).describes(raw)).isFalse();
        assertThat(new ArcChainSummary(ArcStatus.FAIL, "x", -1, 0).describes(raw)).isTrue();
        assertThat(new ArcChainSummary(ArcStatus.NONE, null, -1, 0).describes(
                RawMessage.parse(oneSet))).isTrue();
    }

    @Test
    void withoutAuthservIdTheMailGoesOnUnsealed() throws Exception {
        byte[] input = bytes(MESSAGE);
        FakeMail mail = mail(input);
        listSealer().service(mail);
        assertThat(written(mail)).isEqualTo(input);
    }

    @Test
    void mailWithoutMessageOrWithUnreadableHeaderIsLeftAlone() throws Exception {
        FakeMail empty = FakeMail.builder().name("m0").recipient("list@list.example").build();
        listSealer("authservId", "mx.list.example").service(empty);
        assertThat(empty.getMessage()).isNull();

        byte[] noHeader = bytes("just a line without a colon and no header section\r\n");
        FakeMail odd = mail(noHeader);
        listSealer("authservId", "mx.list.example").service(odd);
        assertThat(written(odd)).isEqualTo(written(mail(noHeader)));
    }

    @Test
    void headersParameterIsTheAmsHeaderList() throws Exception {
        FakeMail mail = mail(bytes(MESSAGE));
        listSealer("authservId", "mx.list.example", "headers", "From:Subject:Date").service(mail);
        byte[] sealed = written(mail);
        assertThat(field(sealed, "ARC-Message-Signature", 1).replace(" ", "")).contains("h=From:Subject:Date;");
        assertThat(verify(sealed).status()).isEqualTo(ArcStatus.PASS);
    }

    @Test
    void sealedBytesSurviveJamesOwnCopyAndWritePath() throws Exception {
        byte[] input = bytes(MESSAGE.replace("d\u00e9j\u00e0", "deja"));
        MimeMessageWrapper received = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(input)));
        MailImpl mail = MailImpl.builder().name("m1").sender("joe@example.com").addRecipient("list@list.example")
                .mimeMessage(received).build();
        try {
            listSealer("authservId", "mx.list.example").service(mail);
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            MimeMessageUtil.writeTo(mail.getMessage(), stored, stored);
            byte[] sealed = stored.toByteArray();
            assertPrepended(sealed, input);
            assertThat(written(mail)).isEqualTo(sealed);
            assertThat(verify(sealed).status()).isEqualTo(ArcStatus.PASS);
        } finally {
            mail.dispose();
        }
    }

    @Test
    void badConfigurationStopsInit() throws Exception {
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "domain", null), "parameter domain is required");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "selector", null),
                "parameter selector is required");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "privateKey", null),
                "parameter privateKey is required");
        assertInitFails(parameters("list.example", "arc1", edKeyFile), "rsa-sha256");
        assertInitFails(parameters("list.example", "arc1", Path.of("keys/list.pem")), "relative path");
        assertInitFails(parameters("list.example", "arc1", dir.resolve("missing.pem")), "privateKey: ");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "headers", "From:Authentication-Results"),
                "must not be signed");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "headers", "From::Subject"),
                "empty header name");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "authservId", "mx list"), "not a token");
        assertInitFails(parameters("not a domain", "arc1", listKeyFile), "not a domain name");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "dnsTimeout", "0"), "dnsTimeout");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "dnsServers", "[nonsense"), "dnsServers");
    }

    @Test
    void unknownParameterStopsInit() {
        assertThatThrownBy(() -> mailet(new ArcSeal(new AuthpackEngines(), Optional.empty()),
                parameters("list.example", "arc1", listKeyFile, "canonicalization", "simple/simple")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("canonicalization");
    }

    @Test
    void aBadDnsServerSaysBadDnsServersAndWhatIsAccepted() {
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "dnsServers", "127.0.0.1:0"),
                "bad dnsServers: DNS server '127.0.0.1:0'");
        assertInitFails(parameters("list.example", "arc1", listKeyFile, "dnsServers", "no-such-host.invalid"),
                "(accepted: ");
    }

    private static void assertInitFails(Map<String, String> parameters, String message) {
        assertThatThrownBy(() -> mailet(new ArcSeal(new AuthpackEngines(), Optional.empty()), parameters))
                .isInstanceOf(MessagingException.class).hasMessageStartingWith("ArcSeal: ")
                .hasMessageContaining(message);
    }

    @Test
    void sampleConfigurationSealsAndItsZoneVerifies() throws Exception {
        Path samples = ConfSamples.dir();
        Path james = dir.resolve("sample");
        ConfSamples.copyInto("arc", james);
        String snippet = Files.readString(samples.resolve("arcseal-snippet.xml"));
        assertThat(snippet).contains("class=\"dev.authpack.james.mailets.ArcSeal\"")
                .contains("<domain>james.test</domain>").contains("<selector>arc2026</selector>")
                .contains("<privateKey>file://conf/arc/arc.james.test.rsa.pem</privateKey>");
        ArcSeal mailet = mailet(new ArcSeal(new AuthpackEngines(), fileSystem(james)), Map.of("domain", "james.test",
                "selector", "arc2026", "privateKey", "file://conf/arc/arc.james.test.rsa.pem",
                "authservId", "mx.james.test"));
        FakeMail mail = mail(bytes(MESSAGE));
        mailet.service(mail);
        String sampleZone = Files.readString(samples.resolve("arc/arc.zone"));
        ArcResult chain = new ArcVerifier(new ZoneFileResolver(sampleZone)).verify(written(mail))
                .get(10, TimeUnit.SECONDS);
        assertThat(chain.status()).as(chain.reason()).isEqualTo(ArcStatus.PASS);
        assertThat(chain.newestSet().sealDomain()).isEqualTo("james.test");
    }

    /** A FileSystem like James' FileSystemImpl for file://conf/ only: {@code base/conf/...}. */
    private static Optional<FileSystem> fileSystem(Path base) {
        return Optional.of(FakeFileSystem.under(base));
    }

    /** What one read of a large message may give, at most: a buffer, never the message (nor the limit). */
    static final int AT_ONCE = 256 * 1024;

    private static FakeMail largeMail(CountingMessages.Counted counted) throws Exception {
        return FakeMail.builder().name("large").mimeMessage(counted.message()).sender("joe@example.com")
                .recipient("list@list.example").remoteAddr("192.0.2.7")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example.com"))).build();
    }

    /**
     * A message over maxSignedSize is sealed with its body streamed (never more than a buffer at once), not read
     * whole; the fields claiming our authserv-id go, from its header section alone. The seal verifies.
     */
    @Test
    void aMessageOverMaxSignedSizeIsSealedWithItsBodyStreamedAndLosesForgedFields() throws Exception {
        byte[] octets = CountingMessages.withBody(
                "Authentication-Results: list.example; dkim=pass header.d=paypal.com\r\n"
                        + "From: joe@example.com\r\nSubject: large\r\n\r\n", 4 << 20);
        CountingMessages.Counted counted = CountingMessages.message(octets);
        FakeMail mail = largeMail(counted);

        listSealer("authservId", "list.example", "maxSignedSize", "1MiB").service(mail);

        assertThat(counted.largestRead().get()).as("octets of one read").isLessThan(AT_ONCE);
        assertThat(mail.getAttribute(MessageSizeLimit.ARC_SEAL_SKIPPED)).isEmpty();
        assertThat(mail.getMessage().getHeader("Authentication-Results")).isNull();
        byte[] after = written(mail);
        assertThat(field(after, "ARC-Seal", 1)).contains("cv=none");
        assertThat(verify(after).status()).isEqualTo(ArcStatus.PASS);
        byte[] body = Arrays.copyOfRange(octets, octets.length - (4 << 20), octets.length);
        assertThat(Arrays.copyOfRange(after, after.length - body.length, after.length)).isEqualTo(body);
    }

    /**
     * Review s19 final: a message within maxSignedSize is read whole only while maxCheckedTotal (the JVM-wide count
     * of MailAuthCheck's) holds its octets, released after, on every path; with no room for it, it is sealed as one
     * over maxSignedSize, its body streamed, never read whole: the same set (forged fields gone, the seal verifies).
     */
    @Test
    void wholeReadsHoldMaxCheckedTotalAndARefusedMessageIsSealedStreamed() throws Exception {
        byte[] octets = CountingMessages.withBody(
                "Authentication-Results: list.example; dkim=pass header.d=paypal.com\r\n"
                        + "From: joe@example.com\r\nSubject: budget\r\n\r\n", 200 * 1024);
        byte[] body = Arrays.copyOfRange(octets, octets.length - 200 * 1024, octets.length);
        ArcSeal sealer = listSealer("authservId", "list.example", "maxSignedSize", "1M", "maxCheckedTotal", "1M");
        WholeReadBudget other = WholeReadBudget.read("1M", MessageSizeLimit.parse("maxCheckedSize", "1M"));
        for (boolean room : new boolean[] {true, false}) {
            WholeReadBudget.Hold held = room ? WholeReadBudget.Hold.NONE : other.tryHold(1L << 20);
            HeldWhole.Message message = new HeldWhole(0).message(octets);
            FakeMail mail = FakeMail.builder().name("budget").mimeMessage(message).size(octets.length)
                    .sender("joe@example.com").recipient("list@list.example").remoteAddr("192.0.2.7")
                    .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example.com"))).build();
            try (held) {
                sealer.service(mail);
            }
            assertThat(message.readWhole()).as("read whole with room " + room).isEqualTo(room);
            if (room) {
                assertThat(message.heldAtWholeRead()).as("held while read").isEqualTo(octets.length);
            }
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            assertThat(mail.getAttribute(MessageSizeLimit.ARC_SEAL_SKIPPED)).isEmpty();
            assertThat(mail.getMessage().getHeader("Authentication-Results")).isNull();
            byte[] after = written(mail);
            assertThat(field(after, "ARC-Seal", 1)).contains("cv=none");
            assertThat(verify(after).status()).isEqualTo(ArcStatus.PASS);
            assertThat(Arrays.copyOfRange(after, after.length - body.length, after.length)).isEqualTo(body);
        }
        // a read that fails releases what it held; a bad maxCheckedTotal stops James at start
        HeldWhole.Message failing = new HeldWhole(0).failing(octets, new IllegalStateException("spool"));
        sealer.service(FakeMail.builder().name("failing").mimeMessage(failing).size(octets.length)
                .recipient("list@list.example").build());
        assertThat(failing.heldAtWholeRead()).isEqualTo(octets.length);
        assertThat(WholeReadBudget.jvmHeld()).isZero();
        assertThatThrownBy(() -> listSealer("authservId", "list.example", "maxSignedSize", "1M",
                "maxCheckedTotal", "512K")).isInstanceOf(MessagingException.class).hasMessageContaining(
                        "maxCheckedTotal");
    }

    /**
     * A chain over maxSignedSize: validated over the streamed body when MailAuthCheck's result does not describe it
     * (here it did not run), sealed cv=pass; the new chain verifies. A body changed after the first seal fails.
     */
    @Test
    void aChainOverMaxSignedSizeIsValidatedAndSealedOverItsStreamedBody() throws Exception {
        FakeMail first = mail(CountingMessages.withBody("From: joe@example.com\r\nTo: list@list.example\r\n"
                + "Subject: s\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n",
                3 << 20));
        listSealer("authservId", "mx.list.example").service(first);
        byte[] sealed = written(first);
        assertThat(verify(sealed).status()).isEqualTo(ArcStatus.PASS);

        CountingMessages.Counted counted = CountingMessages.message(sealed);
        FakeMail mail = largeMail(counted);
        forwarderSealer("authservId", "fwd.example", "maxSignedSize", "1MiB").service(mail);

        assertThat(counted.largestRead().get()).isLessThan(AT_ONCE);
        byte[] after = written(mail);
        assertThat(field(after, "ARC-Seal", 2)).contains("cv=pass");
        assertThat(verify(after).status()).isEqualTo(ArcStatus.PASS);

        byte[] tampered = sealed.clone();
        tampered[tampered.length - 100] ^= 1;
        FakeMail bad = largeMail(CountingMessages.message(tampered));
        forwarderSealer("authservId", "fwd.example", "maxSignedSize", "1MiB").service(bad);
        assertThat(new String(written(bad), StandardCharsets.ISO_8859_1)).doesNotContain("cv=pass")
                .contains("i=2; a=rsa-sha256; cv=fail");
    }

    /**
     * Review s18 L2: a message whose size is not known beforehand is read whole only within maxSignedSize; past it,
     * it is sealed as one over the limit (streamed).
     */
    @Test
    void aMessageOfUnknownSizeIsNotReadWholePastTheLimit() throws Exception {
        byte[] octets = CountingMessages.withBody("From: joe@example.com\r\nSubject: large\r\n\r\n", 4 << 20);
        CountingMessages.Counted counted = CountingMessages.message(octets, true);
        FakeMail mail = largeMail(counted);
        mail.setMessageSize(-1);

        listSealer("authservId", "list.example", "maxSignedSize", "1MiB").service(mail);

        assertThat(counted.largestRead().get()).isLessThan(AT_ONCE);
        // up to the limit, then the body once for its hash: never the whole message held (nor read twice)
        assertThat(counted.read().get()).isLessThan(octets.length + (1 << 20) + 2L * AT_ONCE);
        byte[] after = written(mail);
        assertThat(verify(after).status()).isEqualTo(ArcStatus.PASS);

        FakeMail small = largeMail(CountingMessages.message(CountingMessages.withBody(
                "From: joe@example.com\r\nSubject: small\r\n\r\n", 4096), true));
        small.setMessageSize(-1);
        listSealer("authservId", "list.example", "maxSignedSize", "1MiB").service(small);
        assertThat(verify(written(small)).status()).isEqualTo(ArcStatus.PASS);
    }

    /** A message sealed once, with a body over the tiny maxCheckedSize of {@link #checkOverTheLimit}. */
    private byte[] sealedOnce() throws Exception {
        FakeMail first = mail(bytes("From: joe@example.com\r\nTo: list@list.example\r\nSubject: s\r\n"
                + "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n"
                + "a body long enough to pass the tiny bound of this test, " + "x".repeat(2000) + "\r\n"));
        listSealer("authservId", "mx.list.example").service(first);
        byte[] sealed = written(first);
        assertThat(verify(sealed).status()).isEqualTo(ArcStatus.PASS);
        return sealed;
    }

    /** MailAuthCheck with a maxCheckedSize of 1 KiB over the mail. */
    private static void checkOverTheLimit(FakeMail mail) throws Exception {
        MailAuthCheck check = new MailAuthCheck(new AuthpackEngines());
        check.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "fwd.example")
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "1000")
                .setProperty("maxCheckedSize", "1024").build());
        check.service(mail);
    }

    /**
     * MailAuthCheck validates the chain of a message over its maxCheckedSize over its body streamed (arc=pass, as
     * for the message read whole): the next sealer seals cv=pass.
     */
    @Test
    void aChainOverMaxCheckedSizeIsValidatedOverItsStreamedBodyAndSealedAsPass() throws Exception {
        FakeMail mail = mail(sealedOnce());
        checkOverTheLimit(mail);
        assertThat(MailAttributes.arc(mail).map(a -> a.status())).contains(ArcStatus.PASS);

        forwarderSealer().service(mail);

        byte[] after = written(mail);
        assertThat(new String(after, StandardCharsets.ISO_8859_1)).contains("i=2; a=rsa-sha256; cv=pass");
        assertThat(verify(after).status()).isEqualTo(ArcStatus.PASS);
    }

    /**
     * MailAuthCheck could not validate the chain of a message over its maxCheckedSize (its body unreadable when
     * streamed: arc=fail): a sealer that may read the message never turns that into cv=pass.
     */
    @Test
    void aChainMailAuthCheckCouldNotValidateIsNeverSealedAsPass() throws Exception {
        byte[] sealed = sealedOnce();
        int[] writes = {0};
        // the second read, the one streaming the body for its hashes, fails midway
        MimeMessage flaky = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(sealed)) {
            @Override
            public void writeTo(java.io.OutputStream out) throws java.io.IOException, javax.mail.MessagingException {
                if (++writes[0] == 2) {
                    out.write(sealed, 0, 100);
                    throw new java.io.IOException("spool file gone");
                }
                super.writeTo(out);
            }
        };
        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(flaky).sender("joe@example.com")
                .recipient("list@list.example").remoteAddr("192.0.2.7")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("client.example.com"))).build();
        checkOverTheLimit(mail);
        assertThat(MailAttributes.arc(mail).map(a -> a.status())).contains(ArcStatus.FAIL);
        assertThat(MailAttributes.arc(mail).map(a -> a.reason()).orElse("")).contains("body unreadable");

        forwarderSealer().service(mail);

        byte[] after = written(mail);
        String seal = new String(after, StandardCharsets.ISO_8859_1);
        assertThat(seal).doesNotContain("cv=pass");
    }
    /**
     * Review s19 (L3): the fields claiming our authserv-id cannot be removed (a spool read error, on the sealing path
     * and again in its finally): the mail is not passed on with them, it goes to the error processor.
     */
    @Test
    void aForgedFieldThatCannotBeRemovedSendsTheMailToTheErrorProcessor() throws Exception {
        FailingWritesMessage message = new FailingWritesMessage(
                "Authentication-Results: mx.list.example; dkim=pass header.d=paypal.com\r\n" + MESSAGE)
                .failWrites(0, 2);
        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(message).sender("joe@example.com")
                .recipient("list@list.example").build();

        listSealer("authservId", "mx.list.example").service(mail);

        assertThat(message.writes()).isEqualTo(2);
        assertThat(mail.getState()).as("forged field left in:%n%s", new String(written(mail),
                StandardCharsets.UTF_8)).isEqualTo(Mail.ERROR);
        assertThat(mail.getErrorMessage()).startsWith("ArcSeal: ").contains("not rewritten");
    }

    /**
     * Review s22 (never a partial set of results): ArcSeal sealed the entries of {@code authpack.results} it could
     * read and skipped the others, so an attribute whose {@code dmarc=fail} no longer reads was sealed as an
     * ARC-Authentication-Results of {@code spf=pass} alone, which every later hop takes as our word. A sealer that
     * cannot say what it verified must not seal (RFC 8617 §5.1: the AAR is our assessment, {@code cv=} the chain's
     * and nothing else): the mail goes on unsealed, with {@code authpack.arc-seal.skipped} (the reason).
     */
    @Test
    void partlyUnreadableResultsAreNotSealed() throws Exception {
        for (AttributeValue<?> partial : ReviewS22PartialResultsTest.partlyUnreadable()) {
            byte[] input = bytes(MESSAGE);
            FakeMail mail = mail(input);
            mail.setAttribute(storedArc("none", 0));
            mail.setAttribute(new Attribute(MailAttributes.RESULTS, partial));
            mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.list.example")));

            listSealer().service(mail);

            assertThat(new String(written(mail), StandardCharsets.UTF_8)).as("%s", partial)
                    .doesNotContain("ARC-Seal").doesNotContain("ARC-Authentication-Results");
            assertThat(written(mail)).isEqualTo(input);
            assertThat(mail.getAttribute(MessageSizeLimit.ARC_SEAL_SKIPPED)).as("%s", partial).hasValueSatisfying(
                    a -> assertThat(a.getValue().value().toString()).contains("authpack.results"));
            assertThat(mail.getState()).isNotEqualTo(Mail.ERROR);
        }
    }

    /**
     * Review s22: MailAuthCheck's own field, which the strip takes off with the forged ones and puts back from
     * {@code authpack.results}, was put back from the part that could be read: {@code dmarc=fail} gone from our own
     * Authentication-Results. Now such a mail goes to the error processor as it is, not sealed, no field rebuilt.
     */
    @Test
    void ourFieldIsNotRebuiltFromPartlyUnreadableResults() throws Exception {
        for (boolean large : new boolean[] {false, true}) {
            String ours = "Authentication-Results: mx.list.example;\r\n\tspf=pass;\r\n\tdmarc=fail\r\n";
            FakeMail mail = mail(bytes(ours + MESSAGE + "x".repeat(large ? 2048 : 0) + "\r\n"));
            mail.setAttribute(storedArc("none", 0));
            mail.setAttribute(new Attribute(MailAttributes.RESULTS, ReviewS22PartialResultsTest.partlyUnreadable()
                    .get(0)));
            mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.list.example")));

            (large ? listSealer("maxSignedSize", "1K") : listSealer()).service(mail);

            String after = new String(written(mail), StandardCharsets.UTF_8);
            assertThat(after).as("large %s", large).doesNotContain("ARC-Seal").startsWith(ours);
            assertThat(mail.getState()).isEqualTo(Mail.ERROR);
            assertThat(mail.getErrorMessage()).startsWith("ArcSeal: ").contains("authpack.results");
        }
    }

    /**
     * Review s22 (reviewC): partly unreadable results and no field claiming our id in the message: a message within
     * maxSignedSize goes on unsealed ({@link #partlyUnreadableResultsAreNotSealed}), but one over it went to the
     * error processor, because the header-section strip (AuthResultsHeaders.removeForgedInHeaderSection) reads the
     * results whenever MailAuthCheck's id is among those stripped, whether or not any field was removed. One rule
     * whatever the size: the same mail, unsealed and marked skipped, not in the error repository.
     */
    @Test
    void partlyUnreadableResultsOfALargeMailWithoutOurFieldAreNotSentToTheErrorProcessor() throws Exception {
        byte[] input = bytes(MESSAGE + "x".repeat(2048) + "\r\n");
        FakeMail mail = mail(input);
        mail.setAttribute(storedArc("none", 0));
        mail.setAttribute(new Attribute(MailAttributes.RESULTS, ReviewS22PartialResultsTest.partlyUnreadable()
                .get(0)));
        mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.list.example")));

        listSealer("maxSignedSize", "1K").service(mail);

        assertThat(written(mail)).isEqualTo(input);
        assertThat(mail.getAttribute(MessageSizeLimit.ARC_SEAL_SKIPPED)).isPresent();
        assertThat(mail.getState()).as("%s", mail.getErrorMessage()).isNotEqualTo(Mail.ERROR);
    }
}
