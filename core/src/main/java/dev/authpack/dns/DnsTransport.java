package dev.authpack.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.WireParseException;

/**
 * Sends one DNS query to one server over UDP, and again over TCP when the answer is truncated (RFC 1035
 * §4.2.1, RFC 7766), on the JDK's sockets; dnsjava only encodes and decodes the messages. Each query has its own
 * socket and is served by a thread of a bounded pool that blocks in {@code read} until the answer or the
 * deadline: the answer is read the moment it arrives (no shared selector that wakes once a second), and a
 * query never waits for another. The future completes on that same thread, after the query has left the in-flight
 * count: what depends on the answer runs there, with no further hand-off; a dependent that blocks holds one pool
 * thread (at most twice {@code maxInFlight} of them; past that, new queries fail at once) but no query slot.
 *
 * <p>Against forged answers (RFC 5452 §9.1): a random 16-bit ID per query, a random source port per query, a
 * connected UDP socket (the kernel drops datagrams from any other address or port), and an answer is taken only
 * if it has the ID, the QR bit and the question of the query; anything else is ignored and the wait goes on
 * until the deadline. Bounded: at most {@code maxInFlight} queries at once (more fail at once), one receive
 * buffer per I/O thread, and one deadline for the UDP and TCP exchange together.
 *
 * <p>What a query costs (session 7, docs/benchmarks.md): the UDP exchange runs on an NIO {@link DatagramChannel}
 * of the server's address family (an IPv4 socket for an IPv4 server, not a dual-stack IPv6 one), and waits in
 * one blocking {@code read} with no timeout (the JDK's timed receive switches the socket to non-blocking and back
 * and polls around every receive). The deadline is kept by a timer that closes the channel when it passes, which
 * ends the read at once; cancelling the future closes it too. The query's octets are encoded once, with the ID
 * and the EDNS option written into them ({@link QueryWire}), and a datagram with another ID is dropped before it
 * is parsed.
 */
final class DnsTransport {

    private static final Logger LOG = LoggerFactory.getLogger(DnsTransport.class);

