package dev.authpack.james.mailets;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.SessionCheckedMail;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Mail the SessionAuthCheck hook checked in the SMTP session: MailAuthCheck writes the field without checking. */
class MailAuthCheckSessionReuseTest {
    private static final String MESSAGE = "Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n"
            + "From: alice@example.com\r\nSubject: hello\r\n\r\nbody\r\n";

    private static AuthCheckReport stored() {
        SpfResult spf = new SpfResult(SpfStatus.PASS, SpfIdentity.MAILFROM, "stored.example", null, null, 0, 0,
                "checked in the session");
        return new AuthCheckReport(Optional.empty(), Optional.of(spf), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static String run(String serverId, CheckOptions sessionOptions, String... parameters) throws Exception {
        return run(new RecordingMetricFactory(), serverId, sessionOptions, parameters);
    }

    private static String run(RecordingMetricFactory metrics, String serverId, CheckOptions sessionOptions,
                              String... parameters) throws Exception {
        return run(metrics, mail -> SessionCheckedMail.store(mail, serverId, sessionOptions, stored()), parameters);
    }

    /** {@code parameters} of the mailet (besides serverId, the DNS server and short timeouts). */
    private static java.util.Map<String, String> parameters(String... parameters) {
        java.util.Map<String, String> all = new java.util.HashMap<>(java.util.Map.of("serverId", "mx.test",
                "spfTimeout", "200", "dkimKeyTimeout", "200", "iprevTimeout", "200", "dmarcTimeout", "200"));
        for (int i = 0; i < parameters.length; i += 2) {
            all.put(parameters[i], parameters[i + 1]);
        }
        return all;
    }

    /** The mailet's headers after it served a mail whose session's results {@code storeInSession} stored. */
    private static String run(RecordingMetricFactory metrics, java.util.function.Consumer<Mail> storeInSession,
                              String... parameters) throws Exception {
        try (LoopbackDnsServer silent = LoopbackDnsServer.start("$ORIGIN example.com.\n@ 300 IN TXT \"x\"\n")) {
            silent.drop("example.com").drop("mail.example.com").drop("1.2.0.192.in-addr.arpa")
                    .drop("_dmarc.example.com");
            FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("MailAuthCheck")
                    .setProperty("dnsServers", silent.address());
            parameters(parameters).forEach(config::setProperty);
            MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines(), metrics);
            mailet.init(config.build());
            FakeMail mail = FakeMail.builder().name("m1").sender("alice@example.com").recipient("bob@example.org")
                    .remoteAddr("192.0.2.1")
                    .mimeMessage(MimeMessageBytes.from(MESSAGE.getBytes(StandardCharsets.US_ASCII))).build();
            storeInSession.accept(mail);
            mailet.service(mail);
            return headers(mail);
        }
    }

    private static String headers(Mail mail) throws Exception {
        String text = new String(MimeMessageBytes.of(mail.getMessage()), StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    @Test
    void theSessionsResultsAreWrittenOnceAndForgedFieldsRemovedWithoutASecondCheck() throws Exception {
        String headers = run("mx.test", new CheckOptions(true, true, true, true, true, true, Set.of()));
        assertThat(headers).startsWith("Authentication-Results: mx.test;\r\n\tspf=pass ")
                .contains("smtp.mailfrom=stored.example").doesNotContain("forged.example")
                .doesNotContain("temperror");
        assertThat(headers.split("Authentication-Results", -1)).hasSize(2);
    }

    @Test
    void theSessionsResultsAreCountedOnceWithoutACheckTimer() throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        run(metrics, "mx.test", new CheckOptions(true, true, true, true, true, true, Set.of()));
        assertThat(metrics.countFor("authpack.result.spf.pass")).isEqualTo(1);
        assertThat(metrics.countFor(dev.authpack.james.AuthpackMetrics.NOT_CHECKED)).isZero();
        assertThat(metrics.executionTimesFor(dev.authpack.james.AuthpackMetrics.CHECK_TIMER)).isEmpty();
    }

    @Test
    void mailCheckedUnderAnotherIdOrWithOtherChecksIsCheckedAgain() throws Exception {
        assertThat(run("other.test", CheckOptions.ALL)).contains("spf=temperror").doesNotContain("stored.example");
        assertThat(run("mx.test", CheckOptions.ALL, "iprev", "false")).contains("spf=temperror")
                .doesNotContain("stored.example");
    }

    /**
     * Review s23: results stored by a hook with the default verdict policy (a 1024-bit RSA key passes, SHA-1 is
     * {@code policy}, an unverifiable DMARC result takes the strictest disposition) were written by a MailAuthCheck
     * configured with another one, which its own check would not have given: a setting that changes a verdict now
     * makes the mail checked again.
     */
    @Test
    void mailCheckedUnderAnotherVerdictPolicyIsCheckedAgain() throws Exception {
        // each setting, faster: ReviewS23SessionVerdictPolicyTest
        String[][] policies = {{"dkimMinRsaKeyBits", "2048"}, {"dmarcUnverifiableDisposition", "reject"}};
        for (String[] policy : policies) {
            assertThat(run("mx.test", CheckOptions.ALL, policy)).as(policy[0]).contains("spf=temperror")
                    .doesNotContain("stored.example");
        }
    }

    /** Review s23: a hook with the mailet's verdict policy, not the default one: its results are written. */
    @Test
    void mailCheckedUnderTheSameVerdictPolicyIsNotCheckedAgain() throws Exception {
        String[] policy = {"dkimMinRsaKeyBits", "2048", "dmarcUnverifiableDisposition", "reject"};
        dev.authpack.james.CheckSettings hook = dev.authpack.james.CheckSettings.read(parameters(policy)::get);
        String headers = run(new RecordingMetricFactory(), mail -> SessionCheckedMail.store(mail, hook, stored()),
                policy);
        assertThat(headers).contains("spf=pass", "smtp.mailfrom=stored.example").doesNotContain("temperror");
    }

    /** Review s19 (L3): the session's results, written over a message whose rewrite fails: not delivered so. */
    @Test
    void aRewriteThatFailsSendsTheMailToTheErrorProcessor() throws Exception {
        try (LoopbackDnsServer silent = LoopbackDnsServer.start("$ORIGIN example.com.\n@ 300 IN TXT \"x\"\n")) {
            MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
            mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                    .setProperty("dnsServers", silent.address()).build());
            FailingWritesMessage message = new FailingWritesMessage(MESSAGE);
            FakeMail mail = FakeMail.builder().name("m1").sender("alice@example.com").recipient("bob@example.org")
                    .remoteAddr("192.0.2.1").mimeMessage(message).build();
            SessionCheckedMail.store(mail, "mx.test", CheckOptions.ALL, stored());
            // the mailet's comparison with the stored results reads the message, then the rewrite does
            message.failWrites(1, 1);

            mailet.service(mail);

            assertThat(message.writes()).isEqualTo(3);
            assertThat(mail.getState()).as("forged field left in:%n%s", headers(mail)).isEqualTo(Mail.ERROR);
            assertThat(mail.getErrorMessage()).startsWith("MailAuthCheck: ").contains("not rewritten");
        }
    }

    /**
     * A message over maxCheckedSize the hook checked with its body streamed, its results bound by the SHA-256 made in
     * that same pass (SessionCheckedMail.store with the digest): MailAuthCheck reads it once, for its SHA-256 alone,
     * and writes the session's results (no header section read, no body canonicalised and hashed, no lookup: before,
     * the hook stored nothing for such a message and the mailet checked it again, its body streamed a second time).
     * The same results on a message changed since (one body octet): checked again.
     */
    @Test
    void aLargeMessageCheckedInTheSessionIsReadOnceForItsSha256AndNotCheckedAgain() throws Exception {
        String head = "Authentication-Results: mx.test; dkim=pass header.d=forged.example\r\n"
                + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;\r\n"
                + "\th=from:subject; bh=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=; b=dGVzdHNpZ25hdHVyZQ==\r\n"
                + "From: alice@example.com\r\nSubject: large\r\n\r\n";
        byte[] octets = dev.authpack.james.CountingMessages.withBody(head, 4 << 20);
        byte[] changed = octets.clone();
        changed[changed.length - 100] ^= 1;
        try (LoopbackDnsServer silent = LoopbackDnsServer.start("$ORIGIN example.com.\n@ 300 IN TXT \"x\"\n")) {
            silent.drop("example.com").drop("mail.example.com").drop("1.2.0.192.in-addr.arpa")
                    .drop("_dmarc.example.com").drop("sel._domainkey.example.com");
            MailAuthCheck mailet = new MailAuthCheck(new AuthpackEngines());
            mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.test")
                    .setProperty("dnsServers", silent.address()).setProperty("maxCheckedSize", "1MiB")
                    .setProperty("spfTimeout", "200").setProperty("dkimKeyTimeout", "200")
                    .setProperty("iprevTimeout", "200").setProperty("dmarcTimeout", "200").build());
            for (byte[] now : java.util.List.of(octets, changed)) {
                // as the hook does: the SHA-256 made while the body is streamed for its hashes
                dev.authpack.james.CountingMessages.Counted received =
                        dev.authpack.james.CountingMessages.message(octets);
                dev.authpack.james.MessageBinding.Digesting streamed = dev.authpack.james.MessageBinding.digesting(
                        MimeMessageBytes.stream(received.message()));
                streamed.writeTo(java.io.OutputStream.nullOutputStream());
                dev.authpack.james.CountingMessages.Counted counted = dev.authpack.james.CountingMessages.message(now);
                FakeMail mail = FakeMail.builder().name("large").sender("alice@example.com")
                        .recipient("bob@example.org").remoteAddr("192.0.2.1").mimeMessage(counted.message()).build();
                SessionCheckedMail.store(mail, "mx.test", CheckOptions.ALL, stored(), streamed.digest().orElseThrow());

                mailet.service(mail);

                if (now == octets) {
                    // (a javax.mail message holds its header section, parsed when made: its body is what is read)
                    assertThat(counted.read().get()).as("the body once, for the SHA-256").isEqualTo(4 << 20);
                    assertThat(headers(mail)).startsWith("Authentication-Results: mx.test;\r\n\tspf=pass ")
                            .contains("smtp.mailfrom=stored.example").doesNotContain("temperror")
                            .doesNotContain("forged.example");
                } else {
                    assertThat(headers(mail)).doesNotContain("stored.example").contains("spf=temperror")
                            .doesNotContain("forged.example");
                }
            }
        }
    }
}
