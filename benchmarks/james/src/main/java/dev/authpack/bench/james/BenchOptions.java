package dev.authpack.bench.james;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@link JamesEndToEnd}; every option has a default ({@link #USAGE}).
 *
 * @param variants      {@code warm}, {@code cold} or both, in that order
 * @param servers       which servers run: both (the comparison), or only one (for profiling)
 * @param spoolThreads  the spooler's threads in both servers; 0 keeps the sample configuration's
 * @param window        messages in flight (being sent, or accepted and not yet delivered) a round allows; 0: the
 *                      variant's default ({@link #effectiveWindow})
 * @param baselineJars  a folder with another build of the pack JAR, run as a third server; null: none
 * @param sessionHooks  one pack server per SessionAuthCheck mode: {@code none}, {@code label}, {@code enforce}
 * @param ioWorkers     the SMTP servers' {@code ioWorkerCount} (the threads that run the hooks); 0: James' default
 * @param schedule      {@code alternate}: a round loads one server at a time, in turn ({@link #ALTERNATE});
 *                      {@code together}: every server at once, each with its own clients ({@link #TOGETHER})
 * @param forks         how many times the whole run is made with new server JVMs, the rounds pooled at the end
 * @param threadIds     how every server's mailbox gives a delivered message its thread: {@code naive} (a thread
 *                      of its own, {@link #NAIVE_THREAD_IDS}) or {@code search} (the memory server's own way)
 * @param baselineChecks how many times the baseline server ({@code --baseline-jars}) runs the sample's
 *                      {@code MailAuthCheck} on a mail: 2 adds a second one under another authserv-id, so that
 *                      {@code baseline - pack} is what one more check costs inside James
 * @param mailetCpu     whether the pack servers time their sample {@code MailAuthCheck} ({@link MailetCpu}): its
 *                      thread CPU a message is then printed as the group {@value #MAILET_CPU_GROUP}
 */
record BenchOptions(List<String> variants, String servers, int connections, int rounds, Duration round,
                    Duration warmup, Duration dnsDelay, int spoolThreads, int window, int messages,
                    int coldDomains, int mailboxes, Path baselineJars, List<String> sessionHooks,
                    int ioWorkers, String schedule, int forks, String threadIds, int baselineChecks,
                    boolean mailetCpu) {
    static final int MAX_FORKS = 20;
    /** The pseudo thread group the {@code --mailet-cpu} figure is printed as. */
    static final String MAILET_CPU_GROUP = "(MailAuthCheck)";
    /**
     * James' {@code NaiveThreadIdGuessingAlgorithm}, as its JPA server binds it: O(1) a delivery. The memory
     * server's own, {@link #SEARCH_THREAD_IDS}, searches every message stored so far on each delivery (its search
     * index and its by-id lookup scan them all), so James' cost a message grows with the round's length and with
     * its own rate (docs/benchmarks.md, session 11); James' servers for real mail look a thread up in an index.
     */
    static final String NAIVE_THREAD_IDS = "naive";
    static final String SEARCH_THREAD_IDS = "search";
    /** Each round loads one server after the other (A B, then B A): each has the machine to itself. */
    static final String ALTERNATE = "alternate";
    /**
     * Each round loads every server at once: what the machine does meanwhile (other work, its own GC, the other
     * server's reset) falls on all of them alike, so their CPU per message compares with less noise; their rates
     * are then of servers sharing the cores.
     */
    static final String TOGETHER = "together";
    static final int SAMPLE_SPOOL_THREADS = 4;
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_ROUNDS = 1_000;
    static final int MAX_MESSAGES = 100_000;
    static final int MAX_MAILBOXES = 10_000;

    static final String USAGE = """
            usage: bin/bench-james [options]
              --variants warm,cold   DNS variants to run, in order (default warm,cold)
              --servers both         both | pack | nopack (one server alone, e.g. for a profile)
              --connections 4        SMTP connections sending at once
              --rounds 5             measured rounds per server and variant (alternated: pack, no pack, ...)
              --seconds 10           length of one round
              --warmup 10            seconds of unmeasured load per server before the rounds of each variant, in
                                     two halves (the second in reverse server order), the servers emptied every
                                     20 s; prints each half's CPU ms/msg per server (the JIT has settled when the
                                     second half is no cheaper)
              --dns-delay-ms 20      cold variant: every DNS answer this late (each James' DNS server runs in
                                     this, the driver's JVM: not counted in the James' CPU ms/msg)
              --spool-threads 0      spooler threads in both servers (0: the sample configuration's, 4)
              --window 0             messages in flight (being sent, or accepted and not yet delivered) each round
                                     allows; 0: 8 per spool thread, and in the cold variant 3 more per ms of DNS
                                     delay (Little's law: a message waiting for answers holds its place longer)
              --messages 2000        distinct signed messages per variant
              --cold-domains 2000    cold variant: distinct sender domains, in turn (records with TTL 1 s: a
                                     domain comes back after this many messages, which must take more than 1 s
                                     for every message to find its records expired)
              --baseline-jars DIR    also run a James with the pack JAR of DIR (another build), same rounds,
                                     configured as the first pack server (same session hook)
              --baseline-checks 1    2: the baseline server runs MailAuthCheck twice a mail (a second one
                                     under another serverId): baseline - pack is one check's cost inside
                                     James (--baseline-jars the pack's own JAR folder)
              --mailet-cpu no        yes: the pack servers time the sample's MailAuthCheck on the spool
                                     thread (thread CPU, two marks around it) and print it per message as
                                     the group (MailAuthCheck)
              --session-hook none    SessionAuthCheck in the pack server: none | label (label-only: no wait at
                                     DATA) | prefetch (label-only, handOverMaxSize 0: lookups start early,
                                     MailAuthCheck checks every mail) | enforce (waits at DATA); a list
                                     (none,label,enforce) runs one pack
                                     server per mode in the same rounds (default none; BENCH_SESSION_HOOK=1:
                                     enforce)
              --io-workers 0         the SMTP servers' ioWorkerCount, the threads that run SMTP hooks in James
                                     3.8.1 (0: James' default, 2 per CPU)
              --mailboxes 200        recipients, in turn (James' memory mailbox scans a recipient's whole
                                     mailbox on every delivery: few recipients measure that scan)
              --schedule alternate   alternate: a round loads one server, then the other (each has the machine
                                     to itself; rates compare); together: all servers at once, each with its own
                                     clients and window (the machine's swings fall on both: CPU per message
                                     compares with less noise)
              --forks 1              run everything this many times, each with new server JVMs, and pool the
                                     rounds at the end (the JIT's choices differ from one JVM to the next)
              --thread-ids naive     how James' mailbox threads a delivered message: naive (a thread of its own,
                                     as James' JPA server does: the same cost each delivery) | search (the memory
                                     server's own: searches all mail stored since the round began, so James' cost
                                     a message grows with the round's length and rate; figures before session 11)
            """;

    static BenchOptions parse(String... args) {
        List<String> variants = List.of("warm", "cold");
        String servers = "both";
        int connections = 4;
        int rounds = 5;
        long seconds = 10;
        long warmup = 10;
        long delay = 20;
        int spool = 0;
        int window = 0;
        int messages = 2_000;
        int coldDomains = 2_000;
        int mailboxes = 200;
        Path baselineJars = null;
        List<String> sessionHooks = SessionHookBench.defaultModes();
        int ioWorkers = 0;
        String schedule = ALTERNATE;
        int forks = 1;
        String threadIds = NAIVE_THREAD_IDS;
        int baselineChecks = 1;
        boolean mailetCpu = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--variants" -> variants = variants(value);
                case "--servers" -> servers = oneOf(value, "both", "pack", "nopack");
                case "--connections" -> connections = (int) number(option, value, 1, MAX_CONNECTIONS);
                case "--rounds" -> rounds = (int) number(option, value, 1, MAX_ROUNDS);
                case "--seconds" -> seconds = number(option, value, 1, 3_600);
                case "--warmup" -> warmup = number(option, value, 0, 3_600);
                case "--dns-delay-ms" -> delay = number(option, value, 0, 30_000);
                case "--spool-threads" -> spool = (int) number(option, value, 0, 256);
                case "--window" -> window = (int) number(option, value, 0, 10_000);
                case "--messages" -> messages = (int) number(option, value, 1, MAX_MESSAGES);
                case "--cold-domains" -> coldDomains = (int) number(option, value, 1, MAX_MESSAGES);
                case "--baseline-jars" -> baselineJars = Path.of(value);
                case "--mailboxes" -> mailboxes = (int) number(option, value, 1, MAX_MAILBOXES);
                case "--session-hook" -> sessionHooks = sessionHooks(value);
                case "--io-workers" -> ioWorkers = (int) number(option, value, 0, MAX_CONNECTIONS);
                case "--schedule" -> schedule = oneOf(value, ALTERNATE, TOGETHER);
                case "--forks" -> forks = (int) number(option, value, 1, MAX_FORKS);
                case "--thread-ids" -> threadIds = oneOf(value, NAIVE_THREAD_IDS, SEARCH_THREAD_IDS);
                case "--baseline-checks" -> baselineChecks = (int) number(option, value, 1, 2);
                case "--mailet-cpu" -> mailetCpu = oneOf(value, "yes", "no").equals("yes");
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new BenchOptions(variants, servers, connections, rounds, Duration.ofSeconds(seconds),
                Duration.ofSeconds(warmup), Duration.ofMillis(delay), spool, window, messages, coldDomains, mailboxes, baselineJars,
                sessionHooks, ioWorkers, schedule, forks, threadIds, baselineChecks, mailetCpu);
    }

    int effectiveSpoolThreads() {
        return spoolThreads == 0 ? SAMPLE_SPOOL_THREADS : spoolThreads;
    }

    /**
     * The closed loop's window for a variant. By Little's law a round's rate is at most the window divided by the
     * time a message spends in flight, so the window must not be what caps either server: warm, 8 messages per
     * spool thread keep the spool busy; cold, a message also waits for DNS answers (SPF's asked at MAIL FROM, DKIM's
     * key and DMARC's record once the header is in, an SPF include or a DMARC tree walk after them: up to three in
     * sequence), and at the fastest rate this benchmark has seen (about 1,000 messages a second) every millisecond
     * a message waits holds one more message in flight: 3 per millisecond of delay on top.
     */
    int effectiveWindow(String variant) {
        if (window != 0) {
            return window;
        }
        int spool = 8 * effectiveSpoolThreads();
        return variant.equals("cold") ? spool + (int) Math.min(10_000, 3 * dnsDelay.toMillis()) : spool;
    }

    boolean runs(String server) {
        return servers.equals("both") || servers.equals(server);
    }

    private static List<String> variants(String value) {
        List<String> list = new ArrayList<>();
        for (String v : value.split(",")) {
            list.add(oneOf(v.trim(), "warm", "cold"));
        }
        return List.copyOf(list);
    }

    private static List<String> sessionHooks(String value) {
        List<String> list = new ArrayList<>();
        for (String v : value.split(",")) {
            String mode = oneOf(v.trim(), SessionHookBench.MODES.toArray(String[]::new));
            if (list.contains(mode)) {
                throw new IllegalArgumentException("--session-hook lists " + mode + " twice");
            }
            list.add(mode);
        }
        return List.copyOf(list);
    }

    private static String oneOf(String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of " + String.join(", ", allowed));
    }

    private static long number(String option, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number from " + min + " to " + max
                    + ", not '" + value + "'");
        }
    }
}
