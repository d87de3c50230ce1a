package dev.authpack.bench;

import com.codahale.metrics.MetricRegistry;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.dns.DnsResolver;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.mailets.MailAuthCheck;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.mail.MessagingException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code MailAuthCheck} costs a spool thread per mail inside James, minus the rest of James (issue 11): the
 * mailet itself, configured as the sample configuration configures it, with James' metrics (Dropwizard, as James
 * binds them), on a mail as James' SMTP server hands it to the spool: a {@link MailImpl} whose message is a
 * {@code MimeMessageWrapper} over a {@link MimeMessageInputStreamSource} holding the octets received. DNS answers
 * come from memory through the pack's own cache, warm ({@link FullCheckFixture}), so only CPU is measured. The
 * message is the 10.8 KB signed newsletter straight from its author's server ({@link FullCheckScenario#DIRECT}:
 * DKIM, SPF for MAIL FROM and HELO, iprev and DMARC pass; no ARC), what {@code bin/bench-james} sends.
 * <ul>
 *   <li>{@link #mailOnly}: the mail made and disposed of, as James makes it (the base to subtract);</li>
 *   <li>{@link #mailAuthCheck}: the same, then {@code MailAuthCheck.service}: the octets read, the checks, the
 *       attributes, the metrics, the forged-field scan and our field put on top.</li>
 * </ul>
 * JMH's figures on a shared 2-core machine are noisy; {@link #main} measures the thread's CPU time instead, in
 * alternated rounds, and prints the mailet's own cost a mail ({@code mailAuthCheck - mailOnly}), on one thread or
 * on several sharing the mailet as James' spool threads do. For experiments: {@code -Dauthpack.bench.metrics=false}
 * (no James metrics), {@code -Dauthpack.bench.cache=false} (the zone's answers without the pack's DNS cache),
 * {@code -Dauthpack.bench.rewrite=false} (no field written, the message left as it is). Run by hand:
 * docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MailetPathBenchmark {
    private static final FullCheckScenario SCENARIO = FullCheckScenario.DIRECT;
    private static final AtomicLong MAILS = new AtomicLong();
    /**
     * {@code -Dauthpack.bench.pollute=KB}: before each operation of {@link #main} the thread writes a line of each 64
     * octets of a buffer of its own this large, so that the operation starts with the data caches holding other
     * data; {@code -Dauthpack.bench.pollute=code}: the thread first runs other code on the message, as James' own
     * mailets and mailbox do between two checks on the same core (javax.mail and mime4j parse it, its parts and
     * header fields are walked), so that the operation starts with the instruction caches and branch predictors
     * holding other code; {@code -Dauthpack.bench.pollute=profiles}: the thread first runs the JDK's shared generic
     * code (streams, {@code Optional}, hash maps, {@code CompletableFuture}) with many other lambdas and key types, as
     * James' own code does in the same JVM, so that the JIT's profiles of that shared code are James'-like
     * (megamorphic) when it compiles ours. The pollution's own cost is measured alone and subtracted (default: none).
     */
    private static final String POLLUTE = System.getProperty("authpack.bench.pollute", "none");
    private static final boolean POLLUTE_CODE = POLLUTE.equals("code");
    private static final boolean POLLUTE_PROFILES = POLLUTE.equals("profiles");
    /** {@code -Dauthpack.bench.pollute=wide}: {@link WidePollution}, thousands of other methods run between mails. */
    private static final boolean POLLUTE_WIDE = POLLUTE.equals("wide");
    /**
     * {@code -Dauthpack.bench.batch=K}: the pollution runs before every K-th operation, not before each: K mails
     * checked back to back between two stretches of other code (default 1).
     */
    private static final int BATCH = Integer.getInteger("authpack.bench.batch", 1);
    /**
     * {@code -Dauthpack.bench.only=dkim}: {@link #engineOnly} runs DKIM alone through the checker (the mailet still
     * runs every check): engine only with all checks minus this is what the other checks and their orchestration
     * cost.
     */
    private static final boolean DKIM_ONLY = "dkim".equals(System.getProperty("authpack.bench.only"));
    private static final int POLLUTE_KB = POLLUTE.matches("\\d+") ? Integer.parseInt(POLLUTE) : 0;
    private static final boolean POLLUTED = POLLUTE_KB > 0 || POLLUTE_CODE || POLLUTE_PROFILES || POLLUTE_WIDE;
    /**
     * With pollution, each operation is timed on its own (the thread's CPU clock read before and after it) and only
     * those times are summed: the pollution's own time, which varies by ±10 % from round to round and is twice the
     * mailet's, is then never subtracted. {@code -Dauthpack.bench.aroundEach=false}: the round timed as a whole and
     * the pollution's separately measured median subtracted, as before session 15. The clock readings' own cost is
     * in every operation alike, so it cancels in {@code mailAuthCheck - mailOnly}.
     */
    private static final boolean AROUND_EACH = POLLUTED
            && Boolean.parseBoolean(System.getProperty("authpack.bench.aroundEach", "true"));
    /**
     * {@code -Dauthpack.bench.messages=N}: {@link #main} checks N distinct signed newsletters in turn (the same
     * author, key, envelope and results; their own prose and signatures), as a server sees mail, instead of one
     * message over and over (default 1).
     */
    private static final int MESSAGES = Integer.getInteger("authpack.bench.messages", 1);
    private static final ThreadLocal<byte[]> POLLUTION = ThreadLocal.withInitial(() -> new byte[POLLUTE_KB * 1024]);

    private byte[] message;
    /** The messages checked in turn ({@link #MESSAGES}); the first is {@link #message}. */
    private List<byte[]> messages = List.of();
    private final ThreadLocal<int[]> turn = ThreadLocal.withInitial(() -> new int[1]);
    private Envelope envelope;
    private MailAuthCheck mailet;
    private MailAuthChecker checker;
    private CheckOptions options;

    @Setup
    public void setUp() throws MessagingException, IOException {
        setUp(FullCheckFixture.create(MESSAGES));
    }

    void setUp(FullCheckFixture fixture) throws MessagingException, IOException {
        message = fixture.messages().get(SCENARIO);
        messages = fixture.directVariants();
        envelope = FullCheckFixture.envelope(SCENARIO);
        WarmZoneDnsResolver zone = new WarmZoneDnsResolver(fixture.zone(), fixture.ptr());
        CachingDnsResolver cache = new CachingDnsResolver(zone);
        // -Dauthpack.bench.cache=false: the zone's answers straight, without the pack's DNS cache in between
        DnsResolver dns = Boolean.parseBoolean(System.getProperty("authpack.bench.cache", "true")) ? cache : zone;
        checker = FullCheckFixture.checker(dns);
        options = FullCheckFixture.options();
        if (DKIM_ONLY) {
            options = new CheckOptions(true, false, false, false, false, false, java.util.Set.of());
        }
        // -Dauthpack.bench.metrics=false: without James' metrics (what they cost the mailet)
        mailet = Boolean.parseBoolean(System.getProperty("authpack.bench.metrics", "true"))
                ? new MailAuthCheck(AuthpackEngines.over(dns), new DropWizardMetricFactory(new MetricRegistry()))
                : new MailAuthCheck(AuthpackEngines.over(dns));
        // the sample configuration's MailAuthCheck (conf-samples/james/mailetcontainer.xml)
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck")
                .setProperty("serverId", FullCheckFixture.AUTHSERV_ID)
                .setProperty("dkim", "true").setProperty("spf", "true").setProperty("iprev", "true")
                .setProperty("smtpAuth", "true")
                // -Dauthpack.bench.rewrite=false: no field written and none removed (the message left as it is)
                .setProperty("addAuthenticationResults", System.getProperty("authpack.bench.rewrite", "true"))
                .setProperty("removeForgedAuthResults", System.getProperty("authpack.bench.rewrite", "true"))
                .build());
        Mail checked = check();
        String disposition = MailAttributes.dmarcDisposition(checked).orElse("(none)");
        List<MethodResult> results = MailAttributes.results(checked).orElse(List.of());
        LifecycleUtil.dispose(checked);
        // dkim, spf twice, dmarc, iprev pass; arc none (the message was not relayed)
        long passes = results.stream().filter(r -> r.result().equals("pass")).count();
        if (!disposition.equals("none") || passes != 5 || results.size() != 6) {
            throw new IllegalStateException("unexpected results for " + SCENARIO + ": disposition " + disposition
                    + ", " + results + ": the numbers would be meaningless");
        }
    }

    /** The thread's next message of {@link #messages}. */
    private byte[] next() {
        if (messages.size() <= 1) {
            return message;
        }
        int[] t = turn.get();
        byte[] next = messages.get(t[0]);
        t[0] = (t[0] + 1) % messages.size();
        return next;
    }

    /** A mail as James' SMTP server makes it at the end of DATA, then disposed of. */
    @Benchmark
    public Mail mailOnly() throws MessagingException, IOException {
        Mail mail = mail();
        LifecycleUtil.dispose(mail);
        return mail;
    }

    /** {@link #mailOnly} with {@code MailAuthCheck.service} in between. */
    @Benchmark
    public Mail mailAuthCheck() throws MessagingException, IOException {
        Mail mail = check();
        LifecycleUtil.dispose(mail);
        return mail;
    }

    /**
     * The engine's part of {@link #mailAuthCheck} alone: the checks over the octets and the field's body, as
     * {@code FullCheckBenchmark} measures them ({@code mailAuthCheck - engineOnly - mailOnly} is the mailet's
     * adapter: reading the octets, attributes, metrics, the header rewrite).
     */
    @Benchmark
    public String engineOnly() {
        AuthCheckReport report = checker.check(envelope, next(), options).join();
        return AuthResultsWriter.headerValue(FullCheckFixture.AUTHSERV_ID, report.methodResults());
    }

    /** The mail after the mailet, not disposed of. */
    Mail check() throws MessagingException, IOException {
        Mail mail = mail();
        mailet.service(mail);
        return mail;
    }

    private Mail mail() throws MessagingException, IOException {
        String name = "bench-" + MAILS.incrementAndGet();
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(name);
        try (OutputStream out = source.getWritableOutputStream()) {
            out.write(next());
        }
        MailImpl mail = MailImpl.builder().name(name).sender(envelope.mailFrom())
                .addRecipients(envelope.recipients().toArray(String[]::new))
                .remoteAddr(envelope.clientIp().getHostAddress()).remoteHost("mail-out.example.com")
                .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of(envelope.helo())))
                .build();
        mail.setMessageContent(source);
        return mail;
    }

    /**
     * CPU time a mail: rounds of {@link #mailOnly}, {@link #engineOnly} and {@link #mailAuthCheck} in turn, the
     * median of each and of the rounds' differences. Arguments: rounds, mails a round, rounds of warm-up first,
     * threads sharing the one mailet as James' spool threads do (defaults 21, 4000, 12, 1: the mailet's cost a mail
     * settles after some 50,000 mails).
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int mails = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        MailetPathBenchmark b = new MailetPathBenchmark();
        b.setUp();
        foreignMessage = b.message;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long[] dirt = new long[rounds];
        long[] base = new long[rounds];
        long[] engine = new long[rounds];
        long[] full = new long[rounds];
        long[] own = new long[rounds];
        long[] adapter = new long[rounds];
        try {
            for (int r = -warmUp; r < rounds; r++) {
                long d0 = !POLLUTED ? 0 : phase(pool, threads, mails, () -> null, false);
                long subtract = AROUND_EACH ? 0 : d0;
                long b0 = phase(pool, threads, mails, b::mailOnly, AROUND_EACH) - subtract;
                long e0 = phase(pool, threads, mails, b::engineOnly, AROUND_EACH) - subtract;
                long f0 = phase(pool, threads, mails, b::mailAuthCheck, AROUND_EACH) - subtract;
                if (r >= 0) {
                    dirt[r] = d0;
                    base[r] = b0;
                    engine[r] = e0;
                    full[r] = f0;
                    own[r] = full[r] - base[r];
                    adapter[r] = own[r] - engine[r];
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (Boolean.getBoolean("rounds")) {
            System.out.println("mailet's own, by round (ns): " + Arrays.toString(own));
        }
        if (POLLUTED) {
            System.out.printf("pollution       %7.1f us CPU a mail (%s; %s)%n", median(dirt) / 1e3,
                    POLLUTE_WIDE ? "a wide code footprint" : POLLUTE_CODE ? "other code on the message"
                            : POLLUTE_PROFILES ? "the JDK's generic code with other types" : POLLUTE_KB + " KB of data",
                    AROUND_EACH ? "not counted: each mail timed on its own" : "subtracted from each figure below");
        }
        System.out.printf("mail only       %7.1f us CPU a mail (medians of %d rounds of %d on %d thread(s), after %d"
                + " of warm-up)%n", median(base) / 1e3, rounds, mails, threads, warmUp);
        System.out.printf("engine only     %7.1f us%s%n", median(engine) / 1e3,
                DKIM_ONLY ? " (DKIM alone through the checker; the adapter below is not meaningful)" : "");
        System.out.printf("MailAuthCheck   %7.1f us%n", median(full) / 1e3);
        System.out.printf("mailet's own    %7.1f us (MailAuthCheck - mail only; quartiles %.1f-%.1f)%n",
                median(own) / 1e3, quantile(own, 0.25) / 1e3, quantile(own, 0.75) / 1e3);
        System.out.printf("adapter         %7.1f us (mailet's own - engine only, median of the rounds'; quartiles %.1f-%.1f)%n",
                median(adapter) / 1e3, quantile(adapter, 0.25) / 1e3, quantile(adapter, 0.75) / 1e3);
    }

    /**
     * One benchmark run {@code mails} times, shared by {@code threads} threads at once: their CPU time a mail, the
     * whole round's or, {@code aroundEach}, the operations' own only (the pollution before each not counted).
     */
    private static long phase(ExecutorService pool, int threads, int mails, Op op, boolean aroundEach)
            throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Future<Long>> parts = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int share = mails / threads + (t < mails % threads ? 1 : 0);
            parts.add(pool.submit(() -> {
                long start = cpu.getCurrentThreadCpuTime();
                byte[] pollution = POLLUTE_KB == 0 ? null : POLLUTION.get();
                long counted = 0;
                for (int i = 0; i < share; i++) {
                    if (i % BATCH != 0) {
                        long before = aroundEach ? cpu.getCurrentThreadCpuTime() : 0;
                        op.run();
                        counted += aroundEach ? cpu.getCurrentThreadCpuTime() - before : 0;
                        continue;
                    }
                    if (pollution != null) {
                        pollute(pollution, i);
                    }
                    if (POLLUTE_CODE) {
                        otherCode(foreignMessage);
                    }
                    if (POLLUTE_PROFILES) {
                        ProfilePollution.run(i);
                    }
                    if (POLLUTE_WIDE) {
                        WidePollution.run(foreignMessage, i);
                    }
                    if (aroundEach) {
                        long before = cpu.getCurrentThreadCpuTime();
                        op.run();
                        counted += cpu.getCurrentThreadCpuTime() - before;
                    } else {
                        op.run();
                    }
                }
                return aroundEach ? counted : cpu.getCurrentThreadCpuTime() - start;
            }));
        }
        long total = 0;
        for (Future<Long> part : parts) {
            total += part.get();
        }
        return total / mails;
    }

    /** Code that is not ours, on the message: what James' own work between two checks looks like to the CPU. */
    private static int otherCode(byte[] message) throws Exception {
        javax.mail.internet.MimeMessage parsed = new javax.mail.internet.MimeMessage(FOREIGN_SESSION,
                new java.io.ByteArrayInputStream(message));
        int n = 0;
        for (java.util.Enumeration<javax.mail.Header> h = parsed.getAllHeaders(); h.hasMoreElements(); ) {
            n += h.nextElement().getValue().length();
        }
        Object content = parsed.getContent();
        if (content instanceof javax.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                n += multipart.getBodyPart(i).getContentType().length();
            }
        }
        org.apache.james.mime4j.dom.Message mime4j = new org.apache.james.mime4j.message.DefaultMessageBuilder()
                .parseMessage(new java.io.ByteArrayInputStream(message));
        n += mime4j.getHeader().getFields().size();
        n += String.valueOf(mime4j.getSubject()).length();
        return n;
    }

    /** The message {@link #otherCode} works on. */
    private static volatile byte[] foreignMessage;
    private static final javax.mail.Session FOREIGN_SESSION = javax.mail.Session.getInstance(new java.util.Properties());

    /** Writes one octet of each 64 of the buffer: every cache line of it, owned by this thread's core. */
    private static void pollute(byte[] buffer, int round) {
        byte value = (byte) round;
        for (int i = 0; i < buffer.length; i += 64) {
            buffer[i] = value;
        }
    }

    @FunctionalInterface
    private interface Op {
        Object run() throws Exception;
    }

    private static double median(long[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
