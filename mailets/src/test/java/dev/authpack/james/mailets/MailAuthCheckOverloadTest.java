package dev.authpack.james.mailets;

import dev.authpack.authres.MethodResult;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.TrustedListPost;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of session 16, finding 1, in the mailet: a trusted list's post whose sealer key lookup this server did not
 * send (its resolver at its bound). The mail is already accepted; its labels say {@code dmarc=temperror} because of
 * our overload, not {@code fail}, and nothing overrides the owner's reject.
 */
class MailAuthCheckOverloadTest {

    private static Mail checked(ZoneFileResolver dns) throws Exception {
        MailAuthCheck mailet = new MailAuthCheck(AuthpackEngines.over(dns));
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.example.org")
                .setProperty("overloadRetry", "0")
                .setProperty("trustedArcSealers", TrustedListPost.SEALER).build());
        Mail mail = FakeMail.builder().name("post").sender(TrustedListPost.MAIL_FROM).recipient("bob@example.org")
                .remoteAddr(TrustedListPost.CLIENT)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx." + TrustedListPost.SEALER)))
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(TrustedListPost.MESSAGE))).build();
        mailet.service(mail);
        return mail;
    }

    private static MethodResult resinfo(Mail mail, String method) {
        return MailAttributes.results(mail).orElseThrow().stream().filter(r -> r.method().equals(method))
                .findFirst().orElseThrow();
    }

    private static Map<?, ?> map(Mail mail, org.apache.mailet.AttributeName name) {
        return (Map<?, ?>) mail.getAttribute(name).orElseThrow().getValue().value();
    }

    @Test
    void aTrustedSealersKeyNotSentIsLabelledAsOurOverload() throws Exception {
        Mail overridden = checked(TrustedListPost.ZONE);
        assertThat(resinfo(overridden, "dmarc").result()).isEqualTo("fail");
        assertThat(MailAttributes.dmarcDisposition(overridden)).contains("none");

        Mail mail = checked(TrustedListPost.ZONE.withLocalOverload(TrustedListPost.KEY_NAME));
        MethodResult dmarc = resinfo(mail, "dmarc");
        assertThat(dmarc.result()).isEqualTo("temperror");
        assertThat(dmarc.reason()).contains("dis=reject (unverifiable)").contains("trusted ARC sealer lists.example")
                .contains("overloaded");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("reject");
        assertThat(map(mail, MailAttributes.DMARC).get("local_overload")).isEqualTo(AttributeValue.of(true));
        assertThat(map(mail, MailAttributes.DMARC).containsKey("override")).isFalse();
        MethodResult arc = resinfo(mail, "arc");
        assertThat(arc.result()).isEqualTo("fail");
        assertThat(arc.reason()).contains("not sent").contains("overloaded");
        assertThat(map(mail, MailAttributes.ARC).get("local_overload")).isEqualTo(AttributeValue.of(true));
    }

    /** A network resolver of 256 slots whose occupancy the test sets; answers from a zone; records what it sends. */
    private static final class Occupied implements dev.authpack.dns.DnsResolver {
        final java.util.List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ZoneFileResolver zone = new ZoneFileResolver("""
                $ORIGIN .
                $TTL 300
                pass.example. IN TXT "v=spf1 ip4:192.0.2.1 -all"
                _dmarc.pass.example. IN TXT "v=DMARC1; p=reject"
                1.2.0.192.in-addr.arpa. IN PTR mx.pass.example.
                mx.pass.example. IN A 192.0.2.1
                """);
        volatile int inFlight;

        private <T> java.util.concurrent.CompletableFuture<T> sent(String q, java.util.concurrent.CompletableFuture<T> a) {
            sent.add(q);
            return a;
        }

        @Override public java.util.concurrent.CompletableFuture<dev.authpack.dns.DnsLookup<String>> txt(String n) {
            return sent("TXT " + n, zone.txt(n));
        }
        @Override public java.util.concurrent.CompletableFuture<dev.authpack.dns.DnsLookup<java.net.InetAddress>> a(
                String n) {
            return sent("A " + n, zone.a(n));
        }
        @Override public java.util.concurrent.CompletableFuture<dev.authpack.dns.DnsLookup<java.net.InetAddress>> aaaa(
                String n) {
            return sent("AAAA " + n, zone.aaaa(n));
        }
        @Override public java.util.concurrent.CompletableFuture<dev.authpack.dns.DnsLookup<dev.authpack.dns.MxHost>> mx(
                String n) {
            return sent("MX " + n, zone.mx(n));
        }
        @Override public java.util.concurrent.CompletableFuture<dev.authpack.dns.DnsLookup<String>> ptr(
                java.net.InetAddress ip) {
            return sent("PTR " + ip.getHostAddress(), zone.ptr(ip));
        }
        @Override public int queriesInFlight() {
            return inFlight;
        }
        @Override public int maxQueriesInFlight() {
            return 256;
        }
    }

    private static Mail fromPass(MailAuthCheck mailet) throws Exception {
        Mail mail = FakeMail.builder().name("pass").sender("a@pass.example").recipient("bob@example.org")
                .remoteAddr("192.0.2.1")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx.pass.example")))
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
                        "From: a@pass.example\r\nTo: bob@example.org\r\nSubject: hi\r\n\r\nhi\r\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)))).build();
        mailet.service(mail);
        return mail;
    }

    /**
     * Review s17, M3: the spool's own lookups stop at 7/8 of the transport (224 of 256), so that an attacker's
     * messages on the spool threads (75 queries in flight each at most) cannot take the slots the SMTP sessions'
     * end of DATA needs. Past it nothing is sent and the mail is labelled with our overload (iprev included), never
     * a plain failure; answers kept by the cache are still used.
     */
    @Test
    void theSpoolsOwnLookupsStopAtSevenEighthsOfTheTransport() throws Exception {
        Occupied network = new Occupied();
        MailAuthCheck mailet = new MailAuthCheck(AuthpackEngines.over(new dev.authpack.dns.CachingDnsResolver(network)));
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.example.org")
                .setProperty("overloadRetry", "0")
                .build());
        network.inFlight = 224;
        Mail refused = fromPass(mailet);
        assertThat(network.sent).as("nothing sent past the spool's share").isEmpty();
        assertThat(resinfo(refused, "spf").result()).isEqualTo("temperror");
        assertThat(map(refused, MailAttributes.SPF).get("local_overload")).isEqualTo(AttributeValue.of(true));
        assertThat(resinfo(refused, "iprev").result()).isEqualTo("temperror");
        assertThat(resinfo(refused, "iprev").reason()).contains("not sent, this server's DNS resolver is overloaded");
        assertThat(map(refused, MailAttributes.IPREV).get("local_overload")).isEqualTo(AttributeValue.of(true));
        assertThat(resinfo(refused, "dmarc").result()).isEqualTo("temperror");
        assertThat(map(refused, MailAttributes.DMARC).get("local_overload")).isEqualTo(AttributeValue.of(true));

        network.inFlight = 223;
        Mail checked = fromPass(mailet);
        assertThat(resinfo(checked, "spf").result()).isEqualTo("pass");
        assertThat(resinfo(checked, "iprev").result()).isEqualTo("pass");
        assertThat(map(checked, MailAttributes.IPREV).containsKey("local_overload")).isFalse();
        // full again: what the cache keeps needs no slot
        network.inFlight = 256;
        network.sent.clear();
        Mail cached = fromPass(mailet);
        assertThat(network.sent).isEmpty();
        assertThat(resinfo(cached, "spf").result()).isEqualTo("pass");
        assertThat(resinfo(cached, "dmarc").result()).isEqualTo("pass");
    }
}
