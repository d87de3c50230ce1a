package dev.authpack.james.mailets;

import dev.authpack.authres.MethodResult;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.FaultyMail;
import dev.authpack.james.MailAttributes;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.assertj.core.api.SoftAssertions;

/**
 * Session 21: the promise "no exception escapes a mailet for bad mail, no mail is lost because of our code", for
 * what James and javax.mail can throw (docs/security.md, "Errors"). James 3.8.1's mailet container catches only
 * {@link Exception} (and {@link NoClassDefFoundError}) around a mailet or matcher, and its spooler only
 * {@link Exception}: any other {@link Error} out of {@code service} leaves the mail's queue item never acknowledged
 * (in the memory queue the mail is gone) and a spool slot taken for good. So a {@link StackOverflowError} (a
 * parser's recursion on a deeply nested message) and an {@link OutOfMemoryError} (a huge part) must stay inside.
 */
class FaultsAtTheBoundaryTest {
    static final String MESSAGE = "Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n"
            + "From: alice@example.com\r\nTo: bob@example.org\r\nSubject: hi\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n\r\nHello.\r\n";
    /** What the rewrite's read, the spool or the engine may throw. */
    static final Map<String, Supplier<? extends Throwable>> FAULTS = faults();
    @TempDir
    static Path dir;
    private static Path key;
    private static LoopbackDnsServer dns;

    private static Map<String, Supplier<? extends Throwable>> faults() {
        Map<String, Supplier<? extends Throwable>> faults = new LinkedHashMap<>();
        faults.put("MessagingException", () -> new MessagingException("spool file unreadable (test)"));
        faults.put("RuntimeException", () -> new IllegalStateException("broken (test)"));
        faults.put("StackOverflowError", () -> new StackOverflowError("deep MIME nesting (test)"));
        faults.put("OutOfMemoryError", () -> new OutOfMemoryError("Java heap space (test)"));
        return faults;
    }

