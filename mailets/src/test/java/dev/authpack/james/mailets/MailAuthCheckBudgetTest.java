package dev.authpack.james.mailets;

import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.HeldWhole;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.WholeReadBudget;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s19 (helper 62): {@code maxCheckedSize} bounds one message, not all of them: 20 spool threads each reading a
 * 60 MiB message whole hold more than a gigabyte at once, sent by an attacker in parallel. {@code maxCheckedTotal}
 * bounds the octets of messages read whole at once, JVM-wide; a message over what it leaves is checked from its header
 * section with its body streamed (the same verdicts), and what is held is released on every path.
 */
class MailAuthCheckBudgetTest {
    private static final String PLAIN = "From: alice@example.com\r\nTo: bob@example.org\r\nSubject: large\r\n\r\n";
    /** A message of about 1 MiB: three fit in the budget of the test (3 MiB), not four. */
    private static final int BODY = (1 << 20) - 8192;
    private static final DkimSigner SIGNER;
    private static final String ZONE;

    static {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        DkimSigningKey key;
        try {
            key = DkimKeys.ed25519(seed);
        } catch (dev.authpack.dkim.DkimKeyException e) {
            throw new IllegalStateException(e);
        }
        SIGNER = new DkimSigner(key, DkimSignOptions.of("example.com", "big"));
        ZONE = "$ORIGIN example.com.\n$TTL 300\n@ IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
                + "_dmarc IN TXT \"v=DMARC1; p=reject\"\n"
                + "big._domainkey IN TXT \"" + key.publicKeyRecord() + "\"\n";
    }

    @AfterEach
    void nothingStaysHeld() {
        assertThat(WholeReadBudget.jvmHeld()).as("octets held after the test").isZero();
    }

    private static MailAuthCheck mailet(DnsResolver dns, Map<String, String> parameters) throws MessagingException {
        MailAuthCheck mailet = new MailAuthCheck(AuthpackEngines.over(dns));
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("MailAuthCheck")
                .setProperty("serverId", "mx.test");
        parameters.forEach(config::setProperty);
        mailet.init(config.build());
        return mailet;
    }

