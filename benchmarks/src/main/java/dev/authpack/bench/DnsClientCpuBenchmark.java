package dev.authpack.bench;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsjavaResolver;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DNS client's CPU per query (issue 11): {@code queries} cold A lookups through the network client alone
 * ({@link DnsjavaResolver}, no cache: every name is new), at most {@code inFlight} at once, against testkit's
 * {@link LoopbackDnsServer} in the same JVM answering each one {@code delayMillis} late, so every query really
 * waits for its answer as it does in a mail server. The CPU of every Java thread is read before and after each
 * round (thread CPU time, user and system) and summed by thread group: the client's I/O threads
 * ({@code authpack-dns-io}; a loopback server's shared socket's readers, {@code authpack-dns-loopback}), the caller ({@code main}: builds the query, hands it over), the responder
 * ({@code loopback-dns-*}, not the client's cost), and the rest of the process (GC, JIT: process CPU less the
 * Java threads). Prints the median over the rounds of each group's CPU per query. Not a JMH benchmark: JMH times
 * the calling thread, most of this cost is on other threads. Run by hand (docs/benchmarks.md, "Session 7").
 *
 * <p>Without build directories it compares, in one JVM, the client on the class path with a socket per query and
 * with the loopback server's shared socket (the responder is on loopback). To compare builds of the client in one JVM (the machine's load then weighs on both alike), name directories
 * of compiled core classes ({@code core/target/classes} of each build) after the four numbers: each round then
 * runs every build in turn, each loaded by its own class loader (the responder stays on the class path).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.authpack.bench.DnsClientCpuBenchmark [rounds] [queries] [inFlight] [delayMillis] [coreClassesDir...]</pre>
 */
public final class DnsClientCpuBenchmark {

    static final String ZONE = DnsLatencyBenchmark.ZONE;
    /** The client's budget per question: long enough that no query of the benchmark times out. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Thread groups, by name prefix, in the order printed; a thread matching none is counted in "other". */
    static final List<String> GROUPS = List.of("authpack-dns-io", "authpack-dns-loopback", "authpack-dns-deadlines",
            "main", "loopback-dns");
    /** The groups that are the client: its I/O threads, a shared loopback socket's readers, its timer, the caller. */
    static final List<String> CLIENT_GROUPS = List.of("authpack-dns-io", "authpack-dns-loopback",
            "authpack-dns-deadlines", "main");
    /** dev.authpack.dns.DnsTransport's switch for a loopback server's shared socket (a JVM system property). */
    static final String SHARED_LOOPBACK_PROPERTY = "authpack.dns.sharedLoopbackSocket";

    /** One build of the client: asks for a name's A records, completes with true when the answer has them. */
    interface Client {
        CompletableFuture<Boolean> a(String name);
    }

    private final LoopbackDnsServer server;
    private final AtomicLong names = new AtomicLong();

    DnsClientCpuBenchmark(Duration answerDelay) throws java.io.IOException {
        server = LoopbackDnsServer.builder().zoneText(DnsLatencyBenchmark.ZONE_TEXT).answerDelay(answerDelay).start();
    }

    /** The client on the class path. */
    Client client() {
        DnsResolver resolver = new DnsjavaResolver(List.of(server.address()), TIMEOUT);
        return name -> resolver.a(name).thenApply(lookup -> lookup.outcome() == DnsOutcome.RECORDS);
    }

    /**
     * The client on the class path with the loopback server's shared socket ({@code true}, the default) or a socket
     * per query ({@code false}), as the JVM property chooses when the resolver is made.
     */
    Client client(boolean sharedLoopbackSocket) {
        String before = System.getProperty(SHARED_LOOPBACK_PROPERTY);
        System.setProperty(SHARED_LOOPBACK_PROPERTY, Boolean.toString(sharedLoopbackSocket));
        try {
            return client();
        } finally {
            if (before == null) {
                System.clearProperty(SHARED_LOOPBACK_PROPERTY);
            } else {
                System.setProperty(SHARED_LOOPBACK_PROPERTY, before);
            }
        }
    }

