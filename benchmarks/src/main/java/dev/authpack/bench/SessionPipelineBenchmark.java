package dev.authpack.bench;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.check.SessionChecks;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What pipelining the DNS into the SMTP session saves (issue 11, docs/enforcement.md): how long the check of one
 * message takes from the end of DATA, with cold DNS (nothing cached, every answer {@link #DNS_DELAY_MS} ms late),
 * done the plain way ({@link MailAuthChecker}, as the mailet does on a spool thread) and the session's way
 * ({@link SessionChecks}: the lookups started at HELO, MAIL FROM and the header section, while the client was
 * still sending, here {@link #BODY_MILLIS} ms before the end of DATA). SampleTime: JMH prints the percentiles.
 * The message is {@link FullCheckFixture}'s (DKIM, SPF, iprev, DMARC, ARC). Run by hand: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SessionPipelineBenchmark {
    /** Every DNS answer this late (a cold cache and real-world DNS). */
    static final long DNS_DELAY_MS = 20;
    /** The time between the end of the header section and the end of DATA (the body on the wire). */
    static final long BODY_MILLIS = 100;

    @Param
    public FullCheckScenario scenario;

    /**
     * {@code kept}: the message as the scenario has it, with its ARC set; {@code removed}: without the ARC fields
     * (mail that came straight from a DKIM signer). ARC is not started early (its key lookups are lazy by design,
     * docs/enforcement.md), so with a set its key lookups are what is left to wait for at the end of DATA.
     */
    @Param({"kept", "removed"})
    public String arc = "kept";

    private FullCheckFixture fixture;
    private byte[] message;
    private byte[] header;
    private MailAuthChecker checker;
    private DnsResolver dns;
    private SessionChecks session;

    @Setup(Level.Trial)
    public void setUp() {
        setUp(FullCheckFixture.create());
    }

    void setUp(FullCheckFixture data) {
        fixture = data;
        message = arc.equals("removed") ? withoutArc(data.messages().get(scenario)) : data.messages().get(scenario);
        header = headerSection(message);
        dns = new Delayed(new WarmZoneDnsResolver(data.zone(), data.ptr()), DNS_DELAY_MS);
        checker = FullCheckFixture.checker(dns);
        String plain = plain().methodResults().toString();
        begin();
        String pipelined = pipelined().methodResults().toString();
        if (!plain.equals(pipelined)) {
            throw new IllegalStateException(scenario + ": the session's report differs:\n" + plain + "\n" + pipelined);
        }
    }

    /** The session up to the end of DATA: HELO, MAIL FROM, the header section, then the body on the wire. */
    @Setup(Level.Invocation)
    public void begin() {
        var envelope = FullCheckFixture.envelope(scenario);
        session = SessionChecks.connected(checker, dns, FullCheckFixture.options(), envelope.clientIp());
        session.mailFrom(envelope.helo(), envelope.mailFrom());
        session.headerSection(header);
        try {
            Thread.sleep(BODY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @TearDown(Level.Invocation)
    public void end() {
        session.close();
    }

    /** The mailet's way: every lookup starts at the end of DATA. */
    @Benchmark
    public AuthCheckReport plain() {
        return checker.check(FullCheckFixture.envelope(scenario), message, FullCheckFixture.options()).join();
    }

    /** The session's way: the end-of-DATA check over the answers of the lookups started earlier. */
    @Benchmark
    public AuthCheckReport pipelined() {
        try {
            return session.endOfData(FullCheckFixture.envelope(scenario), message).await(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The message without its ARC-* fields (each with its continuation lines). */
    static byte[] withoutArc(byte[] message) {
        String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        StringBuilder out = new StringBuilder(text.length());
        boolean skipping = false;
        for (String line : text.substring(0, end + 2).split("(?<=\r\n)")) {
            boolean continuation = line.startsWith(" ") || line.startsWith("\t");
            skipping = continuation ? skipping : line.regionMatches(true, 0, "ARC-", 0, 4);
            if (!skipping) {
                out.append(line);
            }
        }
        out.append(text.substring(end + 2));
        return out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static byte[] headerSection(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return Arrays.copyOf(message, i + 4);
            }
        }
        return message;
    }

    /** Answers from another resolver, each {@code delayMillis} late on a timer thread, nothing cached. */
    static final class Delayed implements DnsResolver {
        private final DnsResolver answers;
        private final Executor later;

        Delayed(DnsResolver answers, long delayMillis) {
            this.answers = answers;
            this.later = CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS);
        }

        private <T> CompletableFuture<T> late(Supplier<CompletableFuture<T>> answer) {
            return CompletableFuture.supplyAsync(answer, later).thenCompose(f -> f);
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            return late(() -> answers.txt(name));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return late(() -> answers.a(name));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return late(() -> answers.aaaa(name));
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return late(() -> answers.mx(name));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            return late(() -> answers.ptr(address));
        }
    }
}
