package dev.authpack.bench.james;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * James' delivery rate with the pack and without it, end to end (docs/benchmarks.md, "James end to end"): two
 * in-process James 3.8.1 servers, one with the sample configuration ({@code conf-samples/james}) and one with the
 * pack's lines taken out (mailets, matcher, hook, module: {@code AuthpackJames.Builder#withoutPack}), the same
 * spool thread count; SMTP clients on loopback send DKIM-signed newsletters of about 10 KB whose SPF, iprev, DKIM
 * and DMARC all pass; rounds alternate between the servers (or, {@code --schedule together}, load all at once),
 * and each round's rates and ratios are printed, then the medians with their intervals ({@link RoundLog}).
 * Variants: warm DNS (a few sender domains, cached after the first message) and cold DNS (a distinct sender domain
 * per message, records expired by the time the domain comes back, every DNS answer {@code --dns-delay-ms} late).
 *
 * <p>Each James runs in a JVM of its own ({@link BenchServer}); this one sends, counts, and runs each James' DNS
 * server (so that the CPU time measured in a James JVM is James' and the pack's alone).
 * Run with {@code bin/bench-james}; {@code --help} lists the options ({@link BenchOptions#USAGE}).
 */
public final class JamesEndToEnd {
    /** The recipients' domain, local in the sample configuration. */
    static final String LOCAL_DOMAIN = "james.test";
    static final String HELO = "mail.spf-pass.example";
    static final String SERVER_ID = "mx.james.test";
    static final String SELECTOR = "bench";
    static final String NO_PACK = "no pack";
    /** The pack from {@code --baseline-jars}: another build of the pack, for before/after in one run. */
    static final String BASELINE = "baseline";
    /** Warm variant: this many sender domains, records cached (TTL one hour). */
    static final int WARM_DOMAINS = 4;
    static final int WARM_TTL = 3_600;
    /**
     * Cold variant: records live one second, and a domain comes back only after {@code --cold-domains} other
     * messages (2,000 by default: more than 2 s later at the rates measured, up to 900 messages a second; until
     * session 7 it was 500, under a second once the rates passed 500 a second, so part of the answers were still
     * cached: 1.7–2.8 queries a message instead of 3), so every message finds its domain's answers expired, while
     * the lookups of one message still share their answers, as with any real domain not seen for a while.
     */
    static final int COLD_TTL = 1;
    /**
     * Longest stretch of warm-up load between two resets (delivered repository and mailboxes emptied): James'
     * memory stores keep every message, so an unemptied multi-minute warm-up would fill the heap (docs/benchmarks.md).
     */
    static final Duration WARMUP_SLICE = Duration.ofSeconds(20);

    private JamesEndToEnd() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage().isEmpty() ? BenchOptions.USAGE : e.getMessage() + "\n" + BenchOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        DkimRsaSigner signer = DkimRsaSigner.withNewKey(SELECTOR);
        StringBuilder zone = new StringBuilder();
        for (int i = 0; i < WARM_DOMAINS; i++) {
            zone.append(BenchZone.records(warmDomain(i), signer, WARM_TTL));
        }
        for (int i = 0; i < options.coldDomains(); i++) {
            zone.append(BenchZone.records(coldDomain(i), signer, COLD_TTL));
        }
        System.out.printf(Locale.ROOT, "James end to end: %d connections, %d spool threads, window %d warm / %d cold,"
                        + " %d rounds of %d s (%s; warm-up %d s), cold DNS delay %d ms, session hook %s,"
                        + " SMTP IO threads %s, mailbox thread ids %s; %s%n",
                options.connections(), options.effectiveSpoolThreads(), options.effectiveWindow("warm"),
                options.effectiveWindow("cold"), options.rounds(), options.round().toSeconds(),
                options.schedule().equals(BenchOptions.TOGETHER) ? "all servers at once" : "servers in turn",
                options.warmup().toSeconds(), options.dnsDelay().toMillis(), String.join(",", options.sessionHooks()),
                options.ioWorkers() == 0 ? "James' default" : String.valueOf(options.ioWorkers()), options.threadIds(),
                load());
        Path zoneFile = Files.createTempFile("bench-james", ".zone");
        Files.writeString(zoneFile, zone);
        Map<String, MessagePool> pools = new LinkedHashMap<>();
        for (String variant : options.variants()) {
            pools.put(variant, pool(variant, signer, options));
        }
        Map<String, RoundLog> pooled = new LinkedHashMap<>();
        try {
            for (int fork = 1; fork <= options.forks(); fork++) {
                if (options.forks() > 1) {
                    System.out.printf(Locale.ROOT, "%n=== JVM pair %d of %d%n", fork, options.forks());
                }
                List<BenchServer> servers = new ArrayList<>();
                try {
                    startServers(servers, zoneFile, options);
                    for (String variant : options.variants()) {
                        MessagePool pool = pools.get(variant);
                        boolean cold = variant.equals("cold");
                        for (BenchServer s : servers) {
                            s.answerDelay(cold ? options.dnsDelay() : Duration.ZERO);
                            check(s, pool);
                        }
                        System.out.printf(Locale.ROOT, "%n== %s DNS: %d messages of %d octets on average, %s%n",
                                variant, pool.size(), pool.averageSize(), cold ? options.coldDomains()
                                        + " sender domains (TTL " + COLD_TTL + " s), answers "
                                        + options.dnsDelay().toMillis() + " ms late"
                                        : WARM_DOMAINS + " sender domains, cached");
                        pooled.computeIfAbsent(variant, k -> new RoundLog()).addAll(run(servers, pool, options));
                    }
                } finally {
                    servers.forEach(BenchServer::close);
                }
            }
            if (options.forks() > 1) {
                for (Map.Entry<String, RoundLog> e : pooled.entrySet()) {
                    System.out.printf(Locale.ROOT, "%n== %s DNS, the %d rounds of all %d JVM pairs pooled%n",
                            e.getKey(), e.getValue().rounds(), options.forks());
                    e.getValue().print(e.getKey() + " pooled", options.runs("nopack") ? NO_PACK : null,
                            options.effectiveWindow(e.getKey()));
                }
            }
        } finally {
            Files.deleteIfExists(zoneFile);
        }
    }

    /** The servers {@code options} ask for, added to {@code servers} as they start (so all are closed on failure). */
    private static void startServers(List<BenchServer> servers, Path zoneFile, BenchOptions options)
            throws IOException {
        BenchServer.Setup setup = BenchServer.Setup.of(options);
        if (options.runs("pack")) {
            for (String hook : options.sessionHooks()) {
                servers.add(BenchServer.start(SessionHookBench.serverName(hook), false, zoneFile, setup, null, hook,
                        1));
            }
        }
        if (options.runs("nopack")) {
            servers.add(BenchServer.start(NO_PACK, true, zoneFile, setup, null, "none", 0));
        }
        if (options.baselineJars() != null) {
            // configured as the first pack server (its session hook too), only the JAR differs
            servers.add(BenchServer.start(BASELINE, false, zoneFile, setup, options.baselineJars(),
                    options.sessionHooks().get(0), options.baselineChecks()));
        }
    }

    /** Recipient {@code i}: {@code reader<i>@james.test}. */
    static String recipient(int i) {
        return "reader" + i + "@" + LOCAL_DOMAIN;
    }

    static String warmDomain(int i) {
        return "news" + i + ".warm.example";
    }

    static String coldDomain(int i) {
        return "list" + i + ".cold.example";
    }

    private static MessagePool pool(String variant, DkimRsaSigner signer, BenchOptions options) {
        boolean cold = variant.equals("cold");
        List<MessagePool.Prepared> messages = new ArrayList<>();
        for (int n = 0; n < options.messages(); n++) {
            String domain = cold ? coldDomain(n % options.coldDomains()) : warmDomain(n % WARM_DOMAINS);
            String recipient = recipient(n % options.mailboxes());
            String signed = signer.sign(Newsletter.text(domain, recipient, n), domain);
            messages.add(new MessagePool.Prepared("bounces+" + n + "@" + domain, recipient,
                    SmtpConnection.dataOctets(signed)));
        }
        return new MessagePool(variant, messages);
    }

    /**
     * One message through each server before measuring: the pack's copy must say spf, dkim, dmarc and iprev
     * {@code pass}, the other must carry no field of ours; else the figures would measure something else.
     */
    private static void check(BenchServer server, MessagePool pool) throws Exception {
        server.reset();
        MessagePool.Prepared m = pool.next();
        try (SmtpConnection c = new SmtpConnection(server.smtpPort(), HELO)) {
            int code = c.send(m.mailFrom(), m.recipient(), m.data());
            if (code != 250) {
                throw new IllegalStateException(server.name() + ": check message refused with " + code);
            }
        }
        String header = server.firstDeliveredHeader();
        boolean ours = header.contains("Authentication-Results: " + SERVER_ID + ";");
        if (!server.name().equals(NO_PACK)) {
            for (String result : List.of("dkim=pass", "spf=pass", "dmarc=pass", "iprev=pass")) {
                if (!ours || !header.contains(result)) {
                    throw new IllegalStateException(server.name() + ": the check message has no " + result + ":\n" + header);
                }
            }
        } else if (ours) {
            throw new IllegalStateException("no pack: the check message carries our field:\n" + header);
        }
        server.reset();
    }

    /** The variant's warm-up and rounds on these servers: prints each round and the summary, returns the rounds. */
    private static RoundLog run(List<BenchServer> servers, MessagePool pool, BenchOptions options) throws Exception {
        if (!options.warmup().isZero()) {
            warmUp(servers, pool, options);
        }
        String loadBefore = load();
        Duration dnsCpuBefore = dnsServerCpu();
        long dnsQueriesBefore = servers.stream().mapToLong(BenchServer::dnsQueries).sum();
        BenchServer reference = servers.stream().filter(s -> s.name().equals(NO_PACK)).findFirst().orElse(null);
        RoundLog log = new RoundLog();
        boolean together = options.schedule().equals(BenchOptions.TOGETHER);
        for (int round = 1; round <= options.rounds(); round++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %2d:", round));
            List<BenchServer> order = new ArrayList<>(servers);
            if (round % 2 == 0) {
                Collections.reverse(order); // A B, B A, ...: a drift in the machine's load favours neither
            }
            Map<String, Measured> measured = together ? measureTogether(order, pool, options)
                    : measureInTurn(order, pool, options);
            for (BenchServer s : order) {
                Measured m = measured.get(s.name());
                LoadRound.Result result = m.result();
                log.add(s.name(), m);
                line.append(String.format(Locale.ROOT, "  %s %6.1f msg/s (%d in %.1f s, cpu %.2f ms/msg, dns %.1f q/msg,"
                                + " in flight %.1f x %.1f ms%s)",
                        s.name(), result.rate(), result.accepted(), result.seconds(), m.cpuPerMessage(),
                        m.queriesPerMessage(), result.meanInFlight(), result.millisInFlight(),
                        result.refused() + result.errors() > 0
                                ? ", " + result.refused() + " refused, " + result.errors() + " in error" : ""));
            }
            if (reference != null) {
                Measured base = measured.get(reference.name());
                for (BenchServer s : servers) {
                    if (s != reference) {
                        Measured m = measured.get(s.name());
                        double ratio = m.result().rate() / base.result().rate();
                        double cpuRatio = base.cpuPerMessage() / m.cpuPerMessage();
                        log.addRatios(s.name(), ratio, cpuRatio);
                        line.append(String.format(Locale.ROOT, "  %s ratio %.3f (cpu %.3f)", s.name(), ratio,
                                cpuRatio));
                    }
                }
            }
            log.roundDone();
            System.out.println(line);
        }
        log.print(pool.name(), reference == null ? null : reference.name(), options.effectiveWindow(pool.name()));
        long queries = servers.stream().mapToLong(BenchServer::dnsQueries).sum() - dnsQueriesBefore;
        if (queries > 0) {
            System.out.printf(Locale.ROOT, "%s DNS servers (in the driver's JVM, not counted above): %d queries in the"
                            + " rounds, cpu %.1f us/query%n", pool.name(), queries,
                    dnsServerCpu().minus(dnsCpuBefore).toNanos() / 1e3 / queries);
        }
        System.out.println("load average before / after the rounds: " + loadBefore + " / " + load());
        return log;
    }

    /**
     * One server's round: its result, and per accepted message its JVM's CPU time, the same by thread group, how
     * often each group's threads were put on a CPU, and the DNS queries its DNS server got.
     */
    record Measured(LoadRound.Result result, double cpuPerMessage, Map<String, Double> cpuByGroup,
                    Map<String, Double> runsByGroup, double queriesPerMessage) {
    }

    /** {@link BenchOptions#ALTERNATE}: each server in turn, each emptied right after its round. */
    private static Map<String, Measured> measureInTurn(List<BenchServer> order, MessagePool pool,
                                                       BenchOptions options) throws Exception {
        Map<String, Measured> measured = new LinkedHashMap<>();
        for (BenchServer s : order) {
            measured.put(s.name(), measure(s, pool, options));
            s.reset();
        }
        return measured;
    }

    /**
     * {@link BenchOptions#TOGETHER}: every server's round at once, each on a thread of its own with its own clients
     * and window; the servers are emptied once all rounds are over, so no reset falls into another's round.
     */
    private static Map<String, Measured> measureTogether(List<BenchServer> order, MessagePool pool,
                                                         BenchOptions options) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(order.size(), r -> {
            Thread t = new Thread(r, "bench-round");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<Measured>> running = new LinkedHashMap<>();
            for (BenchServer s : order) {
                running.put(s.name(), executor.submit(() -> measure(s, pool, options)));
            }
            Map<String, Measured> measured = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Measured>> e : running.entrySet()) {
                try {
                    measured.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException failed) {
                    throw failed.getCause() instanceof Exception cause ? cause : failed;
                }
            }
            for (BenchServer s : order) {
                s.reset();
            }
            return measured;
        } finally {
            executor.shutdownNow();
        }
    }

    private static Measured measure(BenchServer s, MessagePool pool, BenchOptions options) throws Exception {
        Duration cpuBefore = s.cpuTime();
        Map<String, Long> groupsBefore = s.cpuByThreadGroup();
        Map<String, Long> runsBefore = s.runsByThreadGroup();
        long queriesBefore = s.dnsQueries();
        LoadRound.Result result = LoadRound.run(s, pool, HELO, options.connections(),
                options.effectiveWindow(pool.name()), options.round());
        double accepted = Math.max(1, result.accepted());
        double cpuPerMessage = (s.cpuTime().minus(cpuBefore).toNanos() / 1e6) / accepted;
        Map<String, Double> cpuByGroup = new LinkedHashMap<>();
        ThreadGroupCpu.minus(s.cpuByThreadGroup(), groupsBefore).forEach((group, ms) -> cpuByGroup.put(group,
                ms / accepted));
        Map<String, Double> runsByGroup = new LinkedHashMap<>();
        ThreadGroupCpu.minus(s.runsByThreadGroup(), runsBefore).forEach((group, n) -> runsByGroup.put(group,
                n / accepted));
        return new Measured(result, cpuPerMessage, cpuByGroup, runsByGroup,
                (s.dnsQueries() - queriesBefore) / accepted);
    }

    /**
     * The unmeasured warm-up: {@code --warmup} of load per server, in two halves, the second in reverse order
     * (A B C, C B A): on a machine whose load drifts, the server warmed first would otherwise see fewer messages
     * (the JIT warms by messages, not seconds). Each half is sent in slices of at most {@link #WARMUP_SLICE}, the
     * server emptied after each, so that memory stays flat however long the warm-up. Prints each half's messages
     * and CPU time per message per server: when the second half's is no lower than the first's, the JIT has settled.
     */
    private static void warmUp(List<BenchServer> servers, MessagePool pool, BenchOptions options) throws Exception {
        Map<String, Long> warmed = new LinkedHashMap<>();
        for (int half = 1; half <= 2; half++) {
            List<BenchServer> order = new ArrayList<>(servers);
            if (half == 2) {
                Collections.reverse(order);
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "warm-up, half %d:", half));
            for (BenchServer s : order) {
                long accepted = 0;
                Duration cpu = Duration.ZERO;
                for (Duration slice : slices(options.warmup().dividedBy(2), WARMUP_SLICE)) {
                    Duration cpuBefore = s.cpuTime();
                    accepted += LoadRound.run(s, pool, HELO, options.connections(),
                            options.effectiveWindow(pool.name()), slice).accepted();
                    cpu = cpu.plus(s.cpuTime().minus(cpuBefore)); // the load only, not the reset after it
                    s.reset();
                }
                warmed.merge(s.name(), accepted, Long::sum);
                line.append(String.format(Locale.ROOT, "  %s %d msg, cpu %.2f ms/msg", s.name(), accepted,
                        cpu.toNanos() / 1e6 / Math.max(1, accepted)));
            }
            System.out.println(line);
        }
        // for a profile of the whole run: messages per server before the rounds
        warmed.forEach((name, count) -> System.out.printf(Locale.ROOT, "warm-up: %s %d messages%n", name, count));
    }

    /**
     * The median CPU ms per message of each thread group, per server (groups under 0.01 ms everywhere left out),
     * with each server's difference from {@code reference}: where the pack's extra CPU goes.
     */
    /**
     * Medians by thread group per server, and each server's difference from {@code reference}; groups below
     * {@code least} in every server are left out.
     */
    static void printThreadGroups(String title, Map<String, Map<String, List<Double>>> groups, String reference,
                                  double least, String format) {
        if (groups.values().stream().allMatch(Map::isEmpty)) {
            return;
        }
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        java.util.Set<String> names = new java.util.TreeSet<>();
        groups.forEach((server, byGroup) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            byGroup.forEach((group, values) -> m.put(group, median(values)));
            medians.put(server, m);
            names.addAll(byGroup.keySet());
        });
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%s; the difference from %s in brackets):%n", title, reference == null ? "nothing" : reference));
        for (String group : names) {
            if (medians.values().stream().allMatch(m -> m.getOrDefault(group, 0.0) < least)) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "  %-18s", group));
            double base = reference == null ? 0 : medians.getOrDefault(reference, Map.of()).getOrDefault(group, 0.0);
            medians.forEach((server, m) -> {
                double v = m.getOrDefault(group, 0.0);
                out.append(String.format(Locale.ROOT, "  %s " + format, server, v));
                if (reference != null && !server.equals(reference)) {
                    out.append(String.format(Locale.ROOT, " (" + format.replace("%", "%+") + ")", v - base));
                }
            });
            out.append(System.lineSeparator());
        }
        System.out.print(out);
    }

    /** {@code total} cut into consecutive pieces of at most {@code slice} (none for zero). */
    static List<Duration> slices(Duration total, Duration slice) {
        List<Duration> pieces = new ArrayList<>();
        for (Duration left = total; left.compareTo(Duration.ZERO) > 0; left = left.minus(slice)) {
            pieces.add(left.compareTo(slice) < 0 ? left : slice);
        }
        return pieces;
    }

    static double median(List<Double> values) {
        return MedianInterval.of(values).median();
    }

    /**
     * CPU time so far of this JVM's live DNS server threads ({@code loopback-dns-*}: UDP, TCP, delayed answers), what
     * a James JVM paid when its DNS server ran inside it; zero where the JVM does not measure thread CPU time.
     */
    static Duration dnsServerCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return Duration.ZERO;
        }
        long nanos = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("loopback-dns-")) {
                nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return Duration.ofNanos(nanos);
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them. */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load " + String.join(" ", Arrays.copyOf(parts, 3));
        } catch (IOException | RuntimeException e) {
            return "load unknown";
        }
    }
}