    /** RFC 6891 §6.2.5: the UDP payload we offer (the 2020 DNS flag day value, no IP fragmentation). */
    static final int EDNS_PAYLOAD = 1232;
    /** Largest DNS message (two-octet length over TCP; the largest UDP datagram): the receive buffer. */
    static final int MAX_MESSAGE = 65_535;
    /** Queries at once per transport (one thread and one buffer each); more fail with an IOException. */
    static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /** Source ports are drawn from this range (the usual Linux ephemeral range), RFC 6056 §3.2. */
    static final int PORT_LOW = 32_768;
    static final int PORT_HIGH = 60_999;
    /** Random ports tried before the system picks one (a drawn port may be in use). */
    static final int PORT_ATTEMPTS = 8;
    /** Idle I/O threads end after this long. */
    private static final long THREAD_KEEP_ALIVE_SECONDS = 30;
    /**
     * JVM system property: {@code false} gives queries to a loopback server a socket each too (docs/dns.md; read
     * when a resolver is made).
     */
    static final String SHARED_LOOPBACK_PROPERTY = "authpack.dns.sharedLoopbackSocket";
    /** Loopback servers with a socket of their own ({@link LoopbackExchange}); queries to more use sockets per query. */
    static final int MAX_LOOPBACK_SERVERS = 16;
    /** The deadline timer's idle tick (see {@link #DEADLINES}). */
    static final long DEADLINE_TICK_MILLIS = 1_000;
    /** RFC 1035 §4.1.1: the header's length, and the QR bit in its third octet. */
    private static final int HEADER_LENGTH = 12;
    private static final int QR_BIT = 0x80;
    private static final InetAddress ANY_V4 = wildcard(4);
    private static final InetAddress ANY_V6 = wildcard(16);
    private static final InetAddress LOOPBACK_V4 = address(new byte[] {127, 0, 0, 1});
    private static final InetAddress LOOPBACK_V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * The receive buffer of each I/O thread, kept for its next query: a fresh 64 KB buffer per query was most of
     * what a cold-cache check allocated (about 7 queries a mail). Only the thread that owns it reads or writes it,
     * and an answer is parsed into a {@link Message} (from a copy of its octets) before the thread takes another
     * query. Bounded like the threads: at most one per I/O thread.
     */
    private static final ThreadLocal<ByteBuffer> RECEIVE_BUFFERS =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_MESSAGE));
    /**
     * Closes the channel of a UDP exchange whose deadline has passed (the receive then ends at once). One daemon
     * thread for all transports; a query answered in time removes its task, so the queue holds at most one task per
     * query in flight. A no-op task every {@link #DEADLINE_TICK_MILLIS} keeps the queue from being empty: a new
     * deadline further away than the next tick is queued without waking the thread (with an empty queue every
     * query woke it, about 4 µs of CPU a query when few are in flight). So the thread wakes for a deadline that
     * passes, for a deadline nearer than the next tick, and once a tick; never per answer, and answers never wait
     * for it.
     */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

    private final SecureRandom random = new SecureRandom();
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** UDP channels opened and not yet closed: at most one per query in flight. */
    private final AtomicInteger openChannels = new AtomicInteger();
    private final ThreadPoolExecutor io;
    /** Whether queries to a loopback server share one socket ({@link LoopbackExchange}); tests turn it off. */
    private final boolean shareLoopbackSockets;
    /** Whether an IPv4 loopback server may be served by a shared socket ({@link LoopbackExchange#serves}). */
    private final boolean ipv4LoopbackLocal;
    private final ConcurrentHashMap<InetSocketAddress, LoopbackExchange> loopback = new ConcurrentHashMap<>();

    DnsTransport() {
        this(DEFAULT_MAX_IN_FLIGHT);
    }

    DnsTransport(int maxInFlight) {
        this(maxInFlight, Boolean.parseBoolean(System.getProperty(SHARED_LOOPBACK_PROPERTY, "true")));
    }

    DnsTransport(int maxInFlight, boolean shareLoopbackSockets) {
        this(maxInFlight, shareLoopbackSockets,
                shareLoopbackSockets && LoopbackExchange.ipv4LoopbackOnlyLocal(LoopbackExchange.IPV4_CONF));
    }

    /**
     * @param ipv4LoopbackLocal whether a datagram from 127.0.0.0/8 can only come from this host (Linux's
     *                          {@code route_localnet} off, {@link LoopbackExchange#ipv4LoopbackOnlyLocal}); if not, an
     *                          IPv4 loopback server gets a socket per query as any other server
     */
    DnsTransport(int maxInFlight, boolean shareLoopbackSockets, boolean ipv4LoopbackLocal) {
        this.shareLoopbackSockets = shareLoopbackSockets;
        this.ipv4LoopbackLocal = ipv4LoopbackLocal;
        if (shareLoopbackSockets && !ipv4LoopbackLocal) {
            LOG.info("route_localnet is on: datagrams from 127.0.0.0/8 may come from another host, so queries to an"
                    + " IPv4 loopback DNS server get a socket (and a random port) each");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        // an idle thread takes the next query, a new one starts only when none is idle; the in-flight count
        // bounds the queries, the pool's own bound (twice that) only covers threads still finishing a query
        this.io = new ThreadPoolExecutor(0, 2 * maxInFlight, THREAD_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "authpack-dns-io-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** UDP channels open now (each query's channel is closed on every path: answer, error, deadline, cancel). */
    int openChannels() {
        return openChannels.get();
    }

    /** The shared socket to a loopback server, if one is open (tests). */
    LoopbackExchange sharedExchangeOf(InetSocketAddress server) {
        return loopback.get(server);
    }

    /** The most queries at once. */
    int maxInFlight() {
        return maxInFlight;
    }

    /** Queries being sent or waited for now. */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * The query was not sent: this transport is at its bound (too many queries in flight, or its I/O pool refused
     * it). Says nothing about the name asked; asked again later, it may well be answered.
     */
    static final class OverloadException extends IOException {
        OverloadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sends {@code query} (not changed: a copy gets the random ID and the EDNS option) and completes with the
     * matching answer, or exceptionally: {@link SocketTimeoutException} when no matching answer came within
     * {@code timeout}, {@link OverloadException} when the query was not sent (too many queries in flight, the I/O
     * pool refused it), another {@link IOException} for a network error.
     */
    CompletableFuture<Message> send(Message query, InetSocketAddress server, java.time.Duration timeout) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            result.completeExceptionally(new OverloadException("more than " + maxInFlight + " DNS queries in flight",
                    null));
            return result;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (shareLoopbackSockets && LoopbackExchange.serves(server, ipv4LoopbackLocal)
                && sendShared(query, server, deadline, result)) {
            return result;
        }
        try {
            io.execute(() -> {
                Message reply = null;
                Exception failure = null;
                try {
                    reply = exchange(query, server, deadline, result);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                end(result, reply, failure);
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            result.completeExceptionally(new OverloadException("DNS I/O pool refused the query", e));
        }
        return result;
    }

    /**
     * Sends over the server's shared socket ({@link LoopbackExchange}); false when there is none to use (more than
     * {@link #MAX_LOOPBACK_SERVERS}, or it could not be opened): then nothing was sent. A truncated answer is asked
     * again over TCP on the I/O pool (it blocks: never on the socket's reader), as on the per-query path; a
     * cancelled query leaves the socket's table and frees its slot at once.
     */
    private boolean sendShared(Message query, InetSocketAddress server, long deadline,
                               CompletableFuture<Message> result) {
        Record question = query.getQuestion();
        LoopbackExchange.Outcome outcome = new LoopbackExchange.Outcome() {
            @Override
            public void answer(int id, byte[] wire, Message reply) {
                if (!reply.getHeader().getFlag(Flags.TC) || result.isCancelled()) {
                    end(result, reply, null);
                    return;
                }
                LOG.debug("{} from {}: truncated, asking over TCP", question, server);
                Runnable overTcp = () -> {
                    Message answer = null;
                    Exception failure = null;
                    try {
                        answer = tcp(id, question, wire, server, deadline);
                    } catch (IOException | RuntimeException e) {
                        failure = e;
                    }
                    end(result, answer, failure);
                };
                try {
                    io.execute(overTcp);
                } catch (RejectedExecutionException e) {
                    overTcp.run();
                }
            }

            @Override
            public void failure(IOException e) {
                end(result, null, e);
            }
        };
        for (int attempt = 0; attempt < 2; attempt++) { // a socket closed for idleness meanwhile: once more
            LoopbackExchange exchange = sharedExchange(server);
            if (exchange == null) {
                return false;
            }
            LoopbackExchange.Sent sent = exchange.send(query, deadline, outcome);
            if (sent != null) {
                result.whenComplete((m, e) -> {
                    if (result.isCancelled()) {
                        exchange.cancel(sent);
                    }
                });
                return true;
            }
            loopback.remove(server, exchange);
        }
        return false;
    }

    /**
     * The query is over: it leaves the in-flight count before its dependents run here, so a dependent that waits
     * (even on another lookup) holds this thread, never a slot of maxInFlight.
     */
    private void end(CompletableFuture<Message> result, Message reply, Exception failure) {
        inFlight.decrementAndGet();
        if (failure == null) {
            result.complete(reply);
        } else {
            result.completeExceptionally(failure);
        }
    }

    private LoopbackExchange sharedExchange(InetSocketAddress server) {
        LoopbackExchange existing = loopback.get(server);
        if (existing != null && !existing.isClosed()) {
            return existing;
        }
        if (existing != null) {
            loopback.remove(server, existing);
        }
        if (loopback.size() >= MAX_LOOPBACK_SERVERS) {
            return null;
        }
        try {
            return loopback.computeIfAbsent(server, s -> {
                try {
                    return LoopbackExchange.open(s, io, random, DEADLINES,
                            (channel, address) -> bindRandomPortTo(channel, loopbackOf(address), random.nextLong()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            LOG.debug("no shared socket to {} ({}): a socket per query", server, e.getCause().toString());
            return null;
        }
    }

    /** The loopback address of the server's family: the shared socket's own address. */
    private static InetAddress loopbackOf(InetAddress server) {
        return server instanceof Inet6Address ? LOOPBACK_V6 : LOOPBACK_V4;
    }

    private Message exchange(Message query, InetSocketAddress server, long deadline,
                             CompletableFuture<Message> result) throws IOException {
        long draw = random.nextLong(); // one draw from the CSPRNG a query: the ID and the first source port
        int id = (int) (draw & 0xffff);
        byte[] wire = QueryWire.of(query, id, EDNS_PAYLOAD);
        Record question = query.getQuestion();
        Message reply = udp(id, question, wire, server, deadline, draw >>> 16, result);
        if (reply.getHeader().getFlag(Flags.TC) && !result.isCancelled()) {
            LOG.debug("{} from {}: truncated, asking over TCP", question, server);
            reply = tcp(id, question, wire, server, deadline);
        }
        return reply;
    }

    /**
     * One UDP exchange on a fresh channel (RFC 5452 §9.1: its own random source port, connected to the server so
     * the kernel drops datagrams from any other address or port). The receive blocks with no timeout, a single
     * system call that returns when a datagram arrives; the deadline is kept by {@link #DEADLINES}, which closes the
     * channel when it passes, and so does cancelling {@code result}. An IPv4 server gets an IPv4 socket.
     */
    private Message udp(int id, Record question, byte[] wire, InetSocketAddress server, long deadline,
                        long portDraw, CompletableFuture<Message> result) throws IOException {
        ProtocolFamily family = server.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        UdpChannel udp = new UdpChannel(DatagramChannel.open(family), openChannels);
        ScheduledFuture<?> timer = null;
        try {
            timer = DEADLINES.schedule(udp::expire, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            result.whenComplete((m, e) -> {
                if (result.isCancelled()) {
                    udp.close();
                }
            });
            DatagramChannel channel = udp.channel();
            bindRandomPort(channel, server.getAddress(), portDraw);
            channel.connect(server);
            channel.write(ByteBuffer.wrap(wire));
            ByteBuffer buffer = RECEIVE_BUFFERS.get();
            while (true) {
                buffer.clear();
                channel.read(buffer);
                buffer.flip();
                Message reply = matchingDatagram(id, question, buffer);
                if (reply != null) {
                    return reply;
                }
            }
        } catch (ClosedChannelException e) {
            if (udp.expired()) {
                throw new SocketTimeoutException("no matching answer within the time budget");
            }
            throw e;
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            udp.close();
        }
    }

    private static Message tcp(int id, Record question, byte[] wire, InetSocketAddress server, long deadline)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, remainingMillis(deadline));
            OutputStream out = socket.getOutputStream();
            byte[] framed = new byte[wire.length + 2];
            framed[0] = (byte) (wire.length >>> 8);
            framed[1] = (byte) wire.length;
            System.arraycopy(wire, 0, framed, 2, wire.length);
            out.write(framed);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] length = readFully(socket, in, new byte[2], deadline);
            byte[] body = readFully(socket, in, new byte[((length[0] & 0xff) << 8) | (length[1] & 0xff)], deadline);
            Message reply = matching(id, question, ByteBuffer.wrap(body));
            if (reply == null) {
                throw new WireParseException("TCP answer from " + server + " does not match the query");
            }
            return reply;
        }
    }

    /** Reads exactly {@code into.length} octets, each read bounded by what is left of the deadline. */
    private static byte[] readFully(Socket socket, InputStream in, byte[] into, long deadline) throws IOException {
        int done = 0;
        while (done < into.length) {
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(into, done, into.length - done);
            if (n < 0) {
                throw new IOException("TCP connection closed after " + done + " of " + into.length + " octets");
            }
            done += n;
        }
        return into;
    }

    /**
     * {@link #matching} for an answer that came over UDP, marked truncated (so asked again over TCP) when it is
     * larger than the {@link #EDNS_PAYLOAD} the query offered (review s22). A server must not send more (RFC 6891
     * §6.2.3), and an answer that large may have crossed the network in IP fragments: an off-path attacker can
     * forge a later fragment without knowing the ID or the source port, which are in the first (the fragment
     * attack: Herzberg and Shulman, 2013). Over TCP there are no such fragments.
     */
    static Message matchingDatagram(int id, Record asked, ByteBuffer wire) {
        int length = wire.remaining();
        Message reply = matching(id, asked, wire);
        if (reply != null && length > EDNS_PAYLOAD && !reply.getHeader().getFlag(Flags.TC)) {
            LOG.debug("a UDP answer of {} octets for {}, more than the {} offered: asking over TCP", length, asked,
                    EDNS_PAYLOAD);
            reply.getHeader().setFlag(Flags.TC);
        }
        return reply;
    }

    /**
     * The answer in {@code wire} (position to limit) if it answers the query: ID {@code id}, QR set, the single
     * question {@code asked} (name, type, class). An error answer without a question (FORMERR, NOTIMP...) is taken
     * on its ID: it carries no data. Anything else (unparsable, another ID or question) gives null. The ID and the
     * QR bit are read from the octets first, so a datagram with another ID is not even parsed.
     */
    static Message matching(int id, Record asked, ByteBuffer wire) {
        int length = wire.remaining();
        if (length < HEADER_LENGTH || (wire.getShort(wire.position()) & 0xffff) != id
                || (wire.get(wire.position() + 2) & QR_BIT) == 0) {
            LOG.debug("ignoring a datagram with another ID, no QR bit or no header for {}", asked);
            return null;
        }
        Message reply;
        try {
            byte[] octets = new byte[length];
            wire.get(octets);
            // an MX or PTR answer parsed no further than what the checks use (AnswerTrim)
            reply = new Message(AnswerTrim.trim(octets, asked.getType()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring an unparsable datagram for {}: {}", asked, e.toString());
            return null;
        }
        Record question = reply.getQuestion();
        if (question == null) {
            int rcode = reply.getRcode();
            return rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN ? reply : null;
        }
        if (reply.getSection(Section.QUESTION).size() != 1 || !question.getName().equals(asked.getName())
                || question.getType() != asked.getType() || question.getDClass() != asked.getDClass()) {
            LOG.debug("ignoring an answer to another question ({}) for {}", question, asked);
            return null;
        }
        return reply;
    }

    /**
     * RFC 5452 §9.2 / RFC 6056 §3.2: a random source port from the ephemeral range (the first one from
     * {@code draw}, a value from the CSPRNG; the next ones, if a port is taken, drawn again); the system's choice if
     * {@link #PORT_ATTEMPTS} drawn ports are all taken.
     */
    private void bindRandomPort(DatagramChannel channel, InetAddress server, long draw) throws IOException {
        bindRandomPortTo(channel, anyAddress(server), draw);
    }

    private void bindRandomPortTo(DatagramChannel channel, InetAddress any, long draw) throws IOException {
        long bits = draw;
        for (int i = 0; i < PORT_ATTEMPTS; i++) {
            int port = PORT_LOW + (int) Long.remainderUnsigned(bits, PORT_HIGH - PORT_LOW + 1);
            try {
                channel.bind(new InetSocketAddress(any, port));
                return;
            } catch (BindException e) {
                LOG.trace("source port {} taken: {}", port, e.toString());
            }
            bits = random.nextLong() >>> 16;
        }
        channel.bind(new InetSocketAddress(any, 0));
    }

    private static InetAddress anyAddress(InetAddress server) {
        return server instanceof Inet6Address ? ANY_V6 : ANY_V4;
    }

    private static ScheduledThreadPoolExecutor deadlineTimer() {
        return Deadlines.tickingTimer("authpack-dns-deadlines", DEADLINE_TICK_MILLIS);
    }

    /** A UDP exchange's channel, closed once by whichever comes first: the answer, the deadline, a cancel. */
    private static final class UdpChannel {
        private final DatagramChannel channel;
        private final AtomicInteger open;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean expired;

        UdpChannel(DatagramChannel channel, AtomicInteger open) {
            this.channel = channel;
            this.open = open;
            open.incrementAndGet();
        }

        DatagramChannel channel() {
            return channel;
        }

        /** The deadline has passed: a receive waiting on the channel ends with a ClosedChannelException. */
        void expire() {
            expired = true;
            close();
        }

        boolean expired() {
            return expired;
        }

        void close() {
            if (closed.getAndSet(true)) {
                return;
            }
            open.decrementAndGet();
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a DNS channel: {}", e.toString());
            }
        }
    }

    private static InetAddress address(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress wildcard(int length) {
        try {
            return InetAddress.getByAddress(new byte[length]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Milliseconds left (at least 1 while any time is left); a timeout when none is. */
    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new SocketTimeoutException("no matching answer within the time budget");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
    }
}
