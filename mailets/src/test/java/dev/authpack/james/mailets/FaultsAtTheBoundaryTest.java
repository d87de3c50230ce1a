package dev.authpack.james.mailets;

import dev.authpack.authres.MethodResult;
import dev.authpack.james.FaultyMail;
import org.apache.james.core.MaybeSender;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.MailAttributes;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    static final Map<String, Supplier<? extends Throwable>> FAULTS = FaultyMail.faults();
    @TempDir
    static Path dir;
    private static PackMailets pack;

    @BeforeAll
    static void setUp() throws Exception {
        pack = PackMailets.start(dir);
    }

    @AfterAll
    static void tearDown() {
        pack.close();
    }

    /** Every mailet of the pack, as the sample configuration has them. */
    private static Map<String, Mailet> mailets() throws MessagingException {
        return pack.all();
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
        MailAuthCheck mailet = MailAuthCheckTest.mailet(pack.dns, Map.of());
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
        Path copy = Files.copy(pack.key, dir.resolve("removed.pem"));
        DkimSign sign = PackMailets.dkimSign(copy);
        ArcSeal seal = pack.arcSeal(copy);
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

    // ---- malformed messages, as javax.mail and James hold them (session 21) ----
    // Through every mailet: none throws, none drops the mail or a recipient, none sends it to ghost or to the error
    // processor, and a mailet that writes (DkimSign, ArcSeal, MailAuthCheck's field) keeps the original octets under
    // what it adds.

    /** The malformed messages: name to octets. */
    static Map<String, byte[]> samples() {
        Map<String, byte[]> samples = new LinkedHashMap<>();
        String header = "From: alice@example.com\r\nTo: bob@example.org\r\nSubject: hi\r\n";
        samples.put("0 octets", new byte[0]);
        samples.put("header only, no separator", ascii(header));
        samples.put("header only, no line end", ascii("From: alice@example.com"));
        samples.put("no header/body separator", ascii(header + "not a field line\r\nbody\r\n"));
        samples.put("body only", ascii("\r\njust a body\r\n"));
        samples.put("NUL octets", ascii("From: alice@exa\0mple.com\r\nSubject: a\0b\r\n\r\nbo\0dy\r\n"));
        samples.put("8-bit header", bytes("From: Ålice <alice@example.com>\r\nSubject: \u00ff\u00fe caf\u00e9\r\n"
                + "\r\nbody\r\n", StandardCharsets.ISO_8859_1));
        samples.put("UTF-8 header", bytes("From: Алиса <alice@example.com>\r\nSubject: 😀\r\n\r\nbody\r\n",
                StandardCharsets.UTF_8));
        samples.put("bare LF", ascii("From: alice@example.com\nSubject: hi\n\nbody\n"));
        samples.put("bare CR", ascii("From: alice@example.com\rSubject: hi\r\rbody\r"));
        samples.put("broken MIME", ascii(header + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\r\n"
                + "\r\n--\r\nContent-Type: text/plain; charset=\"\r\n\r\npart\r\n--x--\r\n"));
        samples.put("unclosed multipart", ascii(header + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\npart\r\n"));
        samples.put("bad encodings", ascii(header + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-nothing\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64===\r\n=?utf-8?B?###?=\r\n"));
        samples.put("unknown transfer encoding", ascii(header + "Content-Transfer-Encoding: x-weird\r\n\r\nbody\r\n"));
        StringBuilder nested = new StringBuilder(header + "MIME-Version: 1.0\r\n");
        for (int i = 0; i < 2000; i++) {
            nested.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        samples.put("2000 nested multiparts", ascii(nested.append("\r\nleaf\r\n").toString()));
        samples.put("folded continuation first", ascii(" continued\r\n" + header + "\r\nbody\r\n"));
        samples.put("field without colon", ascii("From alice\r\n" + header + "\r\nbody\r\n"));
        samples.put("huge field", ascii("X-Long: " + "a".repeat(200_000) + "\r\n" + header + "\r\nbody\r\n"));
        return samples;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String text, java.nio.charset.Charset charset) {
        return text.getBytes(charset);
    }

    private static List<Mailet> chain() throws MessagingException {
        return new ArrayList<>(pack.all("fixes", "MISSING_DATE_HEADER|MISSING_MESSAGE_ID_HEADER|MISSING_MIME_VERSION")
                .values());
    }

    private static byte[] written(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    @Test
    void everyMailetPassesEveryMalformedMessageOn() throws Exception {
        List<Mailet> chain = chain();
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, byte[]> sample : samples().entrySet()) {
            for (Mailet mailet : chain) {
                String as = sample.getKey() + " / " + mailet.getClass().getSimpleName();
                for (boolean nullSender : new boolean[] {false, true}) {
                    FakeMail.Builder builder = FakeMail.builder().name("m1")
                            .mimeMessage(MimeMessageBytes.from(sample.getValue()))
                            .recipients("bob@example.org", "carol@example.org").remoteAddr("192.0.2.1")
                            .state(Mail.DEFAULT)
                            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com")));
                    builder = nullSender ? builder.sender(MaybeSender.nullSender()) : builder.sender("a@example.com");
                    FakeMail mail = builder.build();
                    byte[] before = written(mail);
                    softly.assertThatCode(() -> mailet.service(mail)).as(as).doesNotThrowAnyException();
                    softly.assertThat(mail.getRecipients()).as(as).hasSize(2);
                    softly.assertThat(mail.getState()).as(as + " " + mail.getErrorMessage()).isEqualTo(Mail.DEFAULT);
                    byte[] after = written(mail);
                    if (!(mailet instanceof FixConformance)) {
                        // added fields on top, the original octets (less our own forged fields: none here) under them
                        softly.assertThat(endsWith(after, before)).as(as + ": original kept").isTrue();
                    }
                }
            }
        }
        softly.assertAll();
    }

    private static boolean endsWith(byte[] after, byte[] before) {
        return after.length >= before.length
                && Arrays.equals(after, after.length - before.length, after.length, before, 0, before.length);
    }
}
