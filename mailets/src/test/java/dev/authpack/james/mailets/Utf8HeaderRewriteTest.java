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
import java.io.ByteArrayOutputStream;
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

    /** "Grüße aus Köln" in ISO-8859-1, then a lone continuation octet and a truncated 3-octet sequence. */
    private static final byte[] LATIN1_SUBJECT = {'G', 'r', (byte) 0xfc, (byte) 0xdf, 'e', ' ', 'a', 'u', 's', ' ', 'K',
        (byte) 0xf6, 'l', 'n', ' ', (byte) 0x80, ' ', (byte) 0xe2, (byte) 0x82};
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
        byte[] original = signed(large ? 300_000 : 2_000);
        Mail mail = received(holder, utf8, original);
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

    private static byte[] signedLatin1(int bodySize) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n"
                + "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: ")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(LATIN1_SUBJECT);
        out.writeBytes(("\r\nMessage-ID: <latin1@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=iso-8859-1\r\n\r\n"
                + "x".repeat(76).concat("\r\n").repeat(bodySize / 78 + 1)).getBytes(StandardCharsets.US_ASCII));
        DkimSignOptions options = DkimSignOptions.of("example.com", "utf8");
        return new DkimSigner(KEY, options).sign(out.toByteArray());
    }

    private static boolean containsLatin1Subject(byte[] message) {
        return new String(message, StandardCharsets.ISO_8859_1)
                .contains("Subject: " + new String(LATIN1_SUBJECT, StandardCharsets.ISO_8859_1) + "\r\n");
    }

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
    @ParameterizedTest(name = "{0} large={1} allowutf8={2}")
    @CsvSource({
            "james, false, false", "james, false, true", "james, true, false", "james, true, true",
            "javamail, false, false", "javamail, false, true", "javamail, true, false", "javamail, true, true",
    })
    void invalidUtf8InASignedSubjectStillVerifiesAtTheNextHop(String holder, boolean large, boolean utf8)
            throws Exception {
        byte[] original = signedLatin1(large ? 300_000 : 2_000);
        Mail mail = received(holder, utf8, original);
        byte[] before = MimeMessageBytes.of(mail.getMessage());
        boolean lostByJavaMail = holder.equals("javamail") && utf8;
        if (lostByJavaMail) {
            // javax.mail itself, when the message was made: the octets are U+FFFD before any mailet runs
            assertThat(containsLatin1Subject(before)).isFalse();
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
            assertThat(containsLatin1Subject(after)).as("the Subject's octets as they arrived").isTrue();
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

    /**
     * {@link #mail} with {@code mail.mime.allowutf8=true} set or not, in James' session (its properties are the
     * system properties: MimeMessageWrapper's own constructor), {@code original} checked to verify first.
     */
    private static Mail received(String holder, boolean utf8, byte[] original) throws Exception {
        if (utf8) {
            System.setProperty(ALLOW_UTF8, "true");
        } else {
            System.clearProperty(ALLOW_UTF8);
        }
        assertThat(verifies(original)).as("signed").isTrue();
        return mail(holder, Session.getInstance(System.getProperties()), original);
    }

    /**
     * The mail holding {@code original}: {@code james}, James' own MimeMessageWrapper in a MailImpl, unchanged;
     * {@code james-changed}, the same after another mailet changed a header; {@code javamail}, a javax.mail
     * MimeMessage made from the octets in {@code session}.
     */
    private static Mail mail(String holder, Session session, byte[] original) throws Exception {
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
        return mail;
    }

    /** {@code message} without the one occurrence of {@code field}. */
    private static byte[] without(byte[] message, byte[] field) {
        String m = new String(message, StandardCharsets.ISO_8859_1);
        int at = m.indexOf(new String(field, StandardCharsets.ISO_8859_1));
        assertThat(at).as("the forged field before the rewrite").isNotNegative();
        return (m.substring(0, at) + m.substring(at + field.length)).getBytes(StandardCharsets.ISO_8859_1);
    }
}
