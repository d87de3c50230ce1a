package dev.authpack.check;

import dev.authpack.arc.ArcVerifier;
import dev.authpack.authres.MethodResult;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfOptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class MailAuthCheckerTest {
    private static final byte[] MESSAGE = ("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; c=relaxed/relaxed;"
            + " h=from; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n"
            + "From: alice@example.com\r\nSubject: s\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);

    /** A resolver that never answers (every answer dropped), remembering the futures it gave out. */
    static class BlackHole implements DnsResolver {
        final List<CompletableFuture<?>> handedOut = new CopyOnWriteArrayList<>();

        private <T> CompletableFuture<DnsLookup<T>> never() {
            CompletableFuture<DnsLookup<T>> future = new CompletableFuture<>();
            handedOut.add(future);
            return future;
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            return never();
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return never();
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return never();
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return never();
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            return never();
        }
    }

    private static Envelope envelope() throws Exception {
        return new Envelope(InetAddress.getByName("192.0.2.1"), "mail.example.com", "alice@example.com",
                List.of("bob@example.org"), Optional.empty());
    }

    /** Engines whose own budgets are long (an hour): only the checker's budgets can end the run. */
    private static MailAuthChecker checker(DnsResolver dns, CheckBudgets budgets) {
        return new MailAuthChecker(new SpfChecker(dns, SpfOptions.defaults().withTimeout(Duration.ofHours(1))),
                new IprevChecker(dns),
                new DkimVerifier(dns, DkimVerifyOptions.defaults().withKeyLookupTimeout(Duration.ofHours(1))),
                new DmarcEvaluator(dns), new ArcVerifier(dns), budgets);
    }

    private static String results(AuthCheckReport report) {
        return report.methodResults().stream().map(r -> r.method() + "=" + r.result())
                .reduce((a, b) -> a + " " + b).orElse("");
    }

    @Test
    void everyCheckThatRunsOutOfTimeIsATemporaryErrorNotSilence() throws Exception {
        BlackHole dns = new BlackHole();
        long start = System.nanoTime();
        AuthCheckReport report = checker(dns, CheckBudgets.all(Duration.ofMillis(300)))
                .check(envelope(), MESSAGE, CheckOptions.ALL).get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        // no ARC set in the message: arc=none needs no DNS
        assertThat(results(report)).isEqualTo("dkim=temperror spf=temperror spf=temperror dmarc=temperror arc=none"
                + " iprev=temperror");
        assertThat(report.methodResults()).filteredOn(r -> !r.method().equals("arc"))
                .extracting(MethodResult::reason).allSatisfy(reason -> assertThat(reason).contains("did not finish"));
        // SPF and DKIM (300 ms), then DMARC (300 ms): well under the engines' own hour
        assertThat(millis).isLessThan(10_000);
        assertThat(dns.handedOut).isNotEmpty();
    }

    @Test
    void cuttingARunOffEndsTheUnfinishedChecksAndCancelsTheirEngines() throws Exception {
        BlackHole dns = new BlackHole();
        CheckRun run = checker(dns, CheckBudgets.all(Duration.ofHours(1))).start(envelope(), MESSAGE,
                CheckOptions.ALL);
        AuthCheckReport report = run.await(Duration.ofMillis(200));
        assertThat(results(report)).isEqualTo("dkim=temperror spf=temperror spf=temperror dmarc=temperror arc=none"
                + " iprev=temperror");
        assertThat(report.spf().orElseThrow().reason()).contains("did not finish within 200 ms");
        assertThat(run.report()).isDone();
        AuthCheckReport interrupted = checker(dns, CheckBudgets.all(Duration.ofHours(1))).start(envelope(), MESSAGE,
                CheckOptions.ALL).cutOff("interrupted");
        assertThat(interrupted.dmarc().orElseThrow().reason()).isEqualTo("interrupted");
        assertThat(AuthResultsMapping.dkim(interrupted.dkim().orElseThrow())).extracting(MethodResult::result)
                .containsExactly("temperror");
    }

    @Test
    void anEngineThatThrowsGivesATemporaryError() throws Exception {
        DnsResolver broken = new BlackHole() {
            @Override
            public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
                throw new IllegalStateException("boom");
            }
        };
        AuthCheckReport report = checker(broken, CheckBudgets.all(Duration.ofMillis(100)))
                .check(envelope(), MESSAGE, CheckOptions.ALL).get();
        assertThat(report.iprev().orElseThrow().status()).isEqualTo(dev.authpack.iprev.IprevStatus.TEMPERROR);
        assertThat(report.iprev().orElseThrow().reason()).contains("boom");
    }

    @Test
    void anUnreadableMessageGivesTemporaryErrorsForTheMessageChecksOnly() throws Exception {
        BlackHole dns = new BlackHole();
        AuthCheckReport report = checker(dns, CheckBudgets.all(Duration.ofMillis(100)))
                .startUnreadable(envelope(), CheckOptions.ALL, "message unreadable: spool gone").report().get();
        assertThat(AuthResultsMapping.dkim(report.dkim().orElseThrow()).get(0).reason())
                .isEqualTo("message unreadable: spool gone");
        assertThat(report.dmarc().orElseThrow().reason()).isEqualTo("message unreadable: spool gone");
        assertThat(report.arc().orElseThrow().reason()).isEqualTo("message unreadable: spool gone");
        assertThat(report.spf().orElseThrow().reason()).contains("did not finish");
    }

    /**
     * Review s19 (L4): a message that could not be read, or whose DMARC evaluation was cut off (an interrupt), has
     * unknown authors: any of them may publish p=reject. As for a From scan past its bounds, the unverifiable
     * disposition applies to the strictest policy there could be (reject under {@code strictest}); under
     * {@code none} it stays none.
     */
    @Test
    void aMessageWhoseAuthorsAreUnknownGetsTheUnverifiableDispositionOfAnyPolicy() throws Exception {
        BlackHole dns = new BlackHole();
        MailAuthChecker strictest = checker(dns, CheckBudgets.all(Duration.ofMillis(100)));
        dev.authpack.dmarc.DmarcResult unreadable = strictest.startUnreadable(envelope(), CheckOptions.ALL,
                "message unreadable: spool gone").report().get().dmarc().orElseThrow();
        assertThat(unreadable.status()).isEqualTo(dev.authpack.dmarc.DmarcStatus.TEMPERROR);
        assertThat(unreadable.disposition()).isEqualTo(dev.authpack.dmarc.DmarcPolicy.REJECT);
        assertThat(AuthResultsMapping.dmarc(unreadable).reason()).startsWith("dis=reject (unverifiable)");

        dev.authpack.dmarc.DmarcResult interrupted = checker(dns, CheckBudgets.all(Duration.ofHours(1)))
                .start(envelope(), MESSAGE, CheckOptions.ALL).cutOff("interrupted").dmarc().orElseThrow();
        assertThat(interrupted.status()).isEqualTo(dev.authpack.dmarc.DmarcStatus.TEMPERROR);
        assertThat(interrupted.disposition()).isEqualTo(dev.authpack.dmarc.DmarcPolicy.REJECT);

        MailAuthChecker none = new MailAuthChecker(new SpfChecker(dns), new IprevChecker(dns), new DkimVerifier(dns),
                new DmarcEvaluator(dns, dev.authpack.dmarc.DmarcOptions.DEFAULT.withUnverifiableDisposition(
                        dev.authpack.dmarc.UnverifiableDisposition.NONE)), new ArcVerifier(dns),
                CheckBudgets.all(Duration.ofMillis(100)));
        assertThat(none.startUnreadable(envelope(), CheckOptions.ALL, "message unreadable: spool gone").report().get()
                .dmarc().orElseThrow().disposition()).isEqualTo(dev.authpack.dmarc.DmarcPolicy.NONE);
        assertThat(none.start(envelope(), MESSAGE, CheckOptions.ALL).cutOff("interrupted").dmarc().orElseThrow()
                .disposition()).isEqualTo(dev.authpack.dmarc.DmarcPolicy.NONE);
    }

    @Test
    void theOneDeadlineFollowsTheEnginesBudgets() {
        BlackHole dns = new BlackHole();
        MailAuthChecker checker = new MailAuthChecker(new SpfChecker(dns), new IprevChecker(dns),
                new DkimVerifier(dns), new DmarcEvaluator(dns), new ArcVerifier(dns));
        CheckBudgets budgets = checker.budgets();
        assertThat(budgets.spf()).isEqualTo(SpfOptions.DEFAULT_TIMEOUT.plus(CheckBudgets.MARGIN));
        assertThat(budgets.dkim()).isEqualTo(DkimVerifyOptions.DEFAULT_KEY_LOOKUP_TIMEOUT.plus(CheckBudgets.MARGIN));
        assertThat(budgets.dmarc()).isEqualTo(CheckBudgets.DEFAULT_DMARC.plus(CheckBudgets.MARGIN));
        assertThat(budgets.iprev()).isEqualTo(CheckBudgets.DEFAULT_IPREV.plus(CheckBudgets.MARGIN));
        // DMARC waits for SPF and DKIM: the message's deadline is the sum, never shorter than SPF's own budget
        assertThat(checker.deadline()).isEqualTo(Duration.ofSeconds(25 + 15));
        assertThat(checker.deadline()).isGreaterThan(SpfOptions.DEFAULT_TIMEOUT);
        assertThat(new CheckBudgets(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(9),
                Duration.ofSeconds(3), Duration.ofSeconds(4)).overall()).isEqualTo(Duration.ofSeconds(9));
    }
}
