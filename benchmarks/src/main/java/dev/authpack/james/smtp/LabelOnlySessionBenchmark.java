package dev.authpack.james.smtp;

import dev.authpack.bench.FullCheckFixture;
import dev.authpack.bench.FullCheckScenario;
import dev.authpack.bench.WarmZoneDnsResolver;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dns.DnsResolver;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.SessionCheckedMail;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.core.SeparatingDataLineFilter;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.SMTPSessionImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.mail.MessagingException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the label-only session path ({@link SessionAuthCheck} with {@code refuseDmarcReject=false}: checks started
 * during the session and handed over unfinished to {@code MailAuthCheck}) costs per mail beyond the checks
 * themselves (issue 11, docs/benchmarks.md "Session 6"). DNS answers from memory at once, so only CPU is measured:
 * <ul>
 *   <li>{@link #plain}: what {@code MailAuthCheck} does without the hook: the message's bytes, the check, the
 *       results stored on the mail;</li>
 *   <li>{@link #session}: the same mail as James drives the hook: HELO, MAIL FROM, every DATA line (dot-stuffed,
 *       one {@code byte[]} a line as James' line decoder gives them) through the line filter, the end of DATA
 *       (the hand-over), the client leaving, then the spool's take ({@link SessionCheckedMail#results}).</li>
 * </ul>
 * A connection per mail (a new client and sender domain per mail, as with cold DNS), so iprev runs per mail in
 * both. The mail stored carries a {@code Received} field on top of the DATA, as James' does. The difference
 * {@code session - plain} is the session path's own cost; run with {@code -prof gc} for the
 * bytes. The message is {@link FullCheckFixture}'s (about 13 KB, ~220 lines). Run by hand: docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LabelOnlySessionBenchmark {
    static final String SERVER_ID = FullCheckFixture.AUTHSERV_ID;
    /**
     * What comes after the hook in James' chain: James' own header/body separation (the base of its
     * {@code ReceivedDataLineFilter}, which marks the session's header complete), then the message's store.
     */
    private static final LineHandler<SMTPSession> JAMES_STORES = new JamesLines();
    private static final byte[] END_OF_DATA = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    @Param({"FORWARDED"})
    public FullCheckScenario scenario = FullCheckScenario.FORWARDED;

    private byte[] message;
    /** The message as James stores it at the end of DATA: its own {@code Received} field on top of the DATA. */
    private byte[] stored;
    /**
     * The same with a field added at the end of the header section (one no signature covers): the collected header
     * section is then not the tail of the stored one, so the end of DATA cannot take its work over
     * (docs/benchmarks.md "Session 7"), which {@link #main} measures in the same JVM.
     */
    private byte[] storedNoTakeOver;
    /** Whether {@link #session} stores {@link #storedNoTakeOver} (main's third way). */
    boolean preventTakeOver;
    private List<byte[]> lines;
    private Envelope envelope;
    private MailAuthChecker checker;
    private SessionAuthCheck hook;
    private CheckOptions options;
    private InetSocketAddress remote;

    @Setup
    public void setUp() throws ConfigurationException {
        setUp(FullCheckFixture.create());
    }

    void setUp(FullCheckFixture data) throws ConfigurationException {
        message = data.messages().get(scenario);
        lines = dataLines(message);
        envelope = FullCheckFixture.envelope(scenario);
        stored = withReceived(message, envelope.helo(), envelope.clientIp().getHostAddress());
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n") + 2;
        storedNoTakeOver = withReceived((text.substring(0, end) + "X-Bench: below the collected fields\r\n"
                + text.substring(end)).getBytes(StandardCharsets.ISO_8859_1), envelope.helo(),
                envelope.clientIp().getHostAddress());
        remote = new InetSocketAddress(envelope.clientIp(), 40000);
        DnsResolver dns = new WarmZoneDnsResolver(data.zone(), data.ptr());
        checker = FullCheckFixture.checker(dns);
        hook = new SessionAuthCheck(settings -> checker, settings -> dns);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("serverId", SERVER_ID);
        config.addProperty("trustedArcSealers", String.join(",", FullCheckFixture.TRUSTED_SEALERS));
        config.addProperty("refuseDmarcReject", "false");
        hook.init(config);
        options = FullCheckFixture.options();
    }

    /** The mailet's own check of the mail, as without the hook. */
    @Benchmark
    public Mail plain() throws Exception {
        Mail mail = mail(stored);
        byte[] bytes = MimeMessageBytes.of(mail.getMessage());
        AuthCheckReport report = checker.check(envelope, bytes, options).join();
        MailAttributes.store(mail, SERVER_ID, report, report.methodResults());
        return mail;
    }

    /** The label-only hook over the session, then the spool's take of the handed-over checks. */
    @Benchmark
    public Mail session() throws Exception {
        SMTPSession session = session(remote, envelope.helo());
        hook.doHelo(session, envelope.helo());
        hook.doMail(session, MaybeSender.of(new MailAddress(envelope.mailFrom())));
        for (byte[] line : lines) {
            hook.onLine(session, line, JAMES_STORES);
        }
        hook.onLine(session, END_OF_DATA, JAMES_STORES);
        Mail mail = mail(preventTakeOver ? storedNoTakeOver : stored);
        hook.onMessage(session, mail);
        hook.onDisconnect(session);
        if (SessionCheckedMail.results(mail, SERVER_ID, options).isEmpty()) {
            throw new IllegalStateException("the handed-over checks were not taken");
        }
        return mail;
    }

    /**
     * The same two ways measured by the thread's own CPU time and allocated bytes (exact, and robust on a shared
     * machine where JMH's wall-clock figures are noisy): rounds alternating plain, session, and session with the
     * end of DATA's take-over of the header section's work prevented ({@link #preventTakeOver}), the median of each.
     * Every check runs on the calling thread (answers from memory complete at once). Arguments: rounds, mails a
     * round (defaults 15 and 2000).
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int mails = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        LabelOnlySessionBenchmark b = new LabelOnlySessionBenchmark();
        b.setUp();
        String[] ways = {"plain", "session", "session, no take-over"};
        long[][] cpu = new long[ways.length][rounds];
        long[][] bytes = new long[ways.length][rounds];
        for (int r = -3; r < rounds; r++) {   // three rounds of warm-up
            for (int way = 0; way < ways.length; way++) {
                b.preventTakeOver = way == 2;
                long t0 = threads.getCurrentThreadCpuTime();
                long a0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < mails; i++) {
                    if (way == 0) {
                        b.plain();
                    } else {
                        b.session();
                    }
                }
                if (r >= 0) {
                    cpu[way][r] = (threads.getCurrentThreadCpuTime() - t0) / mails;
                    bytes[way][r] = (threads.getCurrentThreadAllocatedBytes() - a0) / mails;
                }
            }
        }
        for (int way = 0; way < ways.length; way++) {
            System.out.printf("%-22s %8.1f us CPU  %8d B a mail%n", ways[way], median(cpu[way]) / 1e3,
                    median(bytes[way]));
        }
        System.out.printf("extra   %8.1f us CPU  %8d B a mail (session - plain; %d rounds of %d mails)%n",
                (median(cpu[1]) - median(cpu[0])) / 1e3, median(bytes[1]) - median(bytes[0]), rounds, mails);
        System.out.printf("take-over saves %8.1f us CPU  %8d B a mail (median of the rounds' differences)%n",
                medianDifference(cpu[2], cpu[1]) / 1e3, medianDifference(bytes[2], bytes[1]));
    }

    /** The median of {@code a[r] - b[r]} over the rounds: each round's ways ran seconds apart. */
    private static long medianDifference(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int r = 0; r < a.length; r++) {
            d[r] = a[r] - b[r];
        }
        return median(d);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private Mail mail(byte[] stored) throws MessagingException {
        return FakeMail.builder().name("m1").sender(envelope.mailFrom()).recipients(envelope.recipients().toArray(String[]::new))
                .remoteAddr(envelope.clientIp().getHostAddress()).mimeMessage(MimeMessageBytes.from(stored)).build();
    }

    /**
     * {@code message} with a {@code Received} field on top as James' {@code ReceivedDataLineFilter} writes it (the
     * hook's line filter runs before it, so the header section the hook collects lacks it).
     */
    static byte[] withReceived(byte[] message, String helo, String clientIp) {
        String received = "Received: from " + helo + " ([" + clientIp + "])\r\n"
                + "          by mx.example.org (JAMES SMTP Server ) with ESMTP ID 1f2e3d4c\r\n"
                + "          for <rcpt@example.org>;\r\n"
                + "          Sun, 6 Dec 2026 13:00:00 +0000 (UTC)\r\n";
        byte[] field = received.getBytes(StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(field, field.length + message.length);
        System.arraycopy(message, 0, out, field.length, message.length);
        return out;
    }

    /** The message's lines as the client sends them: each with its CRLF, a leading dot doubled (RFC 5321 §4.5.2). */
    static List<byte[]> dataLines(byte[] message) {
        List<byte[]> out = new ArrayList<>();
        String text = new String(message, StandardCharsets.ISO_8859_1);
        for (String line : text.split("(?<=\r\n)")) {
            out.add((line.startsWith(".") ? "." + line : line).getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** James' header/body separation ({@link SeparatingDataLineFilter}) in front of a store that keeps nothing. */
    private static final class JamesLines extends SeparatingDataLineFilter implements LineHandler<SMTPSession> {
        private static final LineHandler<SMTPSession> STORE = (s, line) -> null;

        @Override
        public Response onLine(SMTPSession session, byte[] line) {
            return onLine(session, line, STORE);
        }

        @Override
        protected Response onSeparatorLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
            return next.onLine(session, line);
        }

        @Override
        protected Response onHeadersLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
            return next.onLine(session, line);
        }

        @Override
        protected Response onBodyLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
            return next.onLine(session, line);
        }
    }

    /** James' own SMTP session (its attachment maps), over a transport that only knows the client's address. */
    static SMTPSession session(InetSocketAddress remote, String helo) {
        ProtocolTransport transport = (ProtocolTransport) Proxy.newProxyInstance(
                ProtocolTransport.class.getClassLoader(), new Class<?>[] {ProtocolTransport.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress" -> remote;
                    case "getId" -> "bench";
                    case "isStartTLSSupported", "isTLSStarted" -> false;
                    case "toString" -> "BenchTransport";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        SMTPSessionImpl session = new SMTPSessionImpl(transport, new SMTPConfigurationImpl());
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, helo, ProtocolSession.State.Connection);
        return session;
    }
}
