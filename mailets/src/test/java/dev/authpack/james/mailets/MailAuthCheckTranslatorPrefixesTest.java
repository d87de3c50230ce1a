package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An IPv4 client behind the operator's SIIT/NAT64 translator arrives as an IPv4-embedded IPv6 address (RFC 6052).
 * With {@code translatorPrefixes} listing the translator's prefix it is checked as its IPv4 address: SPF
 * {@code ip4:}, iprev under {@code in-addr.arpa}, DMARC and our field. Without it (the default) nothing is guessed.
 * Through the mailet with the remote address James records (a real James binds the ITs to IPv4 loopback: the
 * translator cannot be put in front of it there).
 */
class MailAuthCheckTranslatorPrefixesTest {
    private static final String MESSAGE = "From: alice@example.com\r\nSubject: hello\r\n\r\nbody\r\n";

    private static LoopbackDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = LoopbackDnsServer.start(MailAuthCheckTest.ZONE);
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    private static MailAuthCheck mailet(String prefixes) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("MailAuthCheck")
                .setProperty("serverId", "mx.test").setProperty("dnsServers", dns.address())
                .setProperty("dnsTimeout", "1000");
        if (prefixes != null) {
            config.setProperty("translatorPrefixes", prefixes);
        }
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
        mailet.init(config.build());
        return mailet;
    }

    private static String check(String prefixes, String remoteAddr) throws Exception {
        MailAuthCheck mailet = mailet(prefixes);
        try {
            Mail mail = FakeMail.builder().name("m1")
                    .mimeMessage(new MimeMessage(Session.getDefaultInstance(new Properties()),
                            new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII))))
                    .recipient("bob@example.org").sender("alice@example.com").remoteAddr(remoteAddr)
                    .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
            mailet.service(mail);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mail.getMessage().writeTo(out);
            String text = out.toString(StandardCharsets.US_ASCII);
            return text.substring(0, text.indexOf("\r\n\r\n"));
        } finally {
            mailet.destroy();
        }
    }

    /**
     * The bug: an honest IPv4 sender behind a translator's /96 failed SPF (and iprev, and so DMARC: p=reject). The
     * zone's sender is the documentation address 192.0.2.1, which RFC 6052 §3.1 forbids under the well-known
     * 64:ff9b::/96 (only global addresses there: review s20), so it is embedded under the local-use 64:ff9b:1::/96,
     * a network-specific prefix that may carry any address; under 64:ff9b::/96 it is checked as the IPv6 address.
     */
    @Test
    void anIpv4SenderBehindATranslatorPassesWhenThePrefixIsListed() throws Exception {
        String field = check("64:ff9b:1::/96", "64:ff9b:1::192.0.2.1");
        assertThat(field).contains("spf=pass").contains("iprev=pass").contains("policy.iprev=192.0.2.1")
                .contains("dmarc=pass").doesNotContain("64:ff9b").doesNotContain("spf=fail");
        assertThat(check("64:ff9b::/96", "64:ff9b::192.0.2.1")).contains("spf=fail")
                .doesNotContain("policy.iprev=192.0.2.1").contains("dmarc=fail");
    }

    /** RFC 6052 §2.2 layouts other than /96: a network-specific prefix of the operator, the u octet skipped. */
    @ParameterizedTest
    @CsvSource({
            "2001:db8:122::/48, 2001:db8:122:c000:2:100::",
            "2001:db8::/32, 2001:db8:c000:201::",
            "64:ff9b:1::/48, 64:ff9b:1:c000:2:100::",
            "2001:db8:122:344::/64, 2001:db8:122:344:c0:2:100:0",
    })
    void networkSpecificPrefixes(String prefix, String address) throws Exception {
        String field = check(prefix + ", 64:ff9b::/96", address);
        assertThat(field).contains("spf=pass").contains("iprev=pass").contains("policy.iprev=192.0.2.1")
                .contains("dmarc=pass");
    }

    /** No guessing: without the parameter (or outside the listed prefixes) the IPv6 address is checked as it is. */
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "null, 64:ff9b::192.0.2.1",
            "2001:db8:122::/48, 64:ff9b::192.0.2.1",
            "64:ff9b::/96, 2001:db8:122:c000:2:100::",
            "64:ff9b::/96, 64:ff9b:1::192.0.2.1",
    })
    void addressesOutsideTheListedPrefixesAreCheckedAsIpv6(String prefixes, String address) throws Exception {
        String field = check(prefixes, address);
        assertThat(field).contains("spf=fail").doesNotContain("policy.iprev=192.0.2.1").contains("dmarc=fail");
    }

    @Test
    void aBadPrefixStopsInitWithWhatIsAccepted() {
        assertThatThrownBy(() -> mailet("64:ff9b::/95")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("translatorPrefixes").hasMessageContaining("32, 40, 48, 56, 64 or 96");
    }
}
