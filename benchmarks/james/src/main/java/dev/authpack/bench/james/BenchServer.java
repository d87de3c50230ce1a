package dev.authpack.bench.james;

import dev.authpack.it.Locations;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The driver's handle on one James under load, running in its own JVM ({@link BenchServerMain}) with the same
 * class path and system properties as the driver, plus the JVM options of the environment variable
 * {@code BENCH_PACK_JAVA_OPTS} or {@code BENCH_NOPACK_JAVA_OPTS} (a profiler for one of them, say).
 *
 * <p>The James' DNS server (a {@link LoopbackDnsServer} serving {@code conf-samples/demo.zone} and the benchmark's
 * zone, one per James) runs here, in the driver's JVM: its work, and in the cold variant the delayed answers, are
 * then not counted in the CPU time of the James measured ({@link #cpuTime}).
 */
final class BenchServer implements AutoCloseable {
    /** Longest wait for the server to start or to answer a command. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
    /**
     * Each server's heap. James' memory mailboxes and repositories hold every message until they are emptied (after
     * each round and each {@link JamesEndToEnd#WARMUP_SLICE} of warm-up; before session 5 a warm-up was not emptied,
     * and with 1 GB the fastest server's heap filled within a 90-s warm-up: docs/benchmarks.md). Overridable with
     * -Xmx in BENCH_PACK_JAVA_OPTS / BENCH_NOPACK_JAVA_OPTS. Fixed from the start (-Xms = -Xmx, since session 10):
     * a heap that G1 grows as it goes made a server's CPU per message fall round after round long after the JIT
     * had settled (3.3 to 2.6 ms over eight rounds), more than the pack's whole cost.
     */
    static final List<String> HEAP = List.of("-Xms3g", "-Xmx3g");
    private static final List<String> PASSED_PROPERTIES = List.of("logback.configurationFile",
            "james.exit.on.startup.error", "authpack.conf-samples", "authpack.extensions-jars", "authpack.work-root");

    /** Mails in the {@code delivered} and {@code error} repositories. */
    record Counts(long delivered, long errors) {
        long done() {
            return delivered + errors;
        }
    }

    private final String name;
    private final LoopbackDnsServer dns;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final int smtpPort;
    /** Whether the server times its MailAuthCheck ({@code --mailet-cpu}, {@link MailetCpu}). */
    private final boolean mailetCpu;
    /** Its threads' CPU by group, ended threads included. */
    private final ThreadGroupCpu threadGroups;
    /** Reads {@link #threadGroups} every {@link ThreadGroupCpu#SAMPLE_EVERY}, so a thread that ends keeps its CPU. */
    private final ScheduledExecutorService sampler;

    private BenchServer(String name, LoopbackDnsServer dns, Process process, boolean mailetCpu) throws IOException {
        this.name = name;
        this.mailetCpu = mailetCpu;
        this.dns = dns;
        this.process = process;
        this.commands = process.getOutputStream();
        this.threadGroups = new ThreadGroupCpu(process.pid());
        Thread reader = new Thread(this::readOutput, "bench-server-" + name);
        reader.setDaemon(true);
        reader.start();
        String ready = await();
        if (!ready.startsWith("ready ")) {
            process.destroy();
            dns.close();
            throw new IOException(name + ": not started: " + ready);
        }
        smtpPort = Integer.parseInt(ready.substring("ready ".length()));
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-cpu-" + name);
            t.setDaemon(true);
            return t;
        });
        long every = ThreadGroupCpu.SAMPLE_EVERY.toMillis();
        sampler.scheduleWithFixedDelay(threadGroups::sample, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * What every server of a run shares.
     *
     * @param spoolThreads the spooler's threads; 0 keeps the sample configuration's
     * @param mailboxes    recipients, each with a mailbox
     * @param ioWorkers    the SMTP server's {@code ioWorkerCount}; 0: James' default
     * @param threadIds    {@link BenchOptions#NAIVE_THREAD_IDS} or {@link BenchOptions#SEARCH_THREAD_IDS}
     */
    record Setup(int spoolThreads, int mailboxes, int ioWorkers, String threadIds, boolean mailetCpu) {
        static Setup of(BenchOptions options) {
            return new Setup(options.spoolThreads(), options.mailboxes(), options.ioWorkers(), options.threadIds(),
                    options.mailetCpu());
        }
    }

    /**
     * @param extensionsJars the pack JAR folder instead of the driver's {@code authpack.extensions-jars}, or null
     * @param sessionHook    the pack server's SessionAuthCheck mode ({@link SessionHookBench})
     * @param checks         how many MailAuthCheck mailets a mail goes through (1: the sample's; 2: one more)
     */
    static BenchServer start(String name, boolean withoutPack, Path zoneFile, Setup setup, Path extensionsJars,
                             String sessionHook, int checks) throws IOException {
        LoopbackDnsServer dns = LoopbackDnsServer.builder().zoneFile(Locations.demoZone()).zoneFile(zoneFile).start();
        try {
            return new BenchServer(name, dns, new ProcessBuilder(command(name, withoutPack, dns, setup,
                    extensionsJars, sessionHook, checks)).redirectErrorStream(true).start(), setup.mailetCpu() && !withoutPack);
        } catch (IOException | RuntimeException e) {
            dns.close();
            throw e;
        }
    }

    private static List<String> command(String name, boolean withoutPack, LoopbackDnsServer dns, Setup setup,
                                        Path extensionsJars, String sessionHook, int checks) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(HEAP);
        String extra = System.getenv(withoutPack ? "BENCH_NOPACK_JAVA_OPTS" : "BENCH_PACK_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        if (extensionsJars != null) {
            command.add("-Dauthpack.extensions-jars=" + extensionsJars.toAbsolutePath());
        }
        for (String p : PASSED_PROPERTIES) {
            if (System.getProperty(p) != null && !(extensionsJars != null && p.equals("authpack.extensions-jars"))) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchServerMain.class.getName(),
                name.replace(' ', '-'), dns.address(), String.valueOf(setup.spoolThreads()),
                String.valueOf(setup.mailboxes())));
        command.add(withoutPack ? "nopack" : sessionHook);
        command.add(String.valueOf(setup.ioWorkers()));
        command.add(setup.threadIds());
        command.add(String.valueOf(checks));
        command.add(setup.mailetCpu() ? BenchServerMain.MAILET_CPU : "-");
        return command;
    }

    String name() {
        return name;
    }

    int smtpPort() {
        return smtpPort;
    }

    Counts counts() throws IOException {
        String[] parts = ask("count").split(" ");
        return new Counts(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    }

    /**
     * The CPU time the server's JVM has used so far (all its threads: SMTP, spool, delivery, GC, JIT), or zero
     * where the platform does not tell: per delivered message, a measure that does not depend on the machine's load.
     */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * The server JVM's CPU time by thread group so far ({@link ThreadGroupCpu}: threads that ended keep theirs);
     * empty without {@code /proc}. With
     * {@code --mailet-cpu}, also the CPU milliseconds its MailAuthCheck took so far, as the pseudo group
     * {@link BenchOptions#MAILET_CPU_GROUP} (part of the spool threads' time, not in addition to it).
     */
    Map<String, Long> cpuByThreadGroup() throws IOException {
        Map<String, Long> groups = threadGroups.cpu();
        if (!mailetCpu) {
            return groups;
        }
        Map<String, Long> withMailet = new java.util.TreeMap<>(groups);
        withMailet.put(BenchOptions.MAILET_CPU_GROUP, Long.parseLong(ask(BenchServerMain.MAILET_CPU).split(" ")[0])
                / 1_000_000);
        return withMailet;
    }

    /** How often the server JVM's threads were put on a CPU so far, by thread group ({@link ThreadGroupCpu#runs}). */
    Map<String, Long> runsByThreadGroup() {
        return threadGroups.runs();
    }

    /** Empties the {@code delivered} repository and the recipients' INBOXes (between rounds, when idle). */
    void reset() throws IOException {
        ask("reset");
    }

    /** Every answer of this server's DNS server {@code delay} late (the cold variant); zero: at once. */
    void answerDelay(Duration delay) {
        dns.answerDelay(delay);
    }

    /** Queries this server's DNS server has received so far (UDP and TCP). */
    long dnsQueries() {
        return dns.udpQueries() + dns.tcpQueries();
    }

    /** The header section of the first mail in the {@code delivered} repository (waits for one). */
    String firstDeliveredHeader() throws IOException {
        return ask("header").replace("\\n", "\r\n");
    }

    private synchronized String ask(String command) throws IOException {
        commands.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        commands.flush();
        String answer = await();
        if (answer.startsWith("error ")) {
            throw new IOException(name + ": " + answer);
        }
        return answer;
    }

    private String await() throws IOException {
        try {
            String answer = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                throw new IOException(name + ": no answer within " + ANSWER_TIMEOUT.toSeconds() + " s (alive: "
                        + process.isAlive() + ")");
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Answers to the queue; everything else (James' log) to the driver's standard error, marked. */
    private void readOutput() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(BenchServerMain.ANSWER)) {
                    answers.add(line.substring(BenchServerMain.ANSWER.length()));
                } else {
                    System.err.println("[" + name + "] " + line);
                }
            }
        } catch (IOException e) {
            System.err.println("[" + name + "] output closed: " + e);
        }
        answers.add("error server process ended");
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            commands.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            commands.flush();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (IOException | InterruptedException e) {
            process.destroy();
        } finally {
            dns.close();
        }
    }
}
