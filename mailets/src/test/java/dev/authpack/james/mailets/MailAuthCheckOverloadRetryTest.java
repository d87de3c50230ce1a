package dev.authpack.james.mailets;

import dev.authpack.authres.MethodResult;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MailAttributes;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Session 18: an attacker keeps this server's resolver at its bound (queries at names of its own that never
 * answer) and times a message spoofing a {@code p=reject} domain to meet it. The mail is already accepted when
 * MailAuthCheck runs; it used to be labelled {@code dmarc=temperror} with disposition {@code none} and reach the
 * inbox, where its plain failure would have been refused. Now the check is asked again while {@code overloadRetry}
 * lasts (a burst passes), and a policy that stays hidden by our overload is quarantined, never {@code none}.
 */
class MailAuthCheckOverloadRetryTest {
    private static final String ZONE = """
            $ORIGIN .
            $TTL 300
            _dmarc.victim.example. IN TXT "v=DMARC1; p=reject"
            _dmarc.nopolicy.example. IN TXT "v=DMARC1; p=none"
            nopolicy.example. IN TXT "v=spf1 ip4:192.0.2.1 -all"
            """;

    /** The zone; the resolver is at its bound for {@code name} for its first {@code refusals} questions. */
    private static final class Busy implements DnsResolver {
        final ZoneFileResolver zone = new ZoneFileResolver(ZONE);
        final String name;
        final AtomicInteger asked = new AtomicInteger();
        volatile int refusals;

