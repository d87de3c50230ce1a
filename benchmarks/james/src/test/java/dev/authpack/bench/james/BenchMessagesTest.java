package dev.authpack.bench.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsResolvers;
import dev.authpack.dns.DnsSettings;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's messages verify with the pack's own DKIM verifier, and its options parse as documented. */
class BenchMessagesTest {
    static final DkimRsaSigner SIGNER = DkimRsaSigner.withNewKey("bench");

    @Test
    void signedNewslettersVerifyWithThePacksVerifierOverTheBenchZone() throws Exception {
        String domain = JamesEndToEnd.coldDomain(7);
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(BenchZone.records(domain, SIGNER, 0))) {
            DnsResolver resolver = DnsResolvers.create(DnsSettings.defaults().withServers(List.of(dns.address()))
                    .withTimeout(Duration.ofSeconds(3)));
            for (long n : new long[] {0, 1, 41}) {
                String message = SIGNER.sign(Newsletter.text(domain, JamesEndToEnd.recipient(0), n), domain);
                assertThat(message.length()).isBetween(9_000, 12_000);
                DkimReport report = new DkimVerifier(resolver).verify(message.getBytes(StandardCharsets.US_ASCII))
                        .get();
                assertThat(report.results()).extracting(DkimResult::passed).containsExactly(true);
                assertThat(report.results().get(0).domain()).isEqualTo(domain);
            }
        }
    }

    @Test
    void aChangedBodyNoLongerVerifies() throws Exception {
        String domain = JamesEndToEnd.warmDomain(0);
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(BenchZone.records(domain, SIGNER, 60))) {
            DnsResolver resolver = DnsResolvers.create(DnsSettings.defaults().withServers(List.of(dns.address())));
            String message = SIGNER.sign(Newsletter.text(domain, JamesEndToEnd.recipient(0), 3), domain)
                    .replace("weekly", "monthly");
            DkimReport report = new DkimVerifier(resolver).verify(message.getBytes(StandardCharsets.US_ASCII)).get();
            assertThat(report.results()).extracting(DkimResult::passed).containsExactly(false);
        }
    }

    @Test
    void relaxedCanonicalization() {
        assertThat(DkimRsaSigner.relaxedField("Subject ", " a \t b\r\n\tc  ")).isEqualTo("subject:a b c");
        assertThat(DkimRsaSigner.relaxedBody("a  b \r\nc\r\n\r\n\r\n")).isEqualTo("a b\r\nc\r\n");
        assertThat(DkimRsaSigner.relaxedBody("")).isEmpty();
        assertThat(DkimRsaSigner.relaxedBody("x")).isEqualTo("x\r\n");
    }

    @Test
    void dataOctetsAreDotStuffedAndEndWithTheFinalDot() {
        assertThat(new String(SmtpConnection.dataOctets("A: b\r\n\r\n.x\r\ny\r\n"), StandardCharsets.US_ASCII))
                .isEqualTo("A: b\r\n\r\n..x\r\ny\r\n.\r\n");
    }

    @Test
    void keyRecordIsSplitIntoTxtStringsOfAtMost255Octets() {
        String txt = BenchZone.txt("k".repeat(600));
        assertThat(txt).isEqualTo("\"" + "k".repeat(255) + "\" \"" + "k".repeat(255) + "\" \"" + "k".repeat(90) + "\"");
    }

    @Test
    void optionsHaveTheDocumentedDefaultsAndBounds() {
        BenchOptions o = BenchOptions.parse();
        assertThat(o.variants()).containsExactly("warm", "cold");
        assertThat(o.connections()).isEqualTo(4);
        assertThat(o.dnsDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.effectiveSpoolThreads()).isEqualTo(4);
        assertThat(o.effectiveWindow("warm")).isEqualTo(32);
        // 20 ms late answers, up to three in sequence, at up to 1,000 messages a second: 60 more in flight
        assertThat(o.effectiveWindow("cold")).isEqualTo(32 + 60);
        assertThat(BenchOptions.parse("--window", "40").effectiveWindow("cold")).isEqualTo(40);
        assertThat(o.mailboxes()).isEqualTo(200);
        assertThat(o.coldDomains()).isEqualTo(2_000);
        assertThat(o.messages()).isEqualTo(2_000);
        assertThat(o.baselineJars()).isNull();
        assertThat(o.runs("pack")).isTrue();
        assertThat(o.runs("nopack")).isTrue();
        assertThat(BenchOptions.parse("--servers", "pack").runs("nopack")).isFalse();
        BenchOptions cold = BenchOptions.parse("--variants", "cold", "--dns-delay-ms", "50", "--spool-threads", "8");
        assertThat(cold.variants()).containsExactly("cold");
        assertThat(cold.effectiveWindow("cold")).isEqualTo(64 + 150);
        assertThat(cold.effectiveWindow("warm")).isEqualTo(64);
        assertThatThrownBy(() -> BenchOptions.parse("--connections", "0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse("--connections", "257"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse("--variants", "lukewarm"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse("--rounds")).isInstanceOf(IllegalArgumentException.class);
        assertThat(o.schedule()).isEqualTo(BenchOptions.ALTERNATE);
        assertThat(BenchOptions.parse("--schedule", "together").schedule()).isEqualTo(BenchOptions.TOGETHER);
        assertThatThrownBy(() -> BenchOptions.parse("--schedule", "interleaved"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(o.forks()).isEqualTo(1);
        assertThat(BenchOptions.parse("--forks", "3").forks()).isEqualTo(3);
        assertThatThrownBy(() -> BenchOptions.parse("--forks", "0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse("--forks", "21")).isInstanceOf(IllegalArgumentException.class);
        assertThat(o.threadIds()).isEqualTo(BenchOptions.NAIVE_THREAD_IDS);
        assertThat(BenchOptions.parse("--thread-ids", "search").threadIds()).isEqualTo(BenchOptions.SEARCH_THREAD_IDS);
        assertThatThrownBy(() -> BenchOptions.parse("--thread-ids", "index"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(o.baselineChecks()).isEqualTo(1);
        assertThat(BenchOptions.parse("--baseline-checks", "2").baselineChecks()).isEqualTo(2);
        assertThatThrownBy(() -> BenchOptions.parse("--baseline-checks", "3"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(o.mailetCpu()).isFalse();
        assertThat(BenchOptions.parse("--mailet-cpu", "yes").mailetCpu()).isTrue();
        assertThatThrownBy(() -> BenchOptions.parse("--mailet-cpu", "maybe"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTimedCheckIsTheSamplesMailAuthCheckBetweenTheTwoMarks() throws Exception {
        String sample = java.nio.file.Files.readString(java.nio.file.Path.of("../../conf-samples/james/mailetcontainer.xml"));
        String timed = BenchServerMain.timedCheck(sample);
        String start = "<mailet match=\"All\" class=\"dev.authpack.bench.james.MailetCpu$Start\"/>";
        String end = "<mailet match=\"All\" class=\"dev.authpack.bench.james.MailetCpu$End\"/>";
        int check = timed.indexOf("class=\"dev.authpack.james.mailets.MailAuthCheck\"");
        assertThat(timed).containsOnlyOnce(start).containsOnlyOnce(end);
        assertThat(timed.indexOf(start)).isLessThan(check);
        assertThat(timed.indexOf(end)).isGreaterThan(timed.indexOf("</mailet>", check));
        // the marks, and nothing else, were added
        assertThat(timed.replace(start, "").replace(end, "").replaceAll("\\n\\s*\\n", "\n"))
                .isEqualTo(sample.replaceAll("\\n\\s*\\n", "\n"));
        // with a second check, only the sample's is timed
        String both = BenchServerMain.timedCheck(BenchServerMain.secondCheck(sample));
        assertThat(both.indexOf(end)).isLessThan(both.indexOf("<serverId>second.james.test</serverId>"));
    }

    @Test
    void theMarksCountAMailsIntervalOnItsOwnThreadOnly() {
        org.apache.mailet.Mail first = mail();
        org.apache.mailet.Mail other = mail();
        long mails = MailetCpu.mails();
        long unpaired = MailetCpu.unpaired();
        long nanos = MailetCpu.nanos();
        new MailetCpu.Start().service(first);
        // spin until this thread's own CPU clock has run 20 ms (not the wall clock: on a loaded machine a 20 ms wall
        // spin may get a fraction of that on the CPU); bounded by 60 s of wall time
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuEnd = threads.getCurrentThreadCpuTime() + 20_000_000;
        long wallEnd = System.nanoTime() + 60_000_000_000L;
        long sum = 0;
        while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
            sum += Long.numberOfTrailingZeros(System.nanoTime()) + 1;
        }
        new MailetCpu.End().service(first);
        assertThat(sum).isPositive();
        assertThat(MailetCpu.mails()).isEqualTo(mails + 1);
        assertThat(MailetCpu.nanos() - nanos).isGreaterThan(5_000_000);
        // an end for another mail than the thread started, or a second end: not counted
        new MailetCpu.Start().service(first);
        new MailetCpu.End().service(other);
        new MailetCpu.End().service(first);
        new MailetCpu.End().service(first);
        assertThat(MailetCpu.mails()).isEqualTo(mails + 2);
        assertThat(MailetCpu.unpaired()).isEqualTo(unpaired + 2);
    }

    private static org.apache.mailet.Mail mail() {
        return org.apache.james.server.core.MailImpl.builder().name("m").build();
    }

    @Test
    void aSecondCheckIsTheSamplesMailAuthCheckUnderAnotherServerId() throws Exception {
        String sample = java.nio.file.Files.readString(java.nio.file.Path.of("../../conf-samples/james/mailetcontainer.xml"));
        String twice = BenchServerMain.secondCheck(sample);
        assertThat(twice.split("class=\"dev.authpack.james.mailets.MailAuthCheck\"", -1)).hasSize(3);
        assertThat(twice).containsOnlyOnce("<serverId>second.james.test</serverId>")
                .containsOnlyOnce("<serverId>mx.james.test</serverId>");
        assertThat(twice.indexOf("<serverId>mx.james.test</serverId>"))
                .isLessThan(twice.indexOf("<serverId>second.james.test</serverId>"))
                .isLessThan(twice.indexOf("class=\"PostmasterAlias\""));
        // the copy, and nothing else, was added
        int second = twice.indexOf("<mailet", twice.indexOf("<serverId>mx.james.test</serverId>"));
        int secondEnd = twice.indexOf("</mailet>", second) + "</mailet>".length();
        assertThat(twice.substring(0, second).stripTrailing() + twice.substring(secondEnd))
                .isEqualTo(sample);
    }

    @Test
    void sessionHookModesGiveOnePackServerEachWithTheHookConfiguredForTheMode() {
        assertThat(BenchOptions.parse("--session-hook", "none,label,enforce").sessionHooks())
                .containsExactly("none", "label", "enforce");
        assertThat(BenchOptions.parse("--session-hook", "label").sessionHooks().stream()
                .map(SessionHookBench::serverName)).containsExactly("pack+label");
        assertThatThrownBy(() -> BenchOptions.parse("--session-hook", "strict"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse("--session-hook", "label,label"))
                .isInstanceOf(IllegalArgumentException.class);
        String xml = "<smtpserver><handlerchain><handler class=\"x\"/></handlerchain></smtpserver>";
        assertThat(SessionHookBench.withHook(xml, "none")).isEqualTo(xml);
        assertThat(SessionHookBench.withHook(xml, "label")).contains("SessionAuthCheck",
                "<refuseDmarcReject>false</refuseDmarcReject>");
        assertThat(SessionHookBench.withHook(xml, "enforce")).contains("<refuseDmarcReject>true</refuseDmarcReject>");
        assertThat(BenchOptions.parse().ioWorkers()).isZero();
        assertThat(BenchOptions.parse("--io-workers", "32").ioWorkers()).isEqualTo(32);
        assertThatThrownBy(() -> BenchOptions.parse("--io-workers", "-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(JamesEndToEnd.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(JamesEndToEnd.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }
}
