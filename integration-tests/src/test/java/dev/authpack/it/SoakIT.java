package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.FaultMix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Soak with DNS faults (issue 9, item 8; docs/soak.md): several SMTP connections send a mix of mail
 * ({@link SoakCategory}: plain, DKIM-signed, ARC-sealed, hostile header fields, each with forged
 * {@code Authentication-Results} claiming our authserv-id) through a real James for a while, as the loopback DNS
 * server drops, SERVFAILs, truncates and delays the answers for some domains. Then:
 * <ul>
 *   <li>no message lost: every message James accepted is in exactly one repository, all within a bound;</li>
 *   <li>each delivered (or DMARC-routed) mail has exactly one field of ours, on top, no forged one, the upstream
 *       field it came with, and results its category allows (a dropped domain gives temperror, never pass);</li>
 *   <li>the spool is idle and no thread is left in the pack's code (thread dumps of this JVM).</li>
 * </ul>
 * About 25 s of traffic by default (the CI run); {@code -Dsoak.minutes=10} for the long run. Figures go to the log
 * and to {@code target/soak-report.txt}.
 */
class SoakIT {
    private static final Logger LOG = LoggerFactory.getLogger(SoakIT.class);
    private static final SoakSettings SETTINGS = SoakSettings.fromSystemProperties();

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(SoakCategory.zone())
            .zoneFile(Locations.confSamples().resolve("arc/arc.zone"))
            .placeholder("DNS_TIMEOUT", String.valueOf(SETTINGS.dnsTimeout().toMillis()))
            .edit("mailetcontainer.xml", SoakIT::soakPipeline));

    @TempDir
    static Path tmp;
    private static SoakMessages.Templates templates;

    /**
     * The sample pipeline with the DMARC routing of the DMARC tests, and without LocalDelivery: the copy in
     * {@code delivered} is the end of local delivery (the mailboxes of a memory server would grow for ten minutes).
     */
    static String soakPipeline(String xml) {
        String localDelivery = "<mailet match=\"All\" class=\"LocalDelivery\"/>";
        String passThrough = "<passThrough>true</passThrough>";
        assertThat(xml).contains(localDelivery, passThrough);
        return DmarcRouting.withRules(xml.replace(localDelivery, "")
                .replace(passThrough, "<passThrough>false</passThrough>"));
    }

    /** Keys made by the JDK, messages signed and sealed by the real bin/authpack (two processes at once). */
    @BeforeAll
    static void signTemplates() throws Exception {
        DkimTestKey ok = DkimTestKey.rsa(tmp, SoakCategory.DKIM_OK.domain(), "soak-rsa");
        DkimTestKey chaos = DkimTestKey.ed25519(tmp, SoakCategory.DKIM_CHAOS.domain(), "soak-ed");
        JAMES.dns().addZone(ok.zoneLine() + chaos.zoneLine());
        ExecutorService cli = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<String> okSigned = CompletableFuture.supplyAsync(() -> sign(ok), cli);
            CompletableFuture<String> chaosSigned = CompletableFuture.supplyAsync(() -> sign(chaos), cli);
            String sealed = seal(okSigned.get());
            templates = new SoakMessages.Templates(okSigned.get(), chaosSigned.get(), sealed);
        } finally {
            cli.shutdownNow();
        }
    }

    private static String sign(DkimTestKey key) {
        Path unsigned = write("unsigned-" + key.selector(), SoakMessages.unsigned(key.domain()));
        String signed = AuthpackScript.run("dkim-sign", unsigned.toString(), "--domain", key.domain(),
                "--selector", key.selector(), "--key", key.pemFile().toString()).ok();
        assertThat(signed).startsWith("DKIM-Signature:");
        return signed;
    }

    private static String seal(String signed) {
        Path samples = Locations.confSamples();
        String from = SoakCategory.DKIM_OK.domain();
        String sealed = AuthpackScript.run("arc-seal", write("to-seal", signed).toString(),
                "--domain", ArcIT.SAMPLE_SEALER, "--selector", "arc2026",
                "--key", samples.resolve("arc/arc.james.test.rsa.pem").toString(),
                "--authserv-id", "lists.james.test",
                "--auth-results", "dkim=pass header.d=" + from + "; dmarc=pass header.from=" + from,
                "--dns-records", samples.resolve("arc/arc.zone").toString()).ok();
        assertThat(sealed).startsWith("ARC-Seal: i=1;");
        return sealed;
    }

    private static Path write(String name, String text) {
        try {
            return Files.writeString(tmp.resolve(name + ".eml"), text, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void mailSurvivesDnsFaultsUnderLoad() throws Exception {
        AuthpackJames james = JAMES.server();
        SoakCategory.injectFaults(james.dns(), SETTINGS.dnsTimeout());
        Map<FaultMix.Fault, Long> faultsBefore = james.dns().faultCounts();
        long udpBefore = james.dns().udpQueries();
        long tcpBefore = james.dns().tcpQueries();
        SoakLedger ledger = new SoakLedger();
        SoakRepositories repositories = new SoakRepositories(james, ledger);
        PackThreads threads = new PackThreads();
        List<Throwable> errors = new CopyOnWriteArrayList<>();

        long t0 = System.nanoTime();
        long deadline = t0 + SETTINGS.duration().toNanos();
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
        background.scheduleWithFixedDelay(() -> guarded(errors, repositories::drainOnce), 0,
                SoakSettings.DRAIN_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(threads::sample, 0, SoakSettings.SAMPLE_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        ExecutorService clients = Executors.newFixedThreadPool(SETTINGS.connections());
        List<Future<?>> running = new ArrayList<>();
        AtomicLong ids = new AtomicLong();
        SoakMessages messages = new SoakMessages(templates);
        for (int i = 0; i < SETTINGS.connections(); i++) {
            running.add(clients.submit(new SoakClient(james, ledger, messages, ids, SETTINGS.maxMessages(),
                    deadline, SETTINGS.maxInFlight(), SETTINGS.seed() + i)));
        }
        clients.shutdown();
        boolean clientsEnded = clients.awaitTermination(SETTINGS.duration().plus(SoakSettings.CLIENT_GRACE)
                .toMillis(), TimeUnit.MILLISECONDS);
        for (Future<?> f : running) {
            if (f.isDone()) {
                guarded(errors, f::get);
            }
        }
        clients.shutdownNow();
        long trafficNanos = System.nanoTime() - t0;
        background.shutdown();
        background.awaitTermination(SoakSettings.CLIENT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        background.shutdownNow();

        Duration drained = drain(ledger, repositories, errors);
        boolean spoolIdle = repositories.spoolIdle();
        Map<Long, String> stuck = PackThreads.stuck(SoakSettings.STUCK_DUMPS, SoakSettings.STUCK_INTERVAL_MILLIS);

        Map<FaultMix.Fault, Long> faults = new EnumMap<>(FaultMix.Fault.class);
        james.dns().faultCounts().forEach((f, n) -> faults.put(f, n - faultsBefore.getOrDefault(f, 0L)));
        String report = report(ledger, Duration.ofNanos(trafficNanos), drained, faults,
                james.dns().udpQueries() - udpBefore, james.dns().tcpQueries() - tcpBefore, threads, stuck);
        LOG.info("soak report\n{}", report);
        Files.writeString(Locations.workRoot().resolveSibling("soak-report.txt"), report, StandardCharsets.UTF_8);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(clientsEnded).as("SMTP clients ended within the run time and grace").isTrue();
        soft.assertThat(errors).as("errors of the clients and the repository reader").isEmpty();
        soft.assertThat(ledger.perCategory().keySet()).as("categories accepted")
                .containsAll(Arrays.stream(SoakCategory.values()).map(SoakCategory::label).toList());
        soft.assertThat(ledger.lost()).as("accepted messages in no repository after %s", drained).isEmpty();
        soft.assertThat(spoolIdle).as("spool idle at the end").isTrue();
        soft.assertThat(ledger.violations()).as("violations; examples:\n%s", ledger.examples()).isEmpty();
        long exactTotal = ledger.exactHits() + ledger.exactMisses();
        soft.assertThat(ledger.exactHits()).as("exact results where DNS answered (of %d)", exactTotal)
                .isGreaterThanOrEqualTo((long) Math.ceil(exactTotal * SoakSettings.MIN_EXACT_SHARE));
        for (FaultMix.Fault f : List.of(FaultMix.Fault.DROP, FaultMix.Fault.SERVFAIL, FaultMix.Fault.TRUNCATE,
                FaultMix.Fault.DELAY)) {
            soft.assertThat(faults.get(f)).as("faults injected: " + f).isPositive();
        }
        soft.assertThat(stuck).as("threads left in the pack's code").isEmpty();
        soft.assertAll();
    }

    /** Reads the repositories until every accepted message is found and the spool is idle, or the bound passes. */
    private static Duration drain(SoakLedger ledger, SoakRepositories repositories, List<Throwable> errors)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + SoakSettings.DRAIN_BOUND.toNanos();
        do {
            guarded(errors, repositories::drainOnce);
            if (ledger.lost().isEmpty() && repositories.spoolIdle()) {
                break;
            }
            Thread.sleep(SoakSettings.DRAIN_INTERVAL_MILLIS);
        } while (System.nanoTime() < deadline);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Runs a step of a background task; a failure is kept for the assertions instead of vanishing. */
    private static void guarded(List<Throwable> errors, Callable<?> step) {
        try {
            step.call();
        } catch (ExecutionException e) {
            errors.add(e.getCause());
        } catch (Exception | AssertionError e) {
            errors.add(e);
        }
    }

    private static String report(SoakLedger ledger, Duration traffic, Duration drained,
                                 Map<FaultMix.Fault, Long> faults, long udp, long tcp, PackThreads threads,
                                 Map<Long, String> stuck) {
        double seconds = traffic.toMillis() / 1000.0;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "settings: %s%n", SETTINGS));
        s.append(String.format(Locale.ROOT,
                "traffic: %.1f s, %d SMTP connections, %d messages submitted, %d accepted (%.1f/s), %d refused, "
                        + "%d without a reply to DATA%n", seconds, ledger.connectionCount(), ledger.submittedCount(),
                ledger.acceptedCount(), ledger.acceptedCount() / Math.max(seconds, 0.001), ledger.refusedCount(),
                ledger.unknownCount()));
        s.append("lost: ").append(ledger.lost().size()).append(" (drained in ").append(drained.toMillis())
                .append(" ms after the traffic)\n");
        s.append("repositories: ").append(ledger.repositories()).append('\n');
        s.append("accepted per category: ").append(ledger.perCategory()).append('\n');
        s.append("DNS: ").append(udp).append(" UDP and ").append(tcp).append(" TCP queries; faults injected: ")
                .append(faults).append('\n');
        s.append("exact results where DNS answered: ").append(ledger.exactHits()).append(" of ")
                .append(ledger.exactHits() + ledger.exactMisses()).append('\n');
        s.append("results: ").append(ledger.results()).append('\n');
        s.append("violations: ").append(ledger.violations()).append('\n');
        s.append("threads in pack code: at most ").append(threads.mostAtOnce()).append(" at once; longest seen ")
                .append(threads.longestMillis()).append(" ms; left at the end: ").append(stuck.size()).append('\n');
        stuck.values().forEach(t -> s.append(t).append('\n'));
        String examples = ledger.examples();
        if (!examples.isEmpty()) {
            s.append("examples:\n").append(examples);
        }
        return s.toString();
    }
}