        Busy(String name, int refusals) {
            this.name = name;
            this.refusals = refusals;
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) {
            if (DnsNames.normalize(n).equals(name) && asked.getAndIncrement() < refusals) {
                return CompletableFuture.completedFuture(DnsLookup.overloaded(n, DnsType.TXT,
                        "more than 256 DNS queries in flight"));
            }
            return zone.txt(n);
        }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) {
            return zone.a(n);
        }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) {
            return zone.aaaa(n);
        }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) {
            return zone.mx(n);
        }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) {
            return zone.ptr(ip);
        }
    }

    private static MailAuthCheck mailet(DnsResolver dns, String overloadRetry) throws MessagingException {
        MailAuthCheck mailet = new MailAuthCheck(AuthpackEngines.over(dns));
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("MailAuthCheck")
                .setProperty("serverId", "mx.example.org");
        if (overloadRetry != null) {
            config.setProperty("overloadRetry", overloadRetry);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static Mail spoofed(MailAuthCheck mailet, String from) throws Exception {
        Mail mail = FakeMail.builder().name("spoofed").sender("bounce@attacker.example").recipient("bob@example.org")
                .remoteAddr("203.0.113.9")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("attacker.example")))
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
                        ("From: ceo@" + from + "\r\nTo: bob@example.org\r\nSubject: invoice\r\n\r\npay\r\n")
                                .getBytes(StandardCharsets.US_ASCII)))).build();
        mailet.service(mail);
        return mail;
    }

    private static MethodResult dmarc(Mail mail) {
        return MailAttributes.results(mail).orElseThrow().stream().filter(r -> r.method().equals("dmarc"))
                .findFirst().orElseThrow();
    }

    @Test
    void aPolicyHiddenByOurOverloadIsQuarantinedNotDelivered() throws Exception {
        Busy dns = new Busy("_dmarc.victim.example", Integer.MAX_VALUE);
        Mail mail = spoofed(mailet(dns, "300"), "victim.example");
        assertThat(dmarc(mail).result()).isEqualTo("temperror");
        assertThat(dmarc(mail).reason()).contains("overloaded");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("quarantine");
        // asked again while the budget lasted (50 and 100 ms pauses fit in 300 ms), then given up
        assertThat(dns.asked.get()).isBetween(2, 4);
    }

    @Test
    void anOverloadThatLastsIsNotWaitedForMailAfterMail() throws Exception {
        // the spool must not wait overloadRetry for every mail of a sustained attack: after a check asked again in
        // vain, the next ones are labelled at once (for 30 s), until a check finds the resolver with room again
        Busy dns = new Busy("_dmarc.victim.example", Integer.MAX_VALUE);
        MailAuthCheck mailet = mailet(dns, "300");
        spoofed(mailet, "victim.example");
        int first = dns.asked.get();
        assertThat(first).isBetween(2, 4);
        Mail next = spoofed(mailet, "victim.example");
        assertThat(dns.asked.get()).isEqualTo(first + 1);
        assertThat(MailAttributes.dmarcDisposition(next)).contains("quarantine");
        // a check answered without the overload (from the cache, say) does not end the hold: it says nothing of the
        // resolver's room (review s18, M3); the next overloaded mail is still not waited for
        dns.refusals = 0;
        assertThat(dmarc(spoofed(mailet, "victim.example")).result()).isEqualTo("fail");
        dns.asked.set(0);
        dns.refusals = 1;
        assertThat(dmarc(spoofed(mailet, "victim.example")).result()).isEqualTo("temperror");
        assertThat(dns.asked.get()).isEqualTo(1);
    }

    @Test
    void aLargeMessageIsNotCheckedAgain() throws Exception {
        // each run hashes the body again: over MAX_RERUN_OCTETS the overload's labels are given at once (M2)
        Busy dns = new Busy("_dmarc.victim.example", 1);
        MailAuthCheck mailet = mailet(dns, null);
        String padding = "x".repeat(998) + "\r\n";
        Mail mail = FakeMail.builder().name("large").sender("bounce@attacker.example").recipient("bob@example.org")
                .remoteAddr("203.0.113.9")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("attacker.example")))
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
                        ("From: ceo@victim.example\r\nTo: bob@example.org\r\nSubject: big\r\n\r\n"
                                + padding.repeat(MailAuthCheck.MAX_RERUN_OCTETS / 1000 + 1))
                                .getBytes(StandardCharsets.US_ASCII)))).build();
        mailet.service(mail);
        assertThat(dmarc(mail).result()).isEqualTo("temperror");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("quarantine");
        assertThat(dns.asked.get()).isEqualTo(1);
    }

    @Test
    void aBurstOfOurOwnPassesAndTheRealVerdictIsGiven() throws Exception {
        Busy dns = new Busy("_dmarc.victim.example", 2);
        Mail mail = spoofed(mailet(dns, null), "victim.example");
        assertThat(dmarc(mail).result()).isEqualTo("fail");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("reject");
        assertThat(dns.asked.get()).isEqualTo(3);
    }

    @Test
    void withoutRetriesTheFirstRunStands() throws Exception {
        Busy dns = new Busy("_dmarc.victim.example", 1);
        Mail mail = spoofed(mailet(dns, "0"), "victim.example");
        assertThat(dmarc(mail).result()).isEqualTo("temperror");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("quarantine");
        assertThat(dns.asked.get()).isEqualTo(1);
    }

    @Test
    void aMessageWithoutOverloadIsCheckedOnce() throws Exception {
        Busy dns = new Busy("_dmarc.nopolicy.example", 0);
        Mail mail = spoofed(mailet(dns, null), "nopolicy.example");
        assertThat(dmarc(mail).result()).isEqualTo("fail");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("none");
        assertThat(dns.asked.get()).isEqualTo(1);
    }

    @Test
    void checksTheSessionHandedOverUnderOurOverloadAreRunAgainByTheMailet() throws Exception {
        // a label-only hook's checks met the overload in the session; the mailet, which no client waits for, asks
        // again (here the resolver has room by then) instead of writing the session's temperror
        Busy dns = new Busy("_dmarc.victim.example", 1);
        MailAuthCheck mailet = mailet(dns, null);
        Mail mail = FakeMail.builder().name("handed-over").sender("bounce@attacker.example")
                .recipient("bob@example.org").remoteAddr("203.0.113.9")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("attacker.example")))
                .mimeMessage(dev.authpack.james.MimeMessageBytes.from(
                        "From: ceo@victim.example\r\nTo: bob@example.org\r\nSubject: invoice\r\n\r\npay\r\n"
                                .getBytes(StandardCharsets.US_ASCII))).build();
        byte[] raw = dev.authpack.james.MimeMessageBytes.of(mail.getMessage());
        dev.authpack.check.CheckRun inSession = AuthpackEngines.over(dns).checker(
                dev.authpack.dns.DnsSettings.parse(null, null), dev.authpack.check.CheckerSettings.defaults(
                        "mx.example.org")).start(dev.authpack.james.MailEnvelopes.of(mail), raw,
                dev.authpack.check.CheckOptions.ALL);
        assertThat(dev.authpack.james.SessionCheckedMail.handOver(mail, "mx.example.org",
                dev.authpack.check.CheckOptions.ALL, inSession, java.time.Duration.ofSeconds(5), raw.length)).isTrue();
        mailet.service(mail);
        assertThat(dmarc(mail).result()).isEqualTo("fail");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("reject");
        assertThat(dns.asked.get()).isEqualTo(2);
        assertThat(mail.getAttribute(dev.authpack.james.SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
    }

    @Test
    void overloadRetryIsValidated() {
        for (String bad : new String[] {"-1", "120001", "ten", "1.5"}) {
            assertThatThrownBy(() -> mailet(new Busy("x.example", 0), bad)).isInstanceOf(MessagingException.class)
                    .hasMessageContaining("overloadRetry must be milliseconds from 0 to 120000, not '" + bad + "'");
        }
    }
}
