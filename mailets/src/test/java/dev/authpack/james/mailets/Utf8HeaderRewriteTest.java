package dev.authpack.james.mailets;

import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimReport;
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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6532 (SMTPUTF8) mail: 8-bit UTF-8 octets in a DKIM-signed Subject and From display name must come through
 * MailAuthCheck's rewrite of the header section (our field on top, a forged one removed) octet for octet, with and
 * without {@code mail.mime.allowutf8=true} (a system property: James makes its javax.mail session from the system
 * properties), on every path: a message read whole (within {@code maxCheckedSize}) and one checked from its header
 * section (over it), James' own unchanged message (streamed) and any other (javax.mail's {@code InternetHeaders}:
 * {@code HeaderSectionFields}). Our own verifier checks the signature over the octets afterwards.
 *
 * <p>Before session 20 a javax.mail message whose session has {@code mail.mime.allowutf8=true}, checked from its
 * header section, had its header read back as ISO-8859-1 and written as UTF-8: every 8-bit octet of the fields not
 * touched became two, and the DKIM signature over Subject and From failed.
 */
class Utf8HeaderRewriteTest {
    private static final DkimSigningKey KEY = key();
    private static final String ZONE = "$ORIGIN example.com.\n$TTL 300\n"
            + "@ IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
            + "utf8._domainkey IN TXT \"" + KEY.publicKeyRecord() + "\"\n";
    private static final String SUBJECT = "Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u65e5\u672c\u8a9e";
    private static final String DISPLAY = "J\u00fcrgen M\u00fcller";
    private static final String ALLOW_UTF8 = "mail.mime.allowutf8";

    private static LoopbackDnsServer dns;

    private static DkimSigningKey key() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 7);
        try {
            return DkimKeys.ed25519(seed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The DNS the mailet asks (SPF, DMARC, the key); the property set by a test taken away again. */
    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDnsServer.start(ZONE);
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty(ALLOW_UTF8);
        dns.close();
    }

    /** A signed message with 8-bit UTF-8 in Subject and From, a forged field of ours, a body of {@code size}. */
    private static byte[] signed(int bodySize) throws Exception {
        String body = "Hallo \u00e4\u00f6\u00fc\r\n" + "x".repeat(76).concat("\r\n").repeat(bodySize / 78 + 1);
        byte[] unsigned = ("Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n"
                + "From: " + DISPLAY + " <alice@example.com>\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: " + SUBJECT + "\r\n"
                + "Message-ID: <utf8@example.com>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n" + body).getBytes(StandardCharsets.UTF_8);
        DkimSigner signer = new DkimSigner(KEY, DkimSignOptions.of("example.com", "utf8"));
        return signer.sign(unsigned);
    }

    private static boolean verifies(byte[] message) {
        DkimReport report = new DkimVerifier(new ZoneFileResolver(ZONE)).verify(message).join();
        return report.anyPass();
    }

    /**
     * @param holder  {@code james}: James' own MimeMessageWrapper in a MailImpl, unchanged; {@code james-changed}:
     *                the same after another mailet changed a header; {@code javamail}: a javax.mail MimeMessage
     * @param large   over maxCheckedSize (checked from the header section, the header section rewritten alone)
     * @param utf8    {@code mail.mime.allowutf8=true} set when the message is made
     */
    @ParameterizedTest(name = "{0} large={1} allowutf8={2}")
    @CsvSource({
            "james, false, false", "james, false, true", "james, true, false", "james, true, true",
            "javamail, false, false", "javamail, false, true", "javamail, true, false", "javamail, true, true",
            "james-changed, false, false", "james-changed, false, true",
            "james-changed, true, false", "james-changed, true, true",
    })
    void utf8HeaderOctetsSurviveTheRewrite(String holder, boolean large, boolean utf8) throws Exception {
        if (utf8) {
            System.setProperty(ALLOW_UTF8, "true");
        } else {
            System.clearProperty(ALLOW_UTF8);
        }
        byte[] original = signed(large ? 300_000 : 2_000);
        assertThat(verifies(original)).as("signed").isTrue();
        // James' session: its properties are the system properties (MimeMessageWrapper's own constructor)
        Session session = Session.getInstance(System.getProperties());
        Mail mail;
        if (holder.startsWith("james")) {
            MimeMessageWrapper wrapper = new MimeMessageWrapper(session,
                    MimeMessageInputStreamSource.create("m1", new ByteArrayInputStream(original)));
            if (holder.equals("james-changed")) {
                wrapper.setHeader("X-Changed-By", "another mailet");
                wrapper.saveChanges();
            }
            // as James' SMTP server does (setMessageContent of the DATA's source): MailImpl.builder().mimeMessage
            // would copy the message through MimeMessageWrapper.writeTo, which writes header lines as US-ASCII
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
        if (holder.equals("james-changed")) {
            // James itself, not the rewrite: a changed MimeMessageWrapper writes its header lines as US-ASCII
            // (InternetHeadersInputStream), every 8-bit char a '?', before MailAuthCheck sees the message; what
            // the rewrite must do then is keep those octets as they are (asserted below)
            assertThat(new String(before, StandardCharsets.ISO_8859_1)).contains("Subject: Gr?")
                    .doesNotContain(new String(SUBJECT.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        } else {
            assertThat(before).as("the message as received").isEqualTo(original);
        }
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "1000")
                .setProperty("maxCheckedSize", "100k").build());
        try {
            mailet.service(mail);
            byte[] after = MimeMessageBytes.of(mail.getMessage());
            String text = new String(after, StandardCharsets.UTF_8);
            assertThat(text).as("our field on top").startsWith("Authentication-Results: mx.test;");
            assertThat(text).as("the forged field removed").doesNotContain("forged.example");
            // the fields we do not touch keep their octets: the message is the one before, less the forged field,
            // under our field
            byte[] forged = "Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] rest = without(before, forged);
            if (!holder.equals("james-changed")) {
                assertThat(text).contains("Subject: " + SUBJECT).contains("From: " + DISPLAY);
                assertThat(verifies(after)).as("the signature over the rewritten octets").isTrue();
            }
            assertThat(after.length).isGreaterThan(rest.length);
            assertThat(Arrays.copyOfRange(after, after.length - rest.length, after.length))
                    .as("octets of the fields not touched").isEqualTo(rest);
            String ours = new String(after, 0, after.length - rest.length, StandardCharsets.UTF_8);
            assertThat(ours).startsWith("Authentication-Results: mx.test;").endsWith("\r\n")
                    .doesNotContain("\r\nFrom:").doesNotContain("\r\nDKIM-Signature:");
            if (!holder.equals("james-changed")) {
                assertThat(ours).contains("dkim=pass");
            }
        } finally {
            mailet.destroy();
            if (mail instanceof MailImpl impl) {
                impl.dispose();
            }
        }
    }

    /** {@code message} without the one occurrence of {@code field}. */
    private static byte[] without(byte[] message, byte[] field) {
        String m = new String(message, StandardCharsets.ISO_8859_1);
        int at = m.indexOf(new String(field, StandardCharsets.ISO_8859_1));
        assertThat(at).as("the forged field before the rewrite").isNotNegative();
        return (m.substring(0, at) + m.substring(at + field.length)).getBytes(StandardCharsets.ISO_8859_1);
    }
}