    @BeforeAll
    static void setUp() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        dns = LoopbackDnsServer.start(MailAuthCheckTest.ZONE);
    }

    @AfterAll
    static void tearDown() throws Exception {
        dns.close();
    }

    private static <M extends Mailet> M init(M mailet, String name, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(name)
                .mailetContext(FakeMailContext.defaultContext());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    /** Every mailet of the pack, as the sample configuration has them. */
    private static Map<String, Mailet> mailets() throws MessagingException {
        Map<String, Mailet> mailets = new LinkedHashMap<>();
        mailets.put("MailAuthCheck", MailAuthCheckTest.mailet(dns, Map.of()));
        mailets.put("AddAuthResults", init(new AddAuthResults(), "AddAuthResults", "serverId", "mx.test"));
        mailets.put("DkimSign", init(new DkimSign(), "DkimSign", "domain", "example.com", "selector", "s1",
                "privateKey", key.toString()));
        mailets.put("ArcSeal", init(new ArcSeal(new AuthpackEngines(), java.util.Optional.empty()), "ArcSeal",
                "domain", "example.com", "selector", "s1", "privateKey", key.toString(), "authservId", "mx.test",
                "dnsServers", dns.address(), "dnsTimeout", "1000"));
        mailets.put("FixConformance", init(new FixConformance(), "FixConformance"));
        mailets.put("LogReport", init(new LogReport(), "LogReport"));
        return mailets;
    }

    private static FakeMail mail(MimeMessage message) throws MessagingException {
        return FakeMail.builder().name("m1").mimeMessage(message).sender("alice@example.com")
                .recipients("bob@example.org", "carol@example.org").remoteAddr("192.0.2.1")
                .state(Mail.DEFAULT)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    /**
     * The message cannot be read: its writing, reading and size throw. The mailet returns; the mail keeps its
     * recipients and its message; it goes on (state root) or, where our fields cannot be rewritten, to the error
     * processor (fail closed, review s19 L3), never to ghost.
     */
    @Test
    void aMessageWhoseReadsThrowNeverThrowsOutOfAMailetNorLosesTheMail() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        Map<String, Mailet> mailets = mailets();
        for (Map.Entry<String, Supplier<? extends Throwable>> fault : FAULTS.entrySet()) {
            for (Map.Entry<String, Mailet> mailet : mailets.entrySet()) {
                String as = mailet.getKey() + " / " + fault.getKey();
                MimeMessage message = FaultyMail.message(MESSAGE, fault.getValue());
                FakeMail mail = mail(message);
                softly.assertThatCode(() -> mailet.getValue().service(mail)).as(as).doesNotThrowAnyException();
                softly.assertThat(mail.getRecipients()).as(as).hasSize(2);
                softly.assertThat(mail.getState()).as(as).isIn(Mail.DEFAULT, Mail.ERROR);
                softly.assertThat(mail.getMessage()).as(as).isSameAs(message);
            }
        }
        softly.assertAll();
    }

    /** James' {@code getMessage} itself throws (a spool store that cannot load the message). */
    @Test
    void getMessageThrowingNeverThrowsOutOfAMailetNorLosesTheMail() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        Map<String, Mailet> mailets = mailets();
        for (Map.Entry<String, Supplier<? extends Throwable>> fault : FAULTS.entrySet()) {
            for (Map.Entry<String, Mailet> mailet : mailets.entrySet()) {
                String as = mailet.getKey() + " / " + fault.getKey();
                FakeMail fake = mail(dev.authpack.james.MimeMessageBytes.from(
                        MESSAGE.getBytes(StandardCharsets.US_ASCII)));
                Mail mail = FaultyMail.throwingOn(fake, "getMessage", fault.getValue());
                softly.assertThatCode(() -> mailet.getValue().service(mail)).as(as).doesNotThrowAnyException();
                softly.assertThat(fake.getRecipients()).as(as).hasSize(2);
                softly.assertThat(fake.getState()).as(as).isIn(Mail.DEFAULT, Mail.ERROR);
            }
        }
        softly.assertAll();
    }

    /**
     * An Error in the check itself (here: reading the envelope's sender, before any engine runs, as a deep recursion
     * in an engine would) is an internal error: every check temperror with the reason, DMARC's disposition that of an
     * unknown author, our field written, the forged one removed.
     */
    @Test
    void anErrorInTheCheckIsUnverifiableNotThrown() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        MailAuthCheck mailet = MailAuthCheckTest.mailet(dns, Map.of());
        for (String fault : List.of("StackOverflowError", "OutOfMemoryError")) {
            FakeMail fake = MailAuthCheckTest.mail("192.0.2.1", "alice@example.com");
            fake.setState(Mail.DEFAULT);
            Mail mail = FaultyMail.throwingOn(fake, "getMaybeSender", FAULTS.get(fault));
            softly.assertThatCode(() -> mailet.service(mail)).as(fault).doesNotThrowAnyException();
            MethodResult dmarc = MailAttributes.results(fake).orElseThrow().stream()
                    .filter(r -> r.method().equals("dmarc")).findFirst().orElseThrow();
            softly.assertThat(dmarc.result()).as(fault).isEqualTo("temperror");
            softly.assertThat(dmarc.reason()).as(fault).contains("internal error").contains(fault);
            softly.assertThat(MailAuthCheckTest.headers(fake)).as(fault).startsWith("Authentication-Results: mx.test;")
                    .doesNotContain("forged.example");
            softly.assertThat(fake.getState()).as(fault).isEqualTo(Mail.DEFAULT);
        }
        softly.assertAll();
    }

    /**
     * The signing key is read once, at init: a key file removed (or unreadable) afterwards changes nothing, the
     * mail is signed and sealed with the key in memory.
     */
    @Test
    void aKeyFileRemovedAfterStartChangesNothing() throws Exception {
        Path copy = Files.copy(key, dir.resolve("removed.pem"));
        DkimSign sign = init(new DkimSign(), "DkimSign", "domain", "example.com", "selector", "s1",
                "privateKey", copy.toString());
        ArcSeal seal = init(new ArcSeal(new AuthpackEngines(), java.util.Optional.empty()), "ArcSeal",
                "domain", "example.com", "selector", "s1", "privateKey", copy.toString(), "authservId", "mx.test",
                "dnsServers", dns.address(), "dnsTimeout", "1000");
        Files.delete(copy);
        FakeMail mail = mail(dev.authpack.james.MimeMessageBytes.from(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        sign.service(mail);
        seal.service(mail);
        String headers = MailAuthCheckTest.headers(mail);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(headers).contains("ARC-Seal: ").contains("DKIM-Signature: ");
        softly.assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        softly.assertAll();
    }

    /** A thousand recipients: every mailet keeps them all, in order. */
    @Test
    void manyRecipientsAreKept() throws Exception {
        List<org.apache.james.core.MailAddress> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new org.apache.james.core.MailAddress("r" + i + "@example.org"));
        }
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Mailet> mailet : mailets().entrySet()) {
            FakeMail mail = mail(dev.authpack.james.MimeMessageBytes.from(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
            mail.setRecipients(many);
            softly.assertThatCode(() -> mailet.getValue().service(mail)).as(mailet.getKey())
                    .doesNotThrowAnyException();
            softly.assertThat(List.copyOf(mail.getRecipients())).as(mailet.getKey()).isEqualTo(many);
            softly.assertThat(mail.getState()).as(mailet.getKey()).isEqualTo(Mail.DEFAULT);
        }
        softly.assertAll();
    }
}