    private static Mail mail(String name, MimeMessage message, String client) throws MessagingException {
        return FakeMail.builder().name(name).mimeMessage(message).recipient("bob@example.org")
                .sender("alice@example.com").remoteAddr(client)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    private static byte[] signed() throws Exception {
        return CountingMessages.withBody(CountingMessages.signedHeader(PLAIN, BODY, SIGNER), BODY);
    }

    private static byte[] tampered(byte[] octets) {
        byte[] changed = octets.clone();
        changed[changed.length - 100] ^= 1;
        return changed;
    }

    private static String dkim(Mail mail) {
        return MailAttributes.results(mail).orElseThrow().stream().filter(r -> r.method().equals("dkim"))
                .map(r -> r.result() + " " + r.reason()).findFirst().orElse("none");
    }

    @Test
    void concurrentLargeMessagesUnderTheLimitAreNotAllHeldWholeAndAllGetTheirVerdicts() throws Exception {
        int n = 8;
        byte[] good = signed();
        byte[] bad = tampered(good);
        MailAuthCheck mailet = mailet(new ZoneFileResolver(ZONE), Map.of("maxCheckedSize", "2M",
                "maxCheckedTotal", "3M"));
        HeldWhole shared = new HeldWhole(n);
        List<HeldWhole.Message> messages = new ArrayList<>();
        List<Mail> mails = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HeldWhole.Message message = shared.message(i % 2 == 0 ? good : bad);
            messages.add(message);
            mails.add(mail("m" + i, message, "192.0.2.1"));
        }
        ExecutorService spool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Mail mail = mails.get(i);
                HeldWhole.Message message = messages.get(i);
                done.add(spool.submit(() -> {
                    try {
                        mailet.service(mail);
                    } finally {
                        message.done();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            spool.shutdownNow();
        }
        // the attacker's eight messages under maxCheckedSize: at most three (3 MiB) held whole at once, not eight
        assertThat(shared.peak()).as("messages held whole at once").isBetween(1, 3);
        // the rest were checked from their header section, their body streamed: the same verdicts
        for (int i = 0; i < n; i++) {
            assertThat(dkim(mails.get(i))).as("mail " + i).startsWith(i % 2 == 0 ? "pass" : "fail");
        }
        assertThat(WholeReadBudget.jvmHeld()).isZero();
    }

    @Test
    void aMessageOverWhatTheBudgetLeavesIsStreamedWithItsVerdict() throws Exception {
        WholeReadBudget other = WholeReadBudget.read("2M", MessageSizeLimit.parse("maxCheckedSize", "2M"));
        MailAuthCheck mailet = mailet(new ZoneFileResolver(ZONE), Map.of("maxCheckedSize", "2M",
                "maxCheckedTotal", "2M"));
        byte[] good = signed();
        try (WholeReadBudget.Hold held = other.tryHold(2L << 20)) {
            assertThat(held).isNotNull();
            HeldWhole shared = new HeldWhole(1);
            Mail mail = mail("streamed", shared.message(good), "192.0.2.1");
            mailet.service(mail);
            assertThat(shared.peak()).as("not read whole").isZero();
            assertThat(dkim(mail)).startsWith("pass");
            assertThat(MailAttributes.results(mail).orElseThrow().toString()).doesNotContain("maxCheckedTotal");
            HeldWhole.Message changed = new HeldWhole(1).message(tampered(good));
            Mail bad = mail("tampered", changed, "192.0.2.1");
            mailet.service(bad);
            assertThat(changed.readWhole()).isFalse();
            assertThat(dkim(bad)).startsWith("fail");
            assertThat(other.held()).isEqualTo(2L << 20);
        }
        // the budget free again: read whole, as before
        HeldWhole shared = new HeldWhole(1);
        Mail mail = mail("whole", shared.message(good), "192.0.2.1");
        mailet.service(mail);
        assertThat(shared.peak()).isEqualTo(1);
        assertThat(dkim(mail)).startsWith("pass");
    }

    /**
     * Mail checked in the SMTP session: MailAuthCheck only writes the session's results, reading the message whole
     * for it while the budget has room, else rewriting its header section alone (the body streamed, never held).
     */
    @Test
    void theSessionsResultsAreWrittenWithinTheBudgetToo() throws Exception {
        MailAuthCheck mailet = mailet(new ZoneFileResolver(ZONE), Map.of("maxCheckedSize", "2M",
                "maxCheckedTotal", "2M"));
        String forged = "Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n";
        byte[] octets = CountingMessages.withBody(forged + PLAIN, BODY);
        dev.authpack.check.CheckOptions all = new dev.authpack.check.CheckOptions(true, true, true, true, true, true,
                java.util.Set.of());
        WholeReadBudget other = WholeReadBudget.read("2M", MessageSizeLimit.parse("maxCheckedSize", "2M"));
        for (boolean spent : new boolean[] {true, false}) {
            HeldWhole shared = new HeldWhole(0);
            Mail mail = mail("session", shared.message(octets), "192.0.2.1");
            dev.authpack.james.SessionCheckedMail.store(mail, "mx.test", all, new dev.authpack.check.AuthCheckReport(
                    java.util.Optional.empty(), java.util.Optional.of(new dev.authpack.spf.SpfResult(
                            dev.authpack.spf.SpfStatus.PASS, dev.authpack.spf.SpfIdentity.MAILFROM, "stored.example",
                            null, null, 0, 0, "checked in the session")), java.util.Optional.empty(),
                    java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                    java.util.Optional.empty(), java.util.Optional.empty()));
            try (WholeReadBudget.Hold held = spent ? other.tryHold(2L << 20) : WholeReadBudget.Hold.NONE) {
                mailet.service(mail);
            }
            assertThat(shared.peak()).as("read whole (budget spent: " + spent + ")").isEqualTo(spent ? 0 : 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mail.getMessage().writeTo(out);
            String header = new String(out.toByteArray(), 0, 4096, StandardCharsets.ISO_8859_1);
            header = header.substring(0, header.indexOf("\r\n\r\n"));
            assertThat(header).startsWith("Authentication-Results: mx.test;").contains("smtp.mailfrom=stored.example")
                    .doesNotContain("forged.example");
            // our field in place of the forged one, the rest as received
            assertThat(out.size()).isEqualTo(octets.length - forged.length() + header.indexOf("\r\nFrom:") + 2);
        }
    }

    /** The zone's resolver, at its bound for the first {@code refusals} questions for the DMARC policy. */
    private static DnsResolver busy(AtomicInteger refusals) {
        ZoneFileResolver zone = new ZoneFileResolver(ZONE);
        return (DnsResolver) Proxy.newProxyInstance(DnsResolver.class.getClassLoader(),
                new Class<?>[] {DnsResolver.class}, (proxy, method, args) -> {
                    if (method.getName().equals("txt") && DnsNames.normalize((String) args[0])
                            .equals("_dmarc.example.com") && refusals.getAndDecrement() > 0) {
                        return CompletableFuture.completedFuture(DnsLookup.overloaded((String) args[0], DnsType.TXT,
                                "at the bound"));
                    }
                    try {
                        return method.invoke(zone, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void whatIsHeldIsReleasedOnEveryPath() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        MailAuthCheck mailet = mailet(busy(refusals), Map.of("maxCheckedSize", "2M", "maxCheckedTotal", "2M",
                "overloadRetry", "300"));
        byte[] small = CountingMessages.withBody(CountingMessages.signedHeader(PLAIN, 4096, SIGNER), 4096);
        for (int round = 0; round < 3; round++) {
            // checked and written
            Mail checked = mail("ok", new HeldWhole(0).message(small), "192.0.2.1");
            mailet.service(checked);
            assertThat(dkim(checked)).startsWith("pass");
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            // a message unreadable as it is read whole
            Mail unreadable = mail("unreadable", new HeldWhole(0).failing(small,
                    new IllegalStateException("broken source")), "192.0.2.1");
            mailet.service(unreadable);
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            // the check run again under our DNS overload (overloadRetry), with the message held meanwhile
            refusals.set(1);
            Mail retried = mail("retried", new HeldWhole(0).message(small), "192.0.2.1");
            mailet.service(retried);
            assertThat(refusals.get()).as("asked again").isNegative();
            assertThat(dkim(retried)).startsWith("pass");
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            // no client address: not checked
            Mail noClient = FakeMail.builder().name("no-client").mimeMessage(new HeldWhole(0).message(small))
                    .recipient("bob@example.org").sender("alice@example.com").remoteAddr("not an address").build();
            mailet.service(noClient);
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            // an Error out of the read (a huge allocation, say): since session 21 it stays in the mailet, which
            // labels the mail unreadable (docs/security.md, "Errors"); what was held does not stay
            Mail error = mail("error", new HeldWhole(0).failing(small, new OutOfMemoryError("test")), "192.0.2.1");
            assertThatCode(() -> mailet.service(error)).doesNotThrowAnyException();
            assertThat(dkim(error)).startsWith("temperror");
            assertThat(WholeReadBudget.jvmHeld()).isZero();
        }
        // one more whole read after all that: the budget was not left spent
        HeldWhole shared = new HeldWhole(0);
        Mail last = mail("last", shared.message(signed()), "192.0.2.1");
        mailet.service(last);
        assertThat(shared.peak()).isEqualTo(1);
    }

    @Test
    void maxCheckedTotalIsValidatedAtInit() {
        assertThatThrownBy(() -> mailet(new ZoneFileResolver(ZONE), Map.of("maxCheckedSize", "2M",
                "maxCheckedTotal", "1M")))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("maxCheckedTotal must be a size from 2097152 to 1099511627776 octets")
                .hasMessageContaining("64M, 512KiB, 1G").hasMessageContaining("at least maxCheckedSize");
        assertThatThrownBy(() -> mailet(new ZoneFileResolver(ZONE), Map.of("maxCheckedTotal", "lots")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("not 'lots'");
    }
}