    /** The client compiled into {@code coreClasses}, loaded by a class loader of its own (its classes first). */
    Client client(Path coreClasses) throws ReflectiveOperationException, java.io.IOException {
        ClassLoader loader = new URLClassLoader(new URL[] {coreClasses.toUri().toURL()},
                DnsClientCpuBenchmark.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null && name.startsWith("dev.authpack.")) {
                        try {
                            c = findClass(name);
                        } catch (ClassNotFoundException e) {
                            c = null;
                        }
                    }
                    return c != null ? c : super.loadClass(name, resolve);
                }
            }
        };
        Class<?> type = loader.loadClass(DnsjavaResolver.class.getName());
        Object resolver = type.getConstructor(List.class, Duration.class).newInstance(List.of(server.address()), TIMEOUT);
        Method a = type.getMethod("a", String.class);
        Method outcome = loader.loadClass(DnsLookup.class.getName()).getMethod("outcome");
        return name -> {
            try {
                CompletableFuture<?> f = (CompletableFuture<?>) a.invoke(resolver, name);
                return f.thenApply(lookup -> {
                    try {
                        return outcome.invoke(lookup).toString().equals(DnsOutcome.RECORDS.name());
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /**
     * Asks {@code queries} new names, at most {@code inFlight} at once; returns how many got the answer.
     */
    long run(Client client, int queries, int inFlight) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong answered = new AtomicLong();
        for (int i = 0; i < queries; i++) {
            slots.acquire();
            client.a("q" + names.incrementAndGet() + "." + ZONE).whenComplete((ok, error) -> {
                if (error == null && ok) {
                    answered.incrementAndGet();
                }
                slots.release();
            });
        }
        slots.acquire(inFlight);
        return answered.get();
    }

    void close() {
        server.close();
    }

    /**
     * The last CPU time (ns) read of every Java thread seen, by thread ID, with its name: a thread that ends
     * (an idle I/O thread after its keep-alive) keeps its last reading, so a round does not lose its CPU. Read by
     * {@link #sample} at the start and end of each round and every {@link #SAMPLE_MILLIS} in between.
     */
    private static final Map<Long, Long> LAST_CPU = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<Long, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();
    static final long SAMPLE_MILLIS = 20;

    static synchronized void sample() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] cpu = threads.getThreadCpuTime(ids);
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpu[i] >= 0) {
                LAST_CPU.put(ids[i], cpu[i]);
                NAMES.putIfAbsent(ids[i], infos[i].getThreadName());
            }
        }
    }

    static void startSampler() {
        Thread t = new Thread(() -> {
            while (true) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cpu-sampler");
        t.setDaemon(true);
        t.start();
    }

    /** CPU time (ns) of every Java thread seen so far, summed by group, and "process" for the whole process. */
    static Map<String, Long> cpuByGroup() {
        sample();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, Long> sums = new LinkedHashMap<>();
        for (String g : GROUPS) {
            sums.put(g, 0L);
        }
        sums.put("java-other", 0L);
        for (Map.Entry<Long, Long> e : LAST_CPU.entrySet()) {
            String name = NAMES.get(e.getKey());
            String group = GROUPS.stream().filter(name::startsWith).findFirst().orElse("java-other");
            sums.merge(group, e.getValue(), Long::sum);
        }
        sums.put("process", os.getProcessCpuTime());
        return sums;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int delayMillis = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        DnsClientCpuBenchmark b = new DnsClientCpuBenchmark(Duration.ofMillis(delayMillis));
        startSampler();
        try {
            Map<String, Client> clients = new LinkedHashMap<>();
            if (args.length > 4) {
                for (int i = 4; i < args.length; i++) {
                    clients.put(args[i], b.client(Path.of(args[i])));
                }
            } else {
                clients.put("class path, a socket per query", b.client(false));
                clients.put("class path, the loopback server's shared socket", b.client(true));
            }
            Map<String, Map<String, long[]>> perQuery = new LinkedHashMap<>();
            Map<String, long[]> wall = new LinkedHashMap<>();
            for (int r = -2; r < rounds; r++) {   // two rounds of warm-up
                for (Map.Entry<String, Client> c : clients.entrySet()) {
                    Map<String, Long> before = cpuByGroup();
                    long t0 = System.nanoTime();
                    long answered = b.run(c.getValue(), queries, inFlight);
                    long elapsed = System.nanoTime() - t0;
                    Map<String, Long> after = cpuByGroup();
                    if (answered != queries) {
                        throw new IllegalStateException(c.getKey() + ", round " + r + ": " + answered + " of "
                                + queries + " answered");
                    }
                    if (r < 0) {
                        continue;
                    }
                    Map<String, long[]> mine = perQuery.computeIfAbsent(c.getKey(), k -> new LinkedHashMap<>());
                    long javaThreads = 0;
                    for (String g : after.keySet()) {
                        long d = after.get(g) - before.getOrDefault(g, 0L);
                        if (!g.equals("process")) {
                            javaThreads += d;
                        }
                        mine.computeIfAbsent(g, k -> new long[rounds])[r] = d / queries;
                    }
                    long process = after.get("process") - before.get("process");
                    mine.computeIfAbsent("jvm (GC, JIT...)", k -> new long[rounds])[r] = (process - javaThreads) / queries;
                    long[] client = mine.computeIfAbsent("client", k -> new long[rounds]);
                    for (String g : CLIENT_GROUPS) {
                        client[r] += mine.getOrDefault(g, new long[rounds])[r];
                    }
                    wall.computeIfAbsent(c.getKey(), k -> new long[rounds])[r] = elapsed;
                }
            }
            System.out.printf("%d rounds of %d queries, %d in flight, answers %d ms late; median CPU per query:%n",
                    rounds, queries, inFlight, delayMillis);
            for (String c : clients.keySet()) {
                System.out.println(c);
                for (Map.Entry<String, long[]> e : perQuery.get(c).entrySet()) {
                    System.out.printf("  %-24s %7.1f us   (rounds: %s)%n", e.getKey(), median(e.getValue()) / 1e3,
                            Arrays.toString(Arrays.stream(e.getValue()).mapToObj(v -> String.format("%.1f", v / 1e3)).toArray()));
                }
                System.out.printf("  rate %.0f queries/s%n", queries / (median(wall.get(c)) / 1e9));
            }
            for (String g : GROUPS) {
                System.out.printf("threads seen in %s: %d%n", g,
                        NAMES.values().stream().filter(n -> n.startsWith(g)).count());
            }
        } finally {
            b.close();
        }
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
