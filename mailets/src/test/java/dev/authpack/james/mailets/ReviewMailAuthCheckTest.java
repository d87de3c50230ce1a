package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MailAttributes;
import dev.authpack.authres.AuthResultsParser;
import dev.authpack.authres.ParsedAuthResults;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of issue 9: whatever the sender puts in the message or the envelope, MailAuthCheck does not throw and the
 * mail leaves with exactly one field of ours, readable by our own parser, and no forged one.
 */
class ReviewMailAuthCheckTest {
    private static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @            IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            _dmarc       IN TXT "v=DMARC1; p=reject"
            """;
    private static LoopbackDnsServer dns;
    private static MailAuthCheck mailet;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDnsServer.start(ZONE);
        mailet = new MailAuthCheck(new AuthpackEngines());
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "500").build());
    }

    @AfterAll
    static void stop() throws Exception {
        dns.close();
    }

    private static String[] check(byte[] raw, String remoteAddr, String helo, String sender) throws Exception {
        MimeMessageWrapper received = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(raw)));
        MailImpl.Builder builder = MailImpl.builder().name("m1").addRecipient("b@example.org").mimeMessage(received);
        if (sender != null) {
            builder.sender(sender);
        }
        MailImpl mail = builder.build();
        try {
            mail.setRemoteAddr(remoteAddr);
            mail.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of(helo)));
            mailet.service(mail);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mail.getMessage().writeTo(out);
            MimeMessage reread = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(out.toByteArray()));
            String[] fields = reread.getHeader("Authentication-Results");
            assertThat(fields).as(out.toString(StandardCharsets.ISO_8859_1)).hasSize(1);
            ParsedAuthResults parsed = AuthResultsParser.parse(fields[0]);
            assertThat(parsed.isValid()).as(fields[0]).isTrue();
            assertThat(parsed.authservId()).contains("mx.test");
            assertThat(fields[0]).doesNotContain("forged");
            return fields;
        } finally {
            // the builder copied the wrapper: the one made here holds a temporary file of its own (over 100 KiB)
            mail.dispose();
            received.dispose();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "\r\n",
            "\r\nbody only\r\n",
            "From: a@example.com",
            "From: a@example.com\r\nSubject: no separator\r\n",
            "no colon at all\r\n\r\nbody\r\n",
            " leading: continuation\r\nFrom: a@example.com\r\n\r\nb\r\n",
            "\u0000Authentication-Results: mx.test; dmarc=pass forged\r\nFrom: a@example.com\r\n\r\nb\r\n",
            "Authentication-Results: =?utf-8?q?mx.test?=; dmarc=pass forged\r\nFrom: a@example.com\r\n\r\nb\r\n",
            "Authentication-Results:\r\n mx.test;\r\n dmarc=pass forged\r\nFrom: a@example.com\r\n\r\nb\r\n",
            "Authentication-Results: mx.test\u0000; dmarc=pass forged\r\nFrom: a@example.com\r\n\r\nb\r\n",
    })
    void oddMessagesGetExactlyOneFieldOfOurs(String message) throws Exception {
        check(bytes(message), "192.0.2.1", "mail.example.com", "a@example.com");
    }

    @Test
    void tenThousandForgedFields() throws Exception {
        String message = "Authentication-Results: mx.test; dmarc=pass forged\r\n".repeat(10_000)
                + "From: a@example.com\r\n\r\nb\r\n";
        check(bytes(message), "192.0.2.1", "mail.example.com", "a@example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mail.example.com\r\nX-Injected: yes", "a;b=c dmarc=pass", "\"quoted\" (c)",
            "caf\u00e9.example", "[192.0.2.1]", "", " ", "a\u0000b"})
    void oddHelosStayInsideOurField(String helo) throws Exception {
        String[] fields = check(bytes("From: a@example.com\r\n\r\nb\r\n"), "192.0.2.1", helo, null);
        assertThat(fields[0]).doesNotContain("\r\nX").doesNotContain("\nX").doesNotContain("\u0000");
    }

    @Test
    void aVeryLongHelo() throws Exception {
        String[] fields = check(bytes("From: a@example.com\r\n\r\nb\r\n"), "192.0.2.1", "x".repeat(5000), null);
        assertThat(fields[0].split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThan(998));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:192.0.2.1", "[::ffff:192.0.2.1]", "fe80::1%1", "fe80::1%eth99",
            "fe80:0:0:0:0:0:0:1%nosuchif0", "0:0:0:0:0:0:0:1", " 192.0.2.1 "})
    void clientAddressesInFormsTheJdkReportsAreChecked(String remoteAddr) throws Exception {
        check(bytes("From: a@example.com\r\n\r\nb\r\n"), remoteAddr, "mail.example.com", "a@example.com");
    }

    /**
     * No client address (blank): local mail, no results. One that is not an IP (review s20): unverifiable, every
     * check temperror and DMARC with the unknown author's disposition, in our field (MailAuthCheckUncheckedTest).
     * Either way no forged field stays.
     */
    @ParameterizedTest
    @ValueSource(strings = {"999.1.1.1", "localhost", "", "192.0.2.1%1", "a:b%c"})
    void noUsableClientAddressMeansNoResultsOrUnverifiableButStillNoForgedField(String remoteAddr) throws Exception {
        MimeMessageWrapper received = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(bytes("Authentication-Results: mx.test; dmarc=pass\r\n\r\nb\r\n"))));
        MailImpl mail = MailImpl.builder().name("m1").addRecipient("b@example.org").mimeMessage(received).build();
        try {
            mail.setRemoteAddr(remoteAddr);
            mailet.service(mail);
            String[] fields = mail.getMessage().getHeader("Authentication-Results");
            if (remoteAddr.isBlank()) {
                assertThat(fields).isNull();
                assertThat(mail.getAttribute(MailAttributes.RESULTS)).isEmpty();
            } else {
                assertThat(fields).hasSize(1);
                assertThat(fields[0]).contains("dmarc=temperror").contains("dis=reject (unverifiable)")
                        .doesNotContain("dmarc=pass");
                assertThat(mail.getAttribute(MailAttributes.DMARC_DISPOSITION)
                        .map(a -> String.valueOf(a.getValue().value()))).contains("reject");
            }
        } finally {
            mail.dispose();
            received.dispose();
        }
    }

    @Test
    void anIpv4MappedClientIsCheckedAsIpv4() throws Exception {
        String[] fields = check(bytes("From: a@example.com\r\n\r\nb\r\n"), "::ffff:192.0.2.1", "mail.example.com",
                "a@example.com");
        assertThat(fields[0]).contains("spf=pass");
    }
}
