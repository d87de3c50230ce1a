package dev.authpack.james;

import dev.authpack.arc.ArcVerifier;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckBudgets;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckRun;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfStatus;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PendingChecksTest {
    static final CheckOptions SPF_ONLY = new CheckOptions(false, true, false, false, false, false, Set.of());
    static final String ZONE = """
            $ORIGIN .
            $TTL 300
            ok.example. IN TXT "v=spf1 ip4:192.0.2.1 -all"
            """;

    /** A resolver that never answers: its runs end only when cut off (or past their budgets). */
    static final class Silent implements DnsResolver {
        final List<CompletableFuture<?>> asked = new CopyOnWriteArrayList<>();

        private <T> CompletableFuture<DnsLookup<T>> never() {
            CompletableFuture<DnsLookup<T>> f = new CompletableFuture<>();
            asked.add(f);
            return f;
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String name) { return never(); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String name) { return never(); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) { return never(); }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String name) { return never(); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) { return never(); }
    }

    static MailAuthChecker checker(DnsResolver dns) {
        return new MailAuthChecker(new SpfChecker(dns), new IprevChecker(dns), new DkimVerifier(dns),
                new DmarcEvaluator(dns), new ArcVerifier(dns), CheckBudgets.all(Duration.ofSeconds(30)));
    }

    static Envelope envelope() throws Exception {
        return new Envelope(InetAddress.getByName("192.0.2.1"), "mx.ok.example", "a@ok.example",
                List.of("b@example.net"), Optional.empty());
    }

    /** A run over a resolver that never answers. */
    static CheckRun unanswered() throws Exception {
        return checker(new Silent()).start(envelope(), null, SPF_ONLY);
    }

    /** A run answered at once from the zone: SPF pass. */
    static CheckRun answered() throws Exception {
        return checker(new ZoneFileResolver(ZONE)).start(envelope(), null, SPF_ONLY);
    }

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger serial = new AtomicInteger();

    private PendingChecks table(int capacity) {
        return new PendingChecks(capacity, now::get, () -> "t" + serial.incrementAndGet());
    }

    @Test
    void aRunIsTakenOnceWithItsReportAndOnlyWithItsCheckKey() throws Exception {
        PendingChecks table = table(4);
        String token = table.put("k", answered(), Duration.ofSeconds(5)).orElseThrow();
        assertThat(table.take(token, "other key")).isEmpty();
        assertThat(table.size()).isEqualTo(1);
        AuthCheckReport report = table.take(token, "k").orElseThrow();
        assertThat(report.spf().orElseThrow().status()).isEqualTo(SpfStatus.PASS);
        assertThat(table.take(token, "k")).isEmpty();
        assertThat(table.take("never put", "k")).isEmpty();
        assertThat(table.size()).isZero();
    }

    @Test
    void anUnfinishedRunIsAwaitedUntilItsDeadlineThenCutOff() throws Exception {
        PendingChecks table = new PendingChecks(4, System::nanoTime, () -> "t" + serial.incrementAndGet());
        CheckRun run = unanswered();
        String token = table.put("k", run, Duration.ofMillis(150)).orElseThrow();
        long start = System.nanoTime();
        AuthCheckReport report = table.take(token, "k").orElseThrow();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(report.spf().orElseThrow().status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(run.report()).isDone();
    }

    @Test
    void theTableIsBoundedAndRefusesWhenFullOfLiveEntries() throws Exception {
        PendingChecks table = table(3);
        for (int i = 0; i < 3; i++) {
            assertThat(table.put("k", unanswered(), Duration.ofSeconds(5))).isPresent();
        }
        CheckRun refused = unanswered();
        assertThat(table.put("k", refused, Duration.ofSeconds(5))).isEmpty();
        assertThat(table.size()).isEqualTo(3);
        // refused runs are left to the caller, untouched
        assertThat(refused.report()).isNotDone();
        assertThat(PendingChecks.MAX_PENDING).isEqualTo(4096);
        assertThatThrownBy(() -> new PendingChecks(0, now::get, () -> "t")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTableIsBoundedByTheOctetsOfItsUnfinishedRunsAsByItsCount() throws Exception {
        PendingChecks table = new PendingChecks(100, 1000, now::get, () -> "t" + serial.incrementAndGet());
        String first = table.put("k", unanswered(), Duration.ofSeconds(5), 600).orElseThrow();
        table.put("k", unanswered(), Duration.ofSeconds(5), 400).orElseThrow();
        assertThat(table.bytes()).isEqualTo(1000);
        // full by octets, far from full by count: refused, the run left to the caller untouched
        CheckRun refused = unanswered();
        assertThat(table.put("k", refused, Duration.ofSeconds(5), 1)).isEmpty();
        assertThat(refused.report()).isNotDone();
        // a run over no message still fits
        assertThat(table.put("k", unanswered(), Duration.ofSeconds(5))).isPresent();
        // taken: its octets are free again
        table.discard(first);
        assertThat(table.bytes()).isEqualTo(400);
        assertThat(table.put("k", unanswered(), Duration.ofSeconds(5), 600)).isPresent();
        // one message larger than the whole bound never fits
        PendingChecks empty = new PendingChecks(100, 1000, now::get, () -> "u" + serial.incrementAndGet());
        assertThat(empty.put("k", unanswered(), Duration.ofSeconds(5), 1001)).isEmpty();
        assertThat(empty.bytes()).isZero();
    }

    @Test
    void aFinishedRunAnExpiredOneAndATakenOneNoLongerCountTheirOctets() throws Exception {
        PendingChecks table = new PendingChecks(100, 1000, now::get, () -> "t" + serial.incrementAndGet());
        // finished at once: only its report is kept, its message no longer counts
        String done = table.put("k", answered(), Duration.ofSeconds(5), 900).orElseThrow();
        assertThat(table.bytes()).isZero();
        assertThat(table.size()).isEqualTo(1);
        String taken = table.put("k", unanswered(), Duration.ofSeconds(5), 500).orElseThrow();
        table.put("k", unanswered(), Duration.ofSeconds(1), 500).orElseThrow();
        assertThat(table.bytes()).isEqualTo(1000);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        // the expired entry is dropped to make room: its octets with it
        assertThat(table.put("k", unanswered(), Duration.ofSeconds(5), 500)).isPresent();
        assertThat(table.bytes()).isEqualTo(1000);
        // a taken run is the mailet's: cut off here at its deadline
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(table.take(taken, "k")).isEmpty();
        assertThat(table.take(done, "k")).isPresent();
        assertThat(table.bytes()).isEqualTo(500);
        assertThat(PendingChecks.MAX_BYTES).isPositive().isLessThanOrEqualTo(64L << 20)
                .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory() / 8);
        assertThat(PendingChecks.shared().maxBytes()).isEqualTo(PendingChecks.MAX_BYTES);
    }

    /**
     * Review s18: a run handed over with the octets it checked keeps them, finished or not, for the mail's message to
     * be compared with when it is taken; they count against the bound until the entry leaves the table (taken,
     * discarded, expired), so the bound on the heap holds as before.
     */
    @Test
    void aRunHandedOverWithItsMessageKeepsItCountedUntilTheEntryLeavesTheTable() throws Exception {
        PendingChecks table = new PendingChecks(100, 1000, now::get, () -> "t" + serial.incrementAndGet());
        byte[] message = new byte[600];
        String done = table.put("k", answered(), Duration.ofSeconds(5), message).orElseThrow();
        // finished at once, and still kept: its octets count
        assertThat(table.bytes()).isEqualTo(600);
        assertThat(table.message(done)).containsSame(message);
        assertThat(table.put("k", unanswered(), Duration.ofSeconds(5), new byte[401])).isEmpty();
        String discarded = table.put("k", unanswered(), Duration.ofSeconds(5), new byte[400]).orElseThrow();
        assertThat(table.bytes()).isEqualTo(1000);
        table.discard(discarded);
        assertThat(table.message(discarded)).isEmpty();
        assertThat(table.bytes()).isEqualTo(600);
        assertThat(table.take(done, "k")).isPresent();
        assertThat(table.message(done)).isEmpty();
        assertThat(table.bytes()).isZero();
        // expired: dropped with its octets
        table.put("k", answered(), Duration.ofSeconds(1), new byte[1000]).orElseThrow();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        String next = table.put("k", answered(), Duration.ofSeconds(5), new byte[1000]).orElseThrow();
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.bytes()).isEqualTo(1000);
        // a run handed over without its octets has none to compare with
        assertThat(table.message(table.put("k", answered(), Duration.ofSeconds(5), 0).orElseThrow())).isEmpty();
        assertThat(table.message("never put")).isEmpty();
        assertThat(table.message(next)).isPresent();
    }

    @Test
    void expiredEntriesAreDroppedAndTheirRunsCutOff() throws Exception {
        PendingChecks table = table(2);
        CheckRun first = unanswered();
        CheckRun second = unanswered();
        String a = table.put("k", first, Duration.ofSeconds(1)).orElseThrow();
        table.put("k", second, Duration.ofSeconds(10)).orElseThrow();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        // a put drops the expired one (room again) and cuts its run off; the live one stays
        CheckRun third = unanswered();
        assertThat(table.put("k", third, Duration.ofSeconds(10))).isPresent();
        assertThat(first.report()).isDone();
        assertThat(first.report().join().spf().orElseThrow().status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(second.report()).isNotDone();
        assertThat(table.take(a, "k")).isEmpty();
        assertThat(table.size()).isEqualTo(2);
        // an expired entry is not given out even before a put drops it
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(table.take("t2", "k")).isEmpty();
        assertThat(second.report()).isDone();
    }

    @Test
    void aFinishedRunIsGivenOutEvenWhenTakenAfterItsDeadline() throws Exception {
        // a spool far behind takes the report late: it is done, so it is used rather than checked all over again
        PendingChecks table = table(2);
        String token = table.put("k", answered(), Duration.ofSeconds(1)).orElseThrow();
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(table.take(token, "k")).hasValueSatisfying(
                r -> assertThat(r.spf().orElseThrow().status()).isEqualTo(SpfStatus.PASS));
        assertThat(table.size()).isZero();
    }

    @Test
    void aDiscardedRunLeavesTheTableAndIsCutOff() throws Exception {
        PendingChecks table = table(2);
        CheckRun run = unanswered();
        String token = table.put("k", run, Duration.ofSeconds(10)).orElseThrow();
        table.discard(token);
        assertThat(table.size()).isZero();
        assertThat(run.report()).isDone();
        assertThat(table.take(token, "k")).isEmpty();
        table.discard("no such token");
    }

    @Test
    void aFullTableDropsExpiredEntriesAnywhereBeforeRefusing() throws Exception {
        PendingChecks table = table(2);
        table.put("k", unanswered(), Duration.ofSeconds(10)).orElseThrow();
        CheckRun shortLived = unanswered();
        table.put("k", shortLived, Duration.ofSeconds(1)).orElseThrow();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        // the oldest is alive, the expired one is behind it
        assertThat(table.put("k", unanswered(), Duration.ofSeconds(10))).isPresent();
        assertThat(shortLived.report()).isDone();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void aTokenInUseIsNeverGivenTwiceAndTokenTriesAreBounded() throws Exception {
        PendingChecks same = new PendingChecks(4, now::get, () -> "same");
        assertThat(same.put("k", answered(), Duration.ofSeconds(5))).contains("same");
        assertThat(same.put("k", answered(), Duration.ofSeconds(5))).isEmpty();
        AtomicInteger tries = new AtomicInteger();
        PendingChecks counting = new PendingChecks(4, now::get, () -> {
            tries.incrementAndGet();
            return "x";
        });
        counting.put("k", answered(), Duration.ofSeconds(5));
        tries.set(0);
        assertThat(counting.put("k", answered(), Duration.ofSeconds(5))).isEmpty();
        assertThat(tries).hasValue(PendingChecks.TOKEN_TRIES);
    }

    @Test
    void sharedTokensAre128RandomBits() throws Exception {
        Set<String> tokens = new HashSet<>();
        PendingChecks shared = PendingChecks.shared();
        for (int i = 0; i < 50; i++) {
            String token = shared.put("test-key", answered(), Duration.ofSeconds(5)).orElseThrow();
            assertThat(token).matches("[A-Za-z0-9_-]{22}");
            tokens.add(token);
            assertThat(shared.take(token, "test-key")).isPresent();
        }
        assertThat(tokens).hasSize(50);
        assertThat(PendingChecks.TOKEN_OCTETS * 8).isEqualTo(128);
    }

    @Test
    void concurrentPutsAndTakesLoseNothingAndTakeEachOnce() throws Exception {
        PendingChecks table = new PendingChecks(PendingChecks.MAX_PENDING, System::nanoTime,
                () -> "t" + serial.incrementAndGet());
        int perThread = 200;
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
        try {
            java.util.concurrent.BlockingQueue<String> tokens = new java.util.concurrent.LinkedBlockingQueue<>();
            Set<String> taken = ConcurrentHashMap.newKeySet();
            AtomicInteger takenTwice = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                work.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        tokens.add(table.put("k", answered(), Duration.ofSeconds(30)).orElseThrow());
                    }
                    return null;
                }));
                work.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        String token = tokens.poll(10, TimeUnit.SECONDS);
                        assertThat(token).isNotNull();
                        assertThat(table.take(token, "k")).isPresent();
                        if (!taken.add(token)) {
                            takenTwice.incrementAndGet();
                        }
                        assertThat(table.take(token, "k")).isEmpty();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : work) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(taken).hasSize(threads * perThread);
            assertThat(takenTwice).hasValue(0);
            assertThat(table.size()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptedTakeCutsTheRunOff() throws Exception {
        PendingChecks table = table(2);
        CheckRun run = unanswered();
        String token = table.put("k", run, Duration.ofSeconds(30)).orElseThrow();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> table.take(token, "k")).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(run.report()).isDone();
        assertThat(table.size()).isZero();
    }
}
