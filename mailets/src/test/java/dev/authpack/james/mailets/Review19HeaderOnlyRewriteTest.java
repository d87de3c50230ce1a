package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.JamesSources;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s19 (attacker's tests): the header-only rewrite of a message over {@code maxCheckedSize} whose message a
 * mailet before MailAuthCheck has changed (a header added: James' wrapper is then modified, so the rewrite goes
 * through javax.mail, {@code HeaderSectionFields}). That path re-reads the rewritten header section with
 * {@code RawMessage.parse}, which refuses a header line without a colon, a field name with a space, more than 1000
 * fields: the rewrite then throws, MailAuthCheck logs "not rewritten" and the mail goes on with the sender's field
 * claiming our authserv-id, without ours. Every path must remove such fields (or keep the mail from delivery).
 */
class Review19HeaderOnlyRewriteTest {
    private static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @            IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            mail         IN A   192.0.2.1
            _dmarc       IN TXT "v=DMARC1; p=reject"
            $ORIGIN 2.0.192.in-addr.arpa.
            1            IN PTR mail.example.com.
            """;
    private static final String FORGED = "Authentication-Results: mx.test; dkim=pass header.d=victim.example;"
            + " dmarc=pass header.from=victim.example\r\n";
    private static LoopbackDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = LoopbackDnsServer.start(ZONE);
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    private static MailAuthCheck mailet() throws Exception {
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "1000")
                .setProperty("maxCheckedSize", "1MiB").build());
        return mailet;
    }

    /** James' own mail over a generated source: {@code head}, then {@code bodyOctets} of body never held whole. */
    private static MailImpl jamesMail(String head, long bodyOctets) throws Exception {
        JamesSources.jamesDefaultThreshold();
        MailImpl mail = MailImpl.builder().name("big").sender("alice@example.com").addRecipient("bob@example.org")
                .remoteAddr("192.0.2.1")
                .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
        mail.setMessageNoCopy(new MimeMessageWrapper(new CountingMessages.GeneratedSource(head, bodyOctets)));
        return mail;
    }

    /** The header section of the mail's message as javax.mail writes it (what is delivered). */
    private static String headerOf(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            mail.getMessage().writeTo(new java.io.OutputStream() {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (out.size() > 64 * 1024) {
                        throw new java.io.IOException("enough");
                    }
                    out.write(b, off, len);
                }

                @Override
                public void write(int b) throws java.io.IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }
            });
        } catch (java.io.IOException e) {
            // read far enough
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    /**
     * A mailet before MailAuthCheck added a header (the wrapper is modified); the sender's header section holds a
     * line RawMessage refuses. The forged field claiming mx.test must not reach delivery: either it is gone (and
     * ours is the first Authentication-Results field), or the mail is kept from delivery (the error processor).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "X-Junk line without a colon\r\n",
            "X Junk: a field name with a space\r\n"})
    void aForgedFieldIsNotDeliveredFromAModifiedLargeMessageWithAnOddLine(String odd) throws Exception {
        MailImpl mail = jamesMail(FORGED + "From: alice@example.com\r\nSubject: large\r\n" + odd + "\r\n",
                2L << 20);
        try {
            // what any mailet before MailAuthCheck may do (SetMimeHeader, a spam filter's X-Spam field...)
            mail.getMessage().setHeader("X-Earlier-Mailet", "1");
            mail.getMessage().saveChanges();

            mailet().service(mail);

            String header = headerOf(mail);
            boolean keptFromDelivery = Mail.ERROR.equals(mail.getState());
            assertThat(keptFromDelivery || !header.contains("mx.test; dkim=pass header.d=victim.example"))
                    .as("forged field claiming mx.test delivered; state %s, header:%n%s", mail.getState(), header)
                    .isTrue();
            // ours above every other Authentication-Results field (javax.mail may put MIME-Version and the like back
            // where its own placeholders are, above it)
            assertThat(keptFromDelivery || header.indexOf("Authentication-Results:") == header.indexOf(
                    "Authentication-Results: mx.test;\r\n\tdkim=")).as("our field first; header:%n%s", header).isTrue();
        } finally {
            mail.dispose();
        }
    }

    /** The same with more fields than RawMessage reads (1000): plain, valid fields. */
    @ParameterizedTest
    @ValueSource(ints = {1001})
    void aForgedFieldIsNotDeliveredFromAModifiedLargeMessageWithManyFields(int fields) throws Exception {
        StringBuilder head = new StringBuilder(FORGED).append("From: alice@example.com\r\n");
        for (int i = 0; i < fields; i++) {
            head.append("X-F").append(i).append(": v\r\n");
        }
        MailImpl mail = jamesMail(head.append("\r\n").toString(), 2L << 20);
        try {
            mail.getMessage().setHeader("X-Earlier-Mailet", "1");
            mail.getMessage().saveChanges();

            mailet().service(mail);

            String header = headerOf(mail);
            boolean keptFromDelivery = Mail.ERROR.equals(mail.getState());
            assertThat(keptFromDelivery || !header.contains("mx.test; dkim=pass header.d=victim.example"))
                    .as("forged field claiming mx.test delivered; state %s", mail.getState()).isTrue();
        } finally {
            mail.dispose();
        }
    }
}
