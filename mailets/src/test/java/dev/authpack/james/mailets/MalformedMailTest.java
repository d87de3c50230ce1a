package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.MessagingException;
import java.io.ByteArrayOutputStream;
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

/**
 * Session 21: malformed messages, as javax.mail and James hold them, through every mailet of the pack in the
 * order of the sample configuration: none throws, none drops the mail or a recipient, none sends it to ghost or
 * to the error processor, and a mailet that writes (DkimSign, ArcSeal, MailAuthCheck's field) keeps the original
 * octets under what it adds.
 */
class MalformedMailTest {
    @TempDir
    static Path dir;
    private static Path key;
    private static LoopbackDnsServer dns;

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

    private static <M extends Mailet> M init(M mailet, String name, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(name)
                .mailetContext(FakeMailContext.defaultContext());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static List<Mailet> chain() throws MessagingException {
        List<Mailet> chain = new ArrayList<>();
        chain.add(MailAuthCheckTest.mailet(dns, Map.of()));
        chain.add(init(new FixConformance(), "FixConformance", "fixes",
                "MISSING_DATE_HEADER|MISSING_MESSAGE_ID_HEADER|MISSING_MIME_VERSION"));
        chain.add(init(new AddAuthResults(), "AddAuthResults", "serverId", "mx.test"));
        chain.add(init(new LogReport(), "LogReport"));
        chain.add(init(new DkimSign(), "DkimSign", "domain", "example.com", "selector", "s1",
                "privateKey", key.toString()));
        chain.add(init(new ArcSeal(new AuthpackEngines(), java.util.Optional.empty()), "ArcSeal",
                "domain", "example.com", "selector", "s1", "privateKey", key.toString(), "authservId", "mx.test",
                "dnsServers", dns.address(), "dnsTimeout", "1000"));
        return chain;
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
