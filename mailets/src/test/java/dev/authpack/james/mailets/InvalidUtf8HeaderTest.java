package dev.authpack.james.mailets;

import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 21 (from session 19): 8-bit header octets that are not UTF-8 (a Latin-1 Subject from an old client, a
 * stray 0x80) in a DKIM-signed field. A mail administrator wants them kept as they arrived: our field goes on top,
 * every other field keeps its octets, and the signature over them still verifies at a later hop after
 * MailAuthCheck and AddAuthResults have run, with and without {@code mail.mime.allowutf8=true}, for a message read
 * whole and one rewritten from its header section.
 *
 * <p>Where this cannot hold, and why (asserted, so it is known): a plain javax.mail message (not James' own) made
 * from the octets under {@code mail.mime.allowutf8=true}. javax.mail 1.6 reads its header lines as UTF-8 when the
 * message is parsed ({@code InternetHeaders} over {@code LineInputStream(in, true)}: an ill-formed sequence becomes
 * U+FFFD) and writes header text from Java strings as UTF-8 ({@code LineOutputStream}); no string holds the octets,
 * so they are gone before MailAuthCheck sees the message, whatever it does. James' own messages
 * ({@code MimeMessageWrapper}) are read and written from their source and keep them.
 */
class InvalidUtf8HeaderTest {
    private static final DkimSigningKey KEY = key();
    private static final String ZONE = "$ORIGIN example.com.\n$TTL 300\n"
            + "@ IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
            + "latin._domainkey IN TXT \"" + KEY.publicKeyRecord() + "\"\n";
    /** "Grüße aus Köln" in ISO-8859-1, then a lone continuation octet and a truncated 3-octet sequence. */
    private static final byte[] SUBJECT = {'G', 'r', (byte) 0xfc, (byte) 0xdf, 'e', ' ', 'a', 'u', 's', ' ', 'K',
        (byte) 0xf6, 'l', 'n', ' ', (byte) 0x80, ' ', (byte) 0xe2, (byte) 0x82};
    private static final String ALLOW_UTF8 = "mail.mime.allowutf8";

    private static LoopbackDnsServer dns;

    private static DkimSigningKey key() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 9);
        try {
            return DkimKeys.ed25519(seed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDnsServer.start(ZONE);
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty(ALLOW_UTF8);
        dns.close();
    }

    private static byte[] signed(int bodySize) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n"
                + "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: ")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(SUBJECT);
        out.writeBytes(("\r\nMessage-ID: <latin@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=iso-8859-1\r\n\r\n"
                + "x".repeat(76).concat("\r\n").repeat(bodySize / 78 + 1)).getBytes(StandardCharsets.US_ASCII));
        DkimSignOptions options = DkimSignOptions.of("example.com", "latin");
        return new DkimSigner(KEY, options).sign(out.toByteArray());
    }

    private static boolean verifies(byte[] message) {
        return new DkimVerifier(new ZoneFileResolver(ZONE)).verify(message).join().anyPass();
    }

    private static boolean containsSubject(byte[] message) {
        return new String(message, StandardCharsets.ISO_8859_1)
                .contains("Subject: " + new String(SUBJECT, StandardCharsets.ISO_8859_1) + "\r\n");
    }

    @ParameterizedTest(name = "{0} large={1} allowutf8={2}")
    @CsvSource({
            "james, false, false", "james, false, true", "james, true, false", "james, true, true",
            "javamail, false, false", "javamail, false, true", "javamail, true, false", "javamail, true, true",
    })
    void invalidUtf8InASignedSubjectStillVerifiesAtTheNextHop(String holder, boolean large, boolean utf8)
            throws Exception {
        if (utf8) {
            System.setProperty(ALLOW_UTF8, "true");
        } else {
            System.clearProperty(ALLOW_UTF8);
        }
        byte[] original = signed(large ? 300_000 : 2_000);
        assertThat(verifies(original)).as("signed").isTrue();
        Session session = Session.getInstance(System.getProperties());
        Mail mail;
        if (holder.equals("james")) {
            MimeMessageWrapper wrapper = new MimeMessageWrapper(session,
                    MimeMessageInputStreamSource.create("m1", new ByteArrayInputStream(original)));
            MailImpl impl = MailImpl.builder().name("m1").sender("alice@example.com").addRecipient("bob@example.org")
                    .build();
            impl.setMessageNoCopy(wrapper);
            impl.setRemoteAddr("192.0.2.1");
            mail = impl;
        } else {
            mail = FakeMail.builder().name("m1").sender("alice@example.com").recipient("bob@example.org")
                    .remoteAddr("192.0.2.1").size(original.length)
                    .mimeMessage(new MimeMessage(session, new ByteArrayInputStream(original))).build();
        }
        mail.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com")));
        byte[] before = MimeMessageBytes.of(mail.getMessage());
        boolean lostByJavaMail = holder.equals("javamail") && utf8;
        if (lostByJavaMail) {
            // javax.mail itself, when the message was made: the octets are U+FFFD before any mailet runs
            assertThat(containsSubject(before)).isFalse();
            assertThat(new String(before, StandardCharsets.UTF_8)).contains("Subject: Gr\ufffd\ufffde aus K\ufffdln");
            return;
        }
        assertThat(before).as("the message as received").isEqualTo(original);
        MailAuthCheck check = new MailAuthCheck(new AuthpackEngines());
        check.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "1000")
                .setProperty("maxCheckedSize", "100k").setProperty("addAuthenticationResults", "false").build());
        AddAuthResults add = new AddAuthResults();
        add.init(FakeMailetConfig.builder().mailetName("AddAuthResults").setProperty("maxCheckedSize", "100k")
                .build());
        try {
            check.service(mail);
            add.service(mail);
            byte[] after = MimeMessageBytes.of(mail.getMessage());
            String text = new String(after, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("Authentication-Results: mx.test;").contains("dkim=pass header.d=example.com")
                    .doesNotContain("forged.example");
            assertThat(containsSubject(after)).as("the Subject's octets as they arrived").isTrue();
            // the next hop gets these octets: the signature over the Subject still verifies
            assertThat(verifies(after)).as("the signature at the next hop").isTrue();
        } finally {
            check.destroy();
            add.destroy();
            if (mail instanceof MailImpl impl) {
                impl.dispose();
            }
        }
    }
}
