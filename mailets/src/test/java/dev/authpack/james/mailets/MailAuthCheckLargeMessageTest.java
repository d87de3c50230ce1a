package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.JamesSources;
import dev.authpack.james.MailAttributes;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A message larger than {@code maxCheckedSize} is not read whole (the OutOfMemoryError risk of a message of any
 * size): only its header section is, DKIM signatures get {@code policy}, ARC fails closed, SPF, iprev and DMARC run,
 * and our field is still written. The seam: a message that counts the octets read from it.
 */
class MailAuthCheckLargeMessageTest {
    static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @            IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            mail         IN A   192.0.2.1
            mail         IN TXT "v=spf1 a -all"
            _dmarc       IN TXT "v=DMARC1; p=reject"
            $ORIGIN 2.0.192.in-addr.arpa.
            1            IN PTR mail.example.com.
            """;
    static final String BH = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    /** Signed by example.com (never verified here), sealed once, and a field forging our results. */
    static final String HEADER = "Authentication-Results: mx.test; dkim=pass header.d=example.com\r\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;\r\n"
            + "\th=from:subject; bh=" + BH + "; b=dGVzdHNpZ25hdHVyZQ==\r\n"
            + "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.org; s=arc; t=1700000000; b=dGVzdA==\r\n"
            + "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=arc; h=from;"
            + " bh=" + BH + "; b=dGVzdA==\r\n"
            + "ARC-Authentication-Results: i=1; mx.example.org; spf=pass smtp.mailfrom=example.com\r\n"
            + "From: alice@example.com\r\n"
            + "Subject: a large one\r\n"
            + "\r\n";
    static final int LIMIT = 1 << 20;

    private static LoopbackDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = LoopbackDnsServer.start(ZONE);
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    private static MailAuthCheck mailet(Map<String, String> parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("MailAuthCheck")
                .setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address())
                .setProperty("dnsTimeout", "1000");
        parameters.forEach(config::setProperty);
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
        mailet.init(config.build());
        return mailet;
    }

    static FakeMail mail(CountingMessages.Counted counted, String client) throws Exception {
        return FakeMail.builder().name("large").mimeMessage(counted.message())
                .recipient("bob@example.org").sender("alice@example.com").remoteAddr(client)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    static byte[] written(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    static String header(byte[] message) {
        String text = new String(message, 0, Math.min(message.length, 16_384), StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    @Test
    void aMessageOverMaxCheckedSizeIsNotReadWholeAndStillGetsItsLabels() throws Exception {
        byte[] octets = CountingMessages.withBody(HEADER, 4 * LIMIT);
        CountingMessages.Counted counted = CountingMessages.message(octets);
        FakeMail mail = mail(counted, "198.51.100.7");

        mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

        // the header section and at most one buffer of the body, never the 4 MiB (nor the 1 MiB limit)
        assertThat(counted.read().get()).as("octets read by the check").isLessThan(64 * 1024);
        byte[] after = written(mail);
        String header = header(after);
        assertThat(header).startsWith("Authentication-Results: mx.test;");
        assertThat(header).containsOnlyOnce("Authentication-Results: mx.test;");
        // the size known without reading: javax.mail's body size here (James' own source's size in James)
        assertThat(header).containsPattern("dkim=policy reason=\"message of 4194\\d{3} octets is larger than"
                + " maxCheckedSize \\(1048576 octets\\): body not verified\" header.d=example.com");
        assertThat(header).contains("spf=fail");
        // no DKIM pass: DMARC fails, as for an attacker's unsigned message
        assertThat(header).contains("dmarc=fail");
        assertThat(header).containsPattern("arc=fail reason=\"message of \\d+ octets is larger than maxCheckedSize");
        assertThat(header).doesNotContain("dkim=pass");
        // everything below our field is the message as received, octet for octet, the forged field gone
        byte[] expected = Arrays.copyOfRange(octets, HEADER.indexOf("DKIM-Signature"), octets.length);
        assertThat(Arrays.equals(Arrays.copyOfRange(after, after.length - expected.length, after.length), expected))
                .as("the rest of the message unchanged").isTrue();
        assertThat(MailAttributes.results(mail)).isPresent();
        assertThat(mail.getAttribute(MailAttributes.DKIM)).isPresent();
    }

    /**
     * In James, over the default limit (64 MiB): the message (generated as it is read, never held by the test either)
     * is read once, streamed into James' own file source under our field, and reads back as the message received
     * with our field on top and the forged one gone.
     */
    @Test
    void inJamesAMessageOverTheDefaultLimitIsStreamedUnderOurField() throws Exception {
        JamesSources.jamesDefaultThreshold();
        CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(HEADER, 80L << 20);
        MailImpl mail = MailImpl.builder().name("big").sender("alice@example.com").addRecipient("bob@example.org")
                .remoteAddr("198.51.100.7")
                .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
        mail.setMessageNoCopy(new MimeMessageWrapper(source));

        mailet(Map.of()).service(mail);

        // the header section for the check, then one pass for the copy under our field: never held whole
        assertThat(source.read()).isLessThanOrEqualTo(source.getMessageSize() + 64 * 1024);
        assertThat(mail.getAttribute(MailAttributes.DKIM).map(a -> a.getValue().value().toString()).orElse(""))
                .contains("policy");
        MimeMessageWrapper after = (MimeMessageWrapper) mail.getMessage();
        assertThat(after.isModified()).isFalse();
        assertThat(JamesSources.spoolFile(JamesSources.sourceOf(after))).as("James' temporary file").isPresent();
        int kept = HEADER.indexOf("DKIM-Signature");
        try (InputStream in = new BufferedInputStream(after.getMessageInputStream());
             InputStream expected = source.getInputStream()) {
            String first = new String(in.readNBytes(16), StandardCharsets.US_ASCII);
            assertThat(first).isEqualTo("Authentication-R");
            skipToLineStarting(in, "DKIM-Signature");
            expected.skipNBytes(kept + "DKIM-Signature".length());
            byte[] a = new byte[65536];
            byte[] b = new byte[65536];
            long compared = 0;
            for (int n; (n = in.readNBytes(a, 0, a.length)) > 0; compared += n) {
                assertThat(expected.readNBytes(b, 0, n)).isEqualTo(n);
                assertThat(Arrays.equals(a, 0, n, b, 0, n)).as("octets from " + compared).isTrue();
            }
            assertThat(expected.read()).isEqualTo(-1);
            assertThat(compared).isEqualTo(source.getMessageSize() - kept - "DKIM-Signature".length());
        } finally {
            mail.dispose();
        }
    }

    /** Reads past the first line starting with {@code start}'s text, up to the end of that text. */
    private static void skipToLineStarting(InputStream in, String start) throws Exception {
        byte[] wanted = start.getBytes(StandardCharsets.US_ASCII);
        int matched = 0;
        boolean lineStart = false;
        for (int b; (b = in.read()) >= 0; ) {
            if (matched > 0 || lineStart) {
                if (b == wanted[matched]) {
                    if (++matched == wanted.length) {
                        return;
                    }
                    continue;
                }
                matched = 0;
            }
            lineStart = b == '\n';
        }
        throw new AssertionError(start + " not found");
    }

    @Test
    void spfStillGivesDmarcItsPassOverTheLimit() throws Exception {
        CountingMessages.Counted counted = CountingMessages.message(CountingMessages.withBody(HEADER, 2 * LIMIT));
        FakeMail mail = mail(counted, "192.0.2.1");

        mailet(Map.of("maxCheckedSize", String.valueOf(LIMIT))).service(mail);

        assertThat(counted.read().get()).isLessThan(64 * 1024);
        String header = header(written(mail));
        assertThat(header).contains("spf=pass").contains("dmarc=pass").contains("iprev=pass").contains("dkim=policy");
    }

    @Test
    void aMessageWithinTheLimitIsVerifiedAsBefore() throws Exception {
        byte[] octets = CountingMessages.withBody(HEADER, 4096);
        CountingMessages.Counted counted = CountingMessages.message(octets);
        FakeMail mail = mail(counted, "198.51.100.7");

        mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

        String header = header(written(mail));
        // verified: no key for the made-up signature, and the body hash of the made-up seal does not match
        assertThat(header).contains("dkim=permerror").contains("body hash did not verify")
                .doesNotContain("maxCheckedSize");
    }

    @Test
    void maxCheckedSizeIsCheckedAtInit() {
        for (String bad : new String[]{"0", "-1", "12 parsecs", "2GiB", "1023"}) {
            assertThatThrownBy(() -> mailet(Map.of("maxCheckedSize", bad))).as(bad)
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("maxCheckedSize")
                    .hasMessageContaining("1024 to 1073741824");
        }
    }
}
