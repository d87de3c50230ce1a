package dev.authpack.james.mailets;

import java.util.Arrays;
import java.io.InputStream;
import java.io.BufferedInputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.server.core.MailImpl;
import dev.authpack.james.JamesSources;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.AuthpackMetrics;
import dev.authpack.james.MailAttributes;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailAuthCheckTest {
    /** example.com's SPF, A, DMARC p=reject, and 192.0.2.1's PTR mail.example.com (also for other mailet tests). */
    static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @            IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            mail         IN A   192.0.2.1
            mail         IN TXT "v=spf1 a -all"
            _dmarc       IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
            $ORIGIN 2.0.192.in-addr.arpa.
            1            IN PTR mail.example.com.
            """;
    private static final String MESSAGE = "Authentication-Results: mx.test; spf=pass smtp.mailfrom=forged.example\r\n"
            + "Received: from somewhere\r\n"
            + "Authentication-Results: upstream.example; spf=fail smtp.mailfrom=x.example\r\n"
            + "From: alice@example.com\r\n"
            + "Subject: hello\r\n"
            + "\r\n"
            + "body\r\n";

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
        return mailet(dns, parameters);
    }

    /** MailAuthCheck with serverId mx.test over {@code dns} (1 s timeout) and {@code parameters}, initialised. */
    static MailAuthCheck mailet(LoopbackDnsServer dns, Map<String, String> parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("MailAuthCheck")
                .setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address())
                .setProperty("dnsTimeout", "1000");
        parameters.forEach(config::setProperty);
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
        mailet.init(config.build());
        return mailet;
    }

    /** {@link #MESSAGE} (a field forging our id, one of upstream.example) from {@code sender}, HELO mail.example.com. */
    static FakeMail mail(String remoteAddr, String sender) throws Exception {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()),
                new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        FakeMail.Builder builder = FakeMail.builder().name("m1").mimeMessage(message)
                .recipient("bob@example.org")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com")));
        if (remoteAddr != null) {
            builder.remoteAddr(remoteAddr);
        }
        if (sender != null) {
            builder.sender(sender);
        }
        return builder.build();
    }

    /** The header section of the mail's message as it is now, ending with its last field's CRLF. */
    static String headers(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        String text = out.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    /** Item 5 of issue 10 (docs/metrics.md): the names James' metric reporters show, read back. */
    @Test
    void countsEachResultAndTimesEachCheckThroughJamesMetrics() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines(), metrics);
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "1000")
                .setProperty("checkTimers", "true").build());

        mailet.service(mail("192.0.2.1", "alice@example.com"));
        mailet.service(mail("198.51.100.7", "alice@example.com"));
        mailet.service(mail("not an address", "alice@example.com"));

        // spf: MAIL FROM and HELO of each mail (both pass for the first client, both fail for the second)
        assertThat(metrics.countFor("authpack.result.spf.pass")).isEqualTo(2);
        assertThat(metrics.countFor("authpack.result.spf.fail")).isEqualTo(2);
        assertThat(metrics.countFor("authpack.result.iprev.pass")).isEqualTo(1);
        assertThat(metrics.countFor("authpack.result.dkim.none")).isEqualTo(2);
        assertThat(metrics.countFor("authpack.result.dmarc.pass")).isEqualTo(1);
        assertThat(metrics.countFor("authpack.result.dmarc.fail")).isEqualTo(1);
        assertThat(metrics.countFor(AuthpackMetrics.NOT_CHECKED)).isEqualTo(1);
        assertThat(metrics.executionTimesFor(AuthpackMetrics.CHECK_TIMER)).hasSize(2)
                .allSatisfy(d -> assertThat(d).isPositive().isLessThan(mailet.deadline()));
        // one timer per check that ran, per mail: both checked mails ran all six. A check's timer is published by
        // the thread that ended the check (a DNS I/O thread, say), which may come just after the report is out
        for (String method : List.of("dkim", "spf", "spf-helo", "iprev", "arc", "dmarc")) {
            String timer = AuthpackMetrics.CHECK_TIMER + "." + method;
            long waitUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (metrics.executionTimesFor(timer).size() < 2 && System.nanoTime() < waitUntil) {
                Thread.sleep(5);
            }
            assertThat(metrics.executionTimesFor(timer)).as(method).hasSize(2)
                    .allSatisfy(d -> assertThat(d).isLessThan(mailet.deadline()));
        }
    }

    @Test
    void timesOnlyTheWholeCheckUnlessCheckTimersAreAskedFor() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines(), metrics);
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                .setProperty("dnsServers", dns.address()).setProperty("dnsTimeout", "1000").build());

        mailet.service(mail("192.0.2.1", "alice@example.com"));

        assertThat(metrics.executionTimesFor(AuthpackMetrics.CHECK_TIMER)).hasSize(1);
        assertThat(metrics.countFor("authpack.result.spf.pass")).isEqualTo(2);
        for (String method : List.of("dkim", "spf", "spf-helo", "iprev", "arc", "dmarc")) {
            assertThat(metrics.executionTimesFor(AuthpackMetrics.CHECK_TIMER + "." + method)).as(method).isEmpty();
        }
    }

    @Test
    void theResultsAttributeIsOurFieldsBodyOnOneLine() throws Exception {
        FakeMail mail = mail("192.0.2.1", "alice@example.com");
        mailet(Map.of()).service(mail);
        String header = headers(mail);
        assertThat(header).startsWith("Authentication-Results: mx.test;");
        int end = header.indexOf("\r\n");
        while (header.charAt(end + 2) == '\t') {
            end = header.indexOf("\r\n", end + 2);
        }
        String fieldBody = header.substring("Authentication-Results: ".length(), end).replace("\r\n\t", " ");
        assertThat(mail.getAttribute(MailAttributes.RESULTS).orElseThrow().getValue().value()).isEqualTo(fieldBody);
        assertThat(fieldBody).contains("spf=pass").contains("iprev=pass");
    }

    @Test
    void refusesACheckTimersValueThatIsNotABoolean() {
        MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck")
                .setProperty("serverId", "mx.test").setProperty("checkTimers", "sometimes").build()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("checkTimers");
    }

    @Test
    void writesResultsFirstAndRemovesForgedFields() throws Exception {
        FakeMail mail = mail("192.0.2.1", "alice@example.com");
        mailet(Map.of()).service(mail);

        String headers = headers(mail);
        assertThat(headers).startsWith("Authentication-Results: mx.test;\r\n\tdkim=none;\r\n\tspf=pass ");
        assertThat(headers).contains("smtp.mailfrom=example.com;")
                .contains("smtp.helo=mail.example.com;")
                .contains("iprev=pass ")
                .contains("policy.iprev=192.0.2.1");
        assertThat(headers).doesNotContain("forged.example");
        // a field from another authserv-id stays, in its place
        assertThat(headers).contains("Received: from somewhere\r\nAuthentication-Results: upstream.example;");
        assertThat(MailAttributes.results(mail)).get().asList().hasSize(6);
        assertThat(headers).contains("dmarc=pass ").contains("header.from=example.com").contains("arc=none");
        assertThat(mail.getAttribute(MailAttributes.DMARC_DISPOSITION).map(a -> String.valueOf(a.getValue().value())))
                .contains("none");
        assertThat(headers).contains("dkim=none;");
        assertThat(mail.getAttribute(MailAttributes.SPF)).isPresent();
        assertThat(mail.getAttribute(MailAttributes.SMTP_AUTH)).isPresent();
    }

    private static FakeMail rawMail(byte[] raw) throws Exception {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()),
                new ByteArrayInputStream(raw));
        return FakeMail.builder().name("m2").mimeMessage(message).recipient("bob@example.org")
                .remoteAddr("192.0.2.1").sender("alice@example.com")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    @Test
    void verifiesDkimOverTheReceivedBytes() throws Exception {
        byte[] seed = new byte[32];
        new java.security.SecureRandom().nextBytes(seed);
        DkimSigningKey key = DkimKeys.ed25519(seed);
        dns.addZone("$ORIGIN example.com.\nsel._domainkey 300 IN TXT \"" + key.publicKeyRecord() + "\"\n");
        byte[] unsigned = ("From: alice@example.com\r\nTo: bob@example.org\r\nSubject: signed\r\n"
                + "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nhello  there\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new DkimSigner(key, DkimSignOptions.of("example.com", "sel")).sign(unsigned);

        FakeMail good = rawMail(signed);
        mailet(Map.of()).service(good);
        assertThat(headers(good)).contains("dkim=pass header.d=example.com header.i=@example.com header.s=sel"
                + " header.a=ed25519-sha256");
        assertThat(good.getAttribute(MailAttributes.DKIM)).isPresent();

        String tampered = new String(signed, StandardCharsets.US_ASCII).replace("hello  there", "hello there!");
        FakeMail bad = rawMail(tampered.getBytes(StandardCharsets.US_ASCII));
        mailet(Map.of()).service(bad);
        assertThat(headers(bad)).contains("dkim=fail ");

        FakeMail none = rawMail(unsigned);
        mailet(Map.of()).service(none);
        assertThat(headers(none)).contains("dkim=none;");

        FakeMail off = rawMail(signed);
        mailet(Map.of("dkim", "false")).service(off);
        assertThat(headers(off)).doesNotContain("dkim=");
        assertThat(off.getAttribute(MailAttributes.DKIM)).isEmpty();
    }

    @Test
    void spfFailAndIprevPermerrorForAStranger() throws Exception {
        FakeMail mail = mail("198.51.100.7", "alice@example.com");
        mailet(Map.of()).service(mail);
        String headers = headers(mail);
        assertThat(headers).contains("spf=fail ").contains("iprev=permerror ").contains("dmarc=fail ")
                .contains("policy.dmarc=reject");
        assertThat(mail.getAttribute(MailAttributes.DMARC_DISPOSITION).map(a -> String.valueOf(a.getValue().value())))
                .contains("reject");
    }

    @Test
    void reportsSmtpAuth() throws Exception {
        FakeMail mail = mail("192.0.2.1", "alice@example.com");
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice@example.com")));
        mailet(Map.of()).service(mail);
        assertThat(headers(mail)).contains("auth=pass smtp.auth=alice@example.com;");
    }

    @Test
    void checksCanBeTurnedOff() throws Exception {
        FakeMail mail = mail("192.0.2.1", "alice@example.com");
        mailet(Map.of("dkim", "false", "spf", "false", "iprev", "false", "dmarc", "false", "arc", "false"))
                .service(mail);
        assertThat(headers(mail)).startsWith("Authentication-Results: mx.test; none\r\n");
        assertThat(mail.getAttribute(MailAttributes.SPF)).isEmpty();
    }

    @Test
    void withoutTheHeaderOnlyAttributesAreSetAndAddAuthResultsWritesIt() throws Exception {
        FakeMail mail = mail("192.0.2.1", "alice@example.com");
        mailet(Map.of("addAuthenticationResults", "false")).service(mail);
        String before = headers(mail);
        assertThat(before).doesNotContain("Authentication-Results: mx.test");
        assertThat(before).contains("upstream.example");

        AddAuthResults add = new AddAuthResults();
        add.init(FakeMailetConfig.builder().mailetName("AddAuthResults").build());
        add.service(mail);
        assertThat(headers(mail)).startsWith("Authentication-Results: mx.test;\r\n\tdkim=none;\r\n\tspf=pass ");
    }

    @Test
    void refusesUnknownParametersAndBadValues() {
        assertThatThrownBy(() -> mailet(Map.of("bimi", "true"))).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet(Map.of("dmarcMode", "rfc1234"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("dmarcMode");
        assertThatThrownBy(() -> mailet(Map.of("dkimMaxSignatures", "0"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("dkimMaxSignatures");
        assertThatThrownBy(() -> mailet(Map.of("dkimMinRsaKeyBits", "lots"))).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet(Map.of("spf", "maybe"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("spf");
        assertThatThrownBy(() -> mailet(Map.of("dnsTimeout", "-5"))).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet(Map.of("dnsServers", "not a server:xx"))).isInstanceOf(MessagingException.class);
    }

    @Test
    void aBadDnsServerHostOrPortSaysBadDnsServersAndWhatIsAccepted() {
        for (String bad : new String[] {"no-such-host.invalid:53", "127.0.0.1:65536", "127.0.0.1:x", "[::1"}) {
            assertThatThrownBy(() -> mailet(Map.of("dnsServers", bad))).as(bad).isInstanceOf(MessagingException.class)
                    .hasMessageStartingWith("MailAuthCheck: bad dnsServers: ")
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("accepted: ");
        }
    }

    @Test
    void dmarcUnverifiableDispositionDecidesForMailWithoutAuthorDomain() throws Exception {
        byte[] noFrom = "Subject: no author\r\nTo: bob@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        FakeMail byDefault = rawMail(noFrom);
        mailet(Map.of()).service(byDefault);
        FakeMail strict = rawMail(noFrom);
        mailet(Map.of("dmarcUnverifiableDisposition", "quarantine")).service(strict);

        assertThat(headers(strict)).contains("dmarc=permerror ");
        assertThat(byDefault.getAttribute(MailAttributes.DMARC_DISPOSITION)
                .map(a -> String.valueOf(a.getValue().value()))).contains("none");
        assertThat(strict.getAttribute(MailAttributes.DMARC_DISPOSITION)
                .map(a -> String.valueOf(a.getValue().value()))).contains("quarantine");
        assertThatThrownBy(() -> mailet(Map.of("dmarcUnverifiableDisposition", "bounce")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("dmarcUnverifiableDisposition");
    }

    /**
     * Mail without a client address (a blank one here; none: MailAuthCheckUncheckedTest) is mail made locally, not
     * received from a client: not checked. A client address that is not an IP is unverifiable
     * (MailAuthCheckUncheckedTest).
     */
    @Test
    void mailWithoutAClientAddressIsNotCheckedButForgedFieldsStillGo() throws Exception {
        for (String remote : new String[] {"", " "}) {
            FakeMail mail = mail(remote, "alice@example.com");
            mailet(Map.of()).service(mail);
            String headers = headers(mail);
            assertThat(headers).startsWith("Received: from somewhere\r\n")
                    .doesNotContain("Authentication-Results: mx.test")
                    .contains("Authentication-Results: upstream.example;");
            assertThat(mail.getAttribute(MailAttributes.RESULTS)).isEmpty();
        }
    }

    @Test
    void nullSenderChecksPostmasterAtHelo() throws Exception {
        FakeMail mail = mail("192.0.2.1", null);
        mailet(Map.of()).service(mail);
        assertThat(headers(mail)).contains("smtp.mailfrom=mail.example.com");
    }

    @Test
    void dnsFailureGivesTemperror() throws Exception {
        dns.servfail("example.com");
        try {
            FakeMail mail = mail("192.0.2.1", "alice@example.com");
            mailet(Map.of()).service(mail);
            assertThat(headers(mail)).contains("spf=temperror ");
        } finally {
            dns.clearFailures();
        }
    }

    private static FakeMail forgedMail(String remoteAddr) throws Exception {
        return forgedMail(remoteAddr, "no colon here\r\n");
    }

    private static FakeMail forgedMail(String remoteAddr, String strayLine) throws Exception {
        String raw = AddAuthResultsTest.FORGED + "Received: from somewhere\r\n"
                + strayLine + "From: alice@example.com\r\nSubject: hello\r\n\r\nbody\r\n";
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        return FakeMail.builder().name("forged").mimeMessage(message).recipient("bob@example.org")
                .remoteAddr(remoteAddr).sender("alice@example.com")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
    }

    @Test
    void forgedVariantsOfOurIdAreRemovedAndLinesWithoutAColonStayOnce() throws Exception {
        FakeMail mail = forgedMail("192.0.2.1");
        mailet(Map.of()).service(mail);
        String headers = headers(mail);
        assertThat(headers).startsWith("Authentication-Results: mx.test;\r\n\t").contains("\tspf=pass ")
                .doesNotContain("; dmarc=pass\r\n").doesNotContain("\tdmarc=pass\r\n")
                .contains("Received: from somewhere\r\n" + "no colon here\r\nFrom: alice@example.com\r\n");
        assertThat(headers.split("no colon here", -1)).hasSize(2);
        assertThat(headers.split("Authentication-Results", -1)).hasSize(2);
    }

    @Test
    void aDnsServerThatDropsEveryAnswerGivesTemperrorInTheFieldAndTheAttributes() throws Exception {
        try (LoopbackDnsServer silent = LoopbackDnsServer.start("$ORIGIN example.com.\n@ 300 IN TXT \"x\"\n")) {
            for (String name : new String[] {"example.com", "mail.example.com", "_dmarc.example.com",
                    "1.2.0.192.in-addr.arpa"}) {
                silent.drop(name);
            }
            MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
            mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                    .setProperty("dnsServers", silent.address()).setProperty("dnsTimeout", "5000")
                    .setProperty("spfTimeout", "300").setProperty("dkimKeyTimeout", "300")
                    .setProperty("iprevTimeout", "300").setProperty("dmarcTimeout", "300").build());
            FakeMail mail = forgedMail("192.0.2.1", "");
            mailet.service(mail);
            String headers = headers(mail);
            assertThat(headers).startsWith("Authentication-Results: mx.test;\r\n\tdkim=none;\r\n\tspf=temperror ")
                    .contains("took longer than PT0.3S").contains("\tdmarc=temperror ").contains("\tiprev=temperror ")
                    .doesNotContain("dmarc=pass");
            assertThat(headers.split("Authentication-Results", -1)).hasSize(2);
            assertThat(MailAttributes.results(mail).orElseThrow()).extracting(r -> r.method() + "=" + r.result())
                    .contains("spf=temperror", "dmarc=temperror", "iprev=temperror");
            assertThat(mail.getAttribute(MailAttributes.DMARC)).isPresent();
        }
    }

    @Test
    void theDeadlineComesFromTheEnginesBudgetsNotFromTheDnsTimeout() throws Exception {
        MailAuthCheck mailet = mailet(Map.of("dnsTimeout", "500"));
        // SPF alone may take 20 s (RFC 7208 §4.6.4); DMARC waits for it
        assertThat(mailet.deadline()).isGreaterThan(java.time.Duration.ofSeconds(20))
                .isEqualTo(java.time.Duration.ofSeconds(25 + 15).plus(dev.authpack.check.MailAuthChecker.AWAIT_GRACE));
        assertThat(mailet(Map.of("spfTimeout", "1000", "dkimKeyTimeout", "1000", "dmarcTimeout", "1000",
                "iprevTimeout", "1000")).deadline()).isEqualTo(java.time.Duration.ofSeconds(6 + 6 + 1));
        assertThatThrownBy(() -> mailet(Map.of("dmarcTimeout", "120001"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("dmarcTimeout");
        assertThatThrownBy(() -> mailet(Map.of("spfTimeout", "0"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("spfTimeout");
    }

    @Test
    void anInterruptedCheckStillWritesTemperrorAndRemovesForgedFields() throws Exception {
        try (LoopbackDnsServer silent = LoopbackDnsServer.start("$ORIGIN example.com.\n@ 300 IN TXT \"x\"\n")) {
            silent.drop("example.com").drop("mail.example.com").drop("1.2.0.192.in-addr.arpa");
            MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
            mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                    .setProperty("dnsServers", silent.address()).setProperty("dnsTimeout", "5000").build());
            FakeMail mail = forgedMail("192.0.2.1");
            Thread.currentThread().interrupt();
            try {
                mailet.service(mail);
            } finally {
                assertThat(Thread.interrupted()).isTrue();
            }
            String headers = headers(mail);
            assertThat(headers).startsWith("Authentication-Results: mx.test;").contains("spf=temperror")
                    .contains("interrupted").doesNotContain("dmarc=pass");
            assertThat(headers.split("Authentication-Results", -1)).hasSize(2);
        }
    }

    @Test
    void anUnreadableMessageStillGetsAttributesAndNoExceptionEscapes() throws Exception {
        MimeMessage broken = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream("Subject: s\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII))) {
            @Override
            public void writeTo(java.io.OutputStream os) throws java.io.IOException {
                throw new java.io.IOException("spool file gone");
            }
        };
        FakeMail mail = FakeMail.builder().name("broken").mimeMessage(broken).recipient("bob@example.org")
                .remoteAddr("192.0.2.1").sender("alice@example.com")
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
        mailet(Map.of()).service(mail);
        assertThat(MailAttributes.results(mail).orElseThrow()).extracting(r -> r.method() + "=" + r.result())
                .contains("dkim=temperror", "dmarc=temperror", "spf=pass");
    }

    /**
     * A message larger than {@code maxCheckedSize} is not read whole (the OutOfMemoryError risk of a message of any
     * size): its header section is read, then its body streamed once for the DKIM and ARC body hashes, never held, so
     * its signatures get their real verdict (pass or fail); SPF, iprev and DMARC run, and our field is still written.
     * The seam: a message that counts the octets read from it, and the most one read gave.
     */
    @Nested
    class LargeMessages {
        static final String BH = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        /** Signed by example.com (no key: never verified here), sealed once, and a field forging our results. */
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
        /** Unsigned, for the signatures of {@link #signer()}. */
        static final String PLAIN = "Authentication-Results: mx.test; dkim=pass header.d=example.com\r\n"
                + "From: alice@example.com\r\nTo: bob@example.org\r\nSubject: a large signed one\r\n\r\n";
        static final int LIMIT = 1 << 20;
        /** What one read may give, at most: a buffer, never the message (nor the limit). */
        static final int AT_ONCE = 256 * 1024;
        private static DkimSigner signer;

        /** example.com's signer under selector {@code big}, its key published. */
        static synchronized DkimSigner signer() throws Exception {
            if (signer == null) {
                byte[] seed = new byte[32];
                new java.security.SecureRandom().nextBytes(seed);
                DkimSigningKey key = DkimKeys.ed25519(seed);
                dns.addZone("$ORIGIN example.com.\nbig._domainkey 300 IN TXT \"" + key.publicKeyRecord() + "\"\n");
                signer = new DkimSigner(key, DkimSignOptions.of("example.com", "big"));
            }
            return signer;
        }

        static FakeMail largeMail(CountingMessages.Counted counted, String client) throws Exception {
            return FakeMail.builder().name("large").mimeMessage(counted.message())
                    .recipient("bob@example.org").sender("alice@example.com").remoteAddr(client)
                    .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
        }

        static byte[] writtenOf(Mail mail) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mail.getMessage().writeTo(out);
            return out.toByteArray();
        }

        static String headerOf(byte[] message) {
            String text = new String(message, 0, Math.min(message.length, 16_384), StandardCharsets.ISO_8859_1);
            return text.substring(0, text.indexOf("\r\n\r\n") + 2);
        }

        @Test
        void aMessageOverMaxCheckedSizeIsStreamedNotHeldAndGetsItsVerdicts() throws Exception {
            byte[] octets = CountingMessages.withBody(HEADER, 4 * LIMIT);
            CountingMessages.Counted counted = CountingMessages.message(octets);
            FakeMail mail = largeMail(counted, "198.51.100.7");

            mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

            // the header section, then the body streamed once: never more than a buffer at once
            assertThat(counted.largestRead().get()).as("octets of one read").isLessThan(AT_ONCE);
            assertThat(counted.read().get()).as("octets read by the check").isBetween(4L * LIMIT,
                    octets.length + 64L * 1024);
            byte[] after = writtenOf(mail);
            String header = headerOf(after);
            assertThat(header).startsWith("Authentication-Results: mx.test;");
            assertThat(header).containsOnlyOnce("Authentication-Results: mx.test;");
            // verified: no key for the made-up signature, and the body hash of the made-up seal does not match
            assertThat(header).contains("dkim=permerror").contains("header.d=example.com")
                    .doesNotContain("maxCheckedSize");
            assertThat(header).contains("spf=fail");
            assertThat(header).contains("dmarc=fail");
            assertThat(header).contains("arc=fail").contains("body hash did not verify");
            assertThat(header).doesNotContain("dkim=pass");
            // everything below our field is the message as received, octet for octet, the forged field gone
            byte[] expected = Arrays.copyOfRange(octets, HEADER.indexOf("DKIM-Signature"), octets.length);
            assertThat(Arrays.equals(Arrays.copyOfRange(after, after.length - expected.length, after.length), expected))
                    .as("the rest of the message unchanged").isTrue();
            assertThat(MailAttributes.results(mail)).isPresent();
            assertThat(mail.getAttribute(MailAttributes.DKIM)).isPresent();
        }

        /** The point of streaming: a legitimately signed large message passes DKIM (and DMARC on it); tampered fails. */
        @Test
        void aSignedMessageOverTheLimitPassesDkimAndATamperedOneFails() throws Exception {
            String head = CountingMessages.signedHeader(PLAIN, 4 * LIMIT, signer());
            byte[] octets = CountingMessages.withBody(head, 4 * LIMIT);
            CountingMessages.Counted counted = CountingMessages.message(octets);
            FakeMail mail = largeMail(counted, "198.51.100.7");

            mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

            assertThat(counted.largestRead().get()).isLessThan(AT_ONCE);
            String header = headerOf(writtenOf(mail));
            assertThat(header).contains("dkim=pass header.d=example.com header.i=@example.com header.s=big");
            // SPF fails for this client: DMARC passes on the DKIM signature of a body never held
            assertThat(header).contains("spf=fail").contains("dmarc=pass");

            byte[] tampered = octets.clone();
            tampered[tampered.length - 100] ^= 1;
            FakeMail bad = largeMail(CountingMessages.message(tampered), "198.51.100.7");
            mailet(Map.of("maxCheckedSize", "1MiB")).service(bad);
            assertThat(headerOf(writtenOf(bad))).contains("dkim=fail reason=\"body hash did not verify\"")
                    .contains("dmarc=fail");
        }

        /**
         * Review s18 L2: a message whose size is not known beforehand is read whole only within the limit; past it,
         * it is checked as one over the limit (the first read stops at the limit and a buffer).
         */
        @Test
        void aMessageOfUnknownSizeIsNotReadWholePastTheLimit() throws Exception {
            byte[] unsigned = CountingMessages.withBody(PLAIN, 4 * LIMIT);
            CountingMessages.Counted counted = CountingMessages.message(unsigned, true);
            FakeMail mail = largeMail(counted, "192.0.2.1");
            mail.setMessageSize(-1);
            assertThat(dev.authpack.james.MimeMessageBytes.size(mail)).isEqualTo(-1);

            mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

            // up to the limit (and a buffer), then the header section: nothing to hash without a signature
            assertThat(counted.read().get()).isLessThan(LIMIT + 2L * AT_ONCE);
            assertThat(headerOf(writtenOf(mail))).contains("spf=pass").contains("dmarc=pass").contains("dkim=none");

            String head = CountingMessages.signedHeader(PLAIN, 4 * LIMIT, signer());
            CountingMessages.Counted signed = CountingMessages.message(CountingMessages.withBody(head, 4 * LIMIT),
                    true);
            FakeMail large = largeMail(signed, "198.51.100.7");
            large.setMessageSize(-1);
            mailet(Map.of("maxCheckedSize", "1MiB")).service(large);
            assertThat(signed.largestRead().get()).isLessThan(AT_ONCE);
            assertThat(headerOf(writtenOf(large))).contains("dkim=pass").contains("dmarc=pass");

            // within the limit: read whole and checked as before
            CountingMessages.Counted small = CountingMessages.message(CountingMessages.withBody(
                    CountingMessages.signedHeader(PLAIN, 4096, signer()), 4096), true);
            FakeMail within = largeMail(small, "198.51.100.7");
            within.setMessageSize(-1);
            mailet(Map.of("maxCheckedSize", "1MiB")).service(within);
            assertThat(headerOf(writtenOf(within))).contains("dkim=pass").contains("dmarc=pass");
        }

        /**
         * In James, over the default limit (64 MiB): the message (generated as it is read, never held by the test either)
         * is read once, streamed into James' own file source under our field, and reads back as the message received
         * with our field on top and the forged one gone.
         */
        @Test
        void inJamesAMessageOverTheDefaultLimitIsStreamedUnderOurField() throws Exception {
            JamesSources.jamesDefaultThreshold();
            String head = HEADER.replace("Subject: a large one\r\n", "Subject: a large one\r\nTo: bob@example.org\r\n");
            String signed = CountingMessages.signedHeader(head.substring(head.indexOf("DKIM-Signature")), 80L << 20,
                    signer());
            // the forged field first, then our signature over the rest
            String top = head.substring(0, head.indexOf("DKIM-Signature")) + signed;
            CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(top, 80L << 20);
            MailImpl mail = MailImpl.builder().name("big").sender("alice@example.com").addRecipient("bob@example.org")
                    .remoteAddr("198.51.100.7")
                    .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
            mail.setMessageNoCopy(new MimeMessageWrapper(source));

            mailet(Map.of()).service(mail);

            // the header section for the check, the body streamed once for its hashes, then one pass for the copy
            // under our field: never held whole
            assertThat(source.read()).isBetween(2 * source.getMessageSize(), 2 * source.getMessageSize() + 128 * 1024);
            assertThat(mail.getAttribute(MailAttributes.DKIM).map(a -> a.getValue().value().toString()).orElse(""))
                    .contains("pass").doesNotContain("policy");
            MimeMessageWrapper after = (MimeMessageWrapper) mail.getMessage();
            assertThat(after.isModified()).isFalse();
            assertThat(JamesSources.spoolFile(JamesSources.sourceOf(after))).as("James' temporary file").isPresent();
            int kept = top.indexOf("DKIM-Signature");
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
            FakeMail mail = largeMail(counted, "192.0.2.1");

            mailet(Map.of("maxCheckedSize", String.valueOf(LIMIT))).service(mail);

            assertThat(counted.largestRead().get()).isLessThan(AT_ONCE);
            String header = headerOf(writtenOf(mail));
            assertThat(header).contains("spf=pass").contains("dmarc=pass").contains("iprev=pass")
                    .contains("dkim=permerror");
        }

        @Test
        void aMessageWithinTheLimitIsVerifiedAsBefore() throws Exception {
            byte[] octets = CountingMessages.withBody(HEADER, 4096);
            CountingMessages.Counted counted = CountingMessages.message(octets);
            FakeMail mail = largeMail(counted, "198.51.100.7");

            mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

            String header = headerOf(writtenOf(mail));
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

    /**
     * Review s18 (H1, H2, M1): a message over {@code maxCheckedSize} is checked from its header section alone; what
     * the readers other than the LF-only one read as header beyond it, and a header section without an end within the
     * capture bound, must not give the attacker a pass the whole message would not get. James' own message source
     * (written as received, octet for octet: javax.mail would write its header again with CRLF).
     */
    @Nested
    class HeaderOnlyEvasions {
        static MailImpl jamesMail(String head, long bodyOctets) throws Exception {
            JamesSources.jamesDefaultThreshold();
            MailImpl mail = MailImpl.builder().name("big").sender("alice@example.com").addRecipient("bob@example.org")
                    .remoteAddr("192.0.2.1")
                    .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
            mail.setMessageNoCopy(new MimeMessageWrapper(new CountingMessages.GeneratedSource(head, bodyOctets)));
            return mail;
        }

        static String start(Mail mail, int octets) throws Exception {
            try (InputStream in = ((MimeMessageWrapper) mail.getMessage()).getMessageInputStream()) {
                return new String(in.readNBytes(octets), StandardCharsets.ISO_8859_1);
            }
        }

        /** Our field: the first, up to its end (a CRLF not followed by white space). */
        static String ourField(String message) {
            assertThat(message).startsWith("Authentication-Results: mx.test;");
            return message.substring(0, message.replaceAll("\r\n[ \t]", "__").indexOf("\r\n"));
        }

        /** H1: a second From after more than the capture bound (1 MiB) of header: the full path fails it. */
        @Test
        void aFromFieldPastTheCaptureBoundIsNotLeftUnread() throws Exception {
            StringBuilder head = new StringBuilder("From: alice@example.com\r\n");
            String pad = "X-Pad: " + "a".repeat(1000) + "\r\n";
            while (head.length() < (1 << 20) + 4096) {
                head.append(pad);
            }
            head.append("From: ceo@victim.example\r\nSubject: x\r\n\r\n");
            MailImpl mail = jamesMail(head.toString(), 2L << 20);
            try {
                mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);
                String ours = ourField(start(mail, 8192));
                assertThat(ours).contains("spf=pass").doesNotContain("dmarc=pass").contains("dmarc=permerror");
                assertThat(mail.getState()).isNotEqualTo(Mail.ERROR);
            } finally {
                mail.dispose();
            }
        }

        /**
         * H2 case A: LF-only header lines, a CRLF body: a CRLF-only reader's header runs on into the body to its CRLF
         * CRLF, with a From and a field forging our results there.
         */
        @Test
        void lfOnlyHeaderLinesBeforeACrlfBodyAreNotReadAsTheLfOnlyReaderAlone() throws Exception {
            String head = "From: alice@example.com\nSubject: x\n\n"
                    + "Authentication-Results: mx.test; dmarc=pass header.from=victim.example\r\n"
                    + "From: ceo@victim.example\r\n\r\n";
            MailImpl mail = jamesMail(head, 2L << 20);
            try {
                mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);
                String after = start(mail, 8192);
                String ours = ourField(after);
                assertThat(ours).contains("spf=pass").doesNotContain("dmarc=pass").contains("dmarc=permerror");
                // the CRLF-only reader's header section (to its first CRLF CRLF) holds ours alone
                String crlfHeader = after.substring(0, after.indexOf("\r\n\r\n"));
                assertThat(crlfHeader).containsOnlyOnce("mx.test;");
            } finally {
                mail.dispose();
            }
        }

        /** H2 case B: a From field of the CRLF-only reading running on past the LF-only reader's end of header. */
        @Test
        void aCrlfOnlyFromFieldRunningPastTheLfOnlyEndIsNotCut() throws Exception {
            String head = "Subject: x\r\nFrom: alice@example.com\n\n, ceo@victim.example\r\n\r\n";
            MailImpl mail = jamesMail(head, 2L << 20);
            try {
                mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);
                String ours = ourField(start(mail, 8192));
                assertThat(ours).contains("spf=pass").doesNotContain("dmarc=pass").contains("dmarc=permerror");
            } finally {
                mail.dispose();
            }
        }

        /** Clean CRLF header lines over the limit still get their pass (SPF aligned): nothing lost for real mail. */
        @Test
        void aCleanCrlfHeaderStillPasses() throws Exception {
            MailImpl mail = jamesMail("From: alice@example.com\r\nSubject: x\r\n\r\n", 2L << 20);
            try {
                mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);
                assertThat(ourField(start(mail, 8192))).contains("spf=pass").contains("dmarc=pass");
            } finally {
                mail.dispose();
            }
        }

        /**
         * M1: a header section over 8 MiB in a message not read whole cannot be rewritten: not delivered with the
         * sender's fields claiming our id and without ours, but sent to the error processor.
         */
        @Test
        void aHeaderSectionTooLargeToRewriteSendsTheMailToTheErrorProcessor() throws Exception {
            StringBuilder head = new StringBuilder("Authentication-Results: mx.test; dmarc=pass\r\n"
                    + "From: alice@example.com\r\n");
            String pad = "X-Pad: " + "a".repeat(1000) + "\r\n";
            while (head.length() < (9 << 20)) {
                head.append(pad);
            }
            head.append("\r\n");
            MailImpl mail = jamesMail(head.toString(), 1L << 20);
            try {
                mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);
                assertThat(mail.getState()).isEqualTo(Mail.ERROR);
                assertThat(mail.getErrorMessage()).contains("header section larger than");
            } finally {
                mail.dispose();
            }
        }
    }

    /**
     * Review s19 (attacker's tests): the header-only rewrite of a message over {@code maxCheckedSize} whose message a
     * mailet before MailAuthCheck has changed (a header added: James' wrapper is then modified, so the rewrite goes
     * through javax.mail, {@code HeaderSectionFields}). That path read the rewritten header section back with
     * {@code RawMessage.parse}, which refuses a header line without a colon, a field name with a space, more than 1000
     * fields: the rewrite threw, MailAuthCheck logged "not rewritten" and the mail went on with the sender's field
     * claiming our authserv-id, without ours. Every path must remove such fields (or keep the mail from delivery).
     */
    @Nested
    class ChangedLargeMessages {
        static final String FORGED = "Authentication-Results: mx.test; dkim=pass header.d=victim.example;"
                + " dmarc=pass header.from=victim.example\r\n";

        /** The header section of the mail's message as javax.mail writes it (what is delivered). */
        static String headerOf(Mail mail) throws Exception {
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

        /** The sender's header sections: a line RawMessage refuses, or more fields than it reads (1000). */
        static java.util.stream.Stream<String> oddHeaders() {
            StringBuilder many = new StringBuilder(FORGED).append("From: alice@example.com\r\n");
            for (int i = 0; i < 1001; i++) {
                many.append("X-F").append(i).append(": v\r\n");
            }
            return java.util.stream.Stream.of(
                    FORGED + "From: alice@example.com\r\nSubject: large\r\nX-Junk line without a colon\r\n\r\n",
                    FORGED + "From: alice@example.com\r\nSubject: large\r\nX Junk: a field name with a space\r\n\r\n",
                    many.append("\r\n").toString());
        }

        /**
         * A mailet before MailAuthCheck added a header (the wrapper is modified); the sender's header section holds a
         * line RawMessage refuses, or too many fields. The forged field claiming mx.test must not reach delivery: either
         * it is gone (and ours is the first Authentication-Results field), or the mail is kept from delivery (the error
         * processor).
         */
        @ParameterizedTest
        @MethodSource("oddHeaders")
        void aForgedFieldIsNotDeliveredFromAModifiedLargeMessageWithAnOddHeader(String head) throws Exception {
            MailImpl mail = HeaderOnlyEvasions.jamesMail(head, 2L << 20);
            try {
                // what any mailet before MailAuthCheck may do (SetMimeHeader, a spam filter's X-Spam field...)
                mail.getMessage().setHeader("X-Earlier-Mailet", "1");
                mail.getMessage().saveChanges();

                mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

                String header = headerOf(mail);
                boolean keptFromDelivery = Mail.ERROR.equals(mail.getState());
                assertThat(keptFromDelivery || !header.contains("mx.test; dkim=pass header.d=victim.example"))
                        .as("forged field claiming mx.test delivered; state %s, header:%n%s", mail.getState(),
                                header.substring(0, Math.min(header.length(), 2000)))
                        .isTrue();
                // ours above every other Authentication-Results field (javax.mail may put MIME-Version and the like back
                // where its own placeholders are, above it)
                assertThat(keptFromDelivery || header.indexOf("Authentication-Results:") == header.indexOf(
                        "Authentication-Results: mx.test;\r\n\tdkim=")).as("our field first").isTrue();
            } finally {
                mail.dispose();
            }
        }
    }
    /**
     * Review s19 (L4): a message the check could not read has unknown authors: under the default
     * {@code dmarcUnverifiableDisposition=strictest} its DMARC temperror carries {@code reject}, as a From scan past
     * its bounds does, not {@code none}.
     */
    @Test
    void anUnreadableMessageIsUnverifiableWithTheStrictestDisposition() throws Exception {
        FailingWritesMessage message = new FailingWritesMessage(MESSAGE).failWrites(0, 1);
        FakeMail mail = RewriteFailures.mail(message, "192.0.2.1");

        mailet(Map.of()).service(mail);

        assertThat(mail.getState()).isNotEqualTo(Mail.ERROR);
        assertThat(headers(mail)).contains("dmarc=temperror reason=\"dis=reject (unverifiable); message unreadable");
    }

    /**
     * Review s19 (L3): a rewrite of the header that fails (here a spool read error on our side) must not let the mail
     * go on carrying the sender's field claiming our authserv-id, without ours: it goes to the error processor.
     */
    @Nested
    class RewriteFailures {
        /** {@code remoteAddr} not an address: the mail is not checked (its message not read for a check). */
        static FakeMail mail(FailingWritesMessage message, String remoteAddr) throws Exception {
            return FakeMail.builder().name("m1").mimeMessage(message).sender("alice@example.com")
                    .recipient("bob@example.org").remoteAddr(remoteAddr)
                    .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.example.com"))).build();
        }

        @Test
        void uncheckedMailWhoseForgedFieldCannotBeRemovedGoesToTheErrorProcessor() throws Exception {
            FailingWritesMessage message = new FailingWritesMessage(MESSAGE).failWrites(0, 1);
            FakeMail mail = mail(message, "not an address");

            mailet(Map.of()).service(mail);

            assertThat(message.writes()).isEqualTo(1);
            assertThat(mail.getState()).as("forged field left in:%n%s", headers(mail)).isEqualTo(Mail.ERROR);
            assertThat(mail.getErrorMessage()).startsWith("MailAuthCheck: ").contains("not rewritten")
                    .contains("spool file read failed");
        }

        @Test
        void checkedMailWhoseFieldCannotBeWrittenGoesToTheErrorProcessor() throws Exception {
            // the check's read fails (message unreadable: temperror), then the rewrite's
            FailingWritesMessage message = new FailingWritesMessage(MESSAGE).failWrites(0, 2);
            FakeMail mail = mail(message, "192.0.2.1");

            mailet(Map.of()).service(mail);

            assertThat(MailAttributes.results(mail)).isPresent();
            assertThat(mail.getState()).as("forged field left in:%n%s", headers(mail)).isEqualTo(Mail.ERROR);
            assertThat(mail.getErrorMessage()).contains("not rewritten");
        }

        @Test
        void nothingToRewriteIsNoError() throws Exception {
            FailingWritesMessage message = new FailingWritesMessage(MESSAGE).failWrites(0, 1);
            FakeMail mail = mail(message, "not an address");

            mailet(Map.of("removeForgedAuthResults", "false", "addAuthenticationResults", "false")).service(mail);

            assertThat(message.writes()).isZero();
            assertThat(mail.getState()).isNotEqualTo(Mail.ERROR);
        }
    }
}
