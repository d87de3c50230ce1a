package dev.authpack.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.WireParseException;

/**
 * Sends one DNS query to one server over UDP, and again over TCP when the answer is truncated (RFC 1035
 * §4.2.1, RFC 7766), on the JDK's sockets; dnsjava only encodes and decodes the messages. Each query has its own
 * socket and is served by a thread of a bounded pool that blocks in {@code receive} until the answer or the
 * deadline: the answer is read the moment it arrives (no shared selector that wakes once a second), and a
 * query never waits for another. The future completes on that same thread, after the query has left the in-flight
 * count: what depends on the answer runs there, with no further hand-off; a dependent that blocks holds one pool
 * thread (at most twice {@code maxInFlight} of them; past that, new queries fail at once) but no query slot.
 *
 * <p>Against forged answers (RFC 5452 §9.1): a random 16-bit ID per query, a random source port per query, a
 * connected UDP socket (the kernel drops datagrams from any other address or port), and an answer is taken only
 * if it has the ID, the QR bit and the question of the query; anything else is ignored and the wait goes on
 * until the deadline. Bounded: at most {@code maxInFlight} queries at once (more fail at once), one receive
 * buffer each, and one deadline for the UDP and TCP exchange together.
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
    /** Loopback servers with a socket of their own ({@link LoopbackExchange}); queries to more use sockets per query. */
    static final int MAX_LOOPBACK_SERVERS = 16;
    /** Idle I/O threads end after this long. */
    private static final long THREAD_KEEP_ALIVE_SECONDS = 30;

    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * The receive buffer of each I/O thread, kept for its next query: a fresh 64 KB buffer per query was most of
     * what a cold-cache check allocated (about 7 queries a mail). Only the thread that owns it reads or writes it,
     * and an answer is parsed into a {@link Message} (from a copy of its octets) before the thread takes another
     * query. Bounded like the threads: at most one per I/O thread.
     */
    private static final ThreadLocal<byte[]> RECEIVE_BUFFERS = ThreadLocal.withInitial(() -> new byte[MAX_MESSAGE]);

    private final SecureRandom random = new SecureRandom();
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ThreadPoolExecutor io;
    /** Whether queries to a loopback server share one socket ({@link LoopbackExchange}); tests turn it off. */
    private final boolean shareLoopbackSockets;
    private final ConcurrentHashMap<InetSocketAddress, LoopbackExchange> loopback = new ConcurrentHashMap<>();

    DnsTransport() {
        this(DEFAULT_MAX_IN_FLIGHT);
    }

    DnsTransport(int maxInFlight) {
        this(maxInFlight, true);
    }

    DnsTransport(int maxInFlight, boolean shareLoopbackSockets) {
        this.shareLoopbackSockets = shareLoopbackSockets;
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

    /** The shared socket to a loopback server, if one is open (tests). */
    LoopbackExchange sharedExchangeOf(InetSocketAddress server) {
        return loopback.get(server);
    }

    /** Queries being sent or waited for now. */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Sends {@code query} (not changed: a copy gets the random ID and the EDNS option) and completes with the
     * matching answer, or exceptionally: {@link SocketTimeoutException} when no matching answer came within
     * {@code timeout}, another {@link IOException} for a network error or too many queries in flight.
     */
    CompletableFuture<Message> send(Message query, InetSocketAddress server, java.time.Duration timeout) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            result.completeExceptionally(new IOException("more than " + maxInFlight + " DNS queries in flight"));
            return result;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (shareLoopbackSockets && LoopbackExchange.serves(server) && sendShared(query, server, deadline, result)) {
            return result;
        }
        try {
            io.execute(() -> {
                Message reply = null;
                Exception failure = null;
                try {
                    reply = exchange(query, server, deadline);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                } finally {
                    // the query is over before its dependents run here: a dependent that waits (even on another
                    // lookup) holds this thread, never a slot of maxInFlight
                    inFlight.decrementAndGet();
                }
                if (failure == null) {
                    result.complete(reply);
                } else {
                    result.completeExceptionally(failure);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            result.completeExceptionally(new IOException("DNS I/O pool refused the query", e));
        }
        return result;
    }

    /**
     * Sends over the server's shared socket ({@link LoopbackExchange}); false when there is none to use (more than
     * {@link #MAX_LOOPBACK_SERVERS}, or it could not be opened): then nothing was sent. A truncated answer is asked
     * again over TCP on the I/O pool thread the answer came to, as on the per-query path.
     */
    private boolean sendShared(Message query, InetSocketAddress server, long deadline,
                               CompletableFuture<Message> result) {
        Message q = prepared(query);
        LoopbackExchange.Outcome outcome = new LoopbackExchange.Outcome() {
            @Override
            public void answer(Message sent, Message reply) {
                if (!reply.getHeader().getFlag(Flags.TC)) {
                    inFlight.decrementAndGet(); // over before its dependents run, as on the per-query path
                    result.complete(reply);
                    return;
                }
                LOG.debug("{} from {}: truncated, asking over TCP", sent.getQuestion(), server);
                Runnable overTcp = () -> {
                    Message answer = null;
                    Exception failure = null;
                    try {
                        answer = tcp(sent, sent.toWire(), server, deadline);
                    } catch (IOException | RuntimeException e) {
                        failure = e;
                    }
                    inFlight.decrementAndGet();
                    if (failure == null) {
                        result.complete(answer);
                    } else {
                        result.completeExceptionally(failure);
                    }
                };
                try {
                    io.execute(overTcp); // a TCP exchange blocks: never on the socket's reader
                } catch (RejectedExecutionException e) {
                    overTcp.run();
                }
            }

            @Override
            public void failure(IOException e) {
                inFlight.decrementAndGet();
                result.completeExceptionally(e);
            }
        };
        for (int attempt = 0; attempt < 2; attempt++) { // a socket closed for idleness meanwhile: once more
            LoopbackExchange exchange = sharedExchange(server);
            if (exchange == null) {
                return false;
            }
            if (exchange.send(q, deadline, outcome)) {
                return true;
            }
            loopback.remove(server, exchange);
        }
        return false;
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
                    return LoopbackExchange.open(s, io, random,
                            (channel, address) -> bindRandomPortTo(channel.socket(), loopbackOf(address)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            LOG.debug("no shared socket to {} ({}): a socket per query", server, e.getCause().toString());
            return null;
        }
    }

    /** The loopback address of the server's family, the shared socket's own address. */
    private static InetAddress loopbackOf(InetAddress server) throws SocketException {
        try {
            return InetAddress.getByAddress(server instanceof Inet6Address
                    ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1} : new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new SocketException("no loopback address: " + e.getMessage());
        }
    }

    /** A copy of {@code query} with the EDNS option (RFC 6891); its ID is set where it is sent. */
    private static Message prepared(Message query) {
        Message q = query.clone();
        if (q.getOPT() == null) {
            q.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return q;
    }

    private Message exchange(Message query, InetSocketAddress server, long deadline) throws IOException {
        Message q = prepared(query);
        q.getHeader().setID(random.nextInt(0x10000));
        byte[] wire = q.toWire();
        Message reply = udp(q, wire, server, deadline);
        if (reply.getHeader().getFlag(Flags.TC)) {
            LOG.debug("{} from {}: truncated, asking over TCP", q.getQuestion(), server);
            reply = tcp(q, wire, server, deadline);
        }
        return reply;
    }

    private Message udp(Message q, byte[] wire, InetSocketAddress server, long deadline) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            bindRandomPort(socket, server.getAddress());
            socket.connect(server);
            socket.send(new DatagramPacket(wire, wire.length));
            byte[] buffer = RECEIVE_BUFFERS.get();
            while (true) {
                socket.setSoTimeout(remainingMillis(deadline));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message reply = matching(q, buffer, packet.getLength());
                if (reply != null) {
                    return reply;
                }
            }
        }
    }

    private Message tcp(Message q, byte[] wire, InetSocketAddress server, long deadline) throws IOException {
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
            Message reply = matching(q, body, body.length);
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
     * The answer in {@code wire} if it answers {@code q}: same ID, QR set, the same single question (name, type,
     * class). An error answer without a question (FORMERR, NOTIMP...) is taken on its ID: it carries no data.
     * Anything else (unparsable, another ID or question) gives null.
     */
    static Message matching(Message q, byte[] wire, int length) {
        Message reply;
        try {
            reply = new Message(Arrays.copyOf(wire, length));
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring an unparsable datagram for {}: {}", q.getQuestion(), e.toString());
            return null;
        }
        if (reply.getHeader().getID() != q.getHeader().getID() || !reply.getHeader().getFlag(Flags.QR)) {
            LOG.debug("ignoring an answer with another ID or no QR bit for {}", q.getQuestion());
            return null;
        }
        Record asked = q.getQuestion();
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

    /** RFC 5452 §9.2 / RFC 6056: a random source port; the system's choice if several drawn ports are taken. */
    private void bindRandomPort(DatagramSocket socket, InetAddress server) throws SocketException {
        bindRandomPortTo(socket, anyAddress(server));
    }

    private void bindRandomPortTo(DatagramSocket socket, InetAddress any) throws SocketException {
        for (int i = 0; i < PORT_ATTEMPTS; i++) {
            int port = PORT_LOW + random.nextInt(PORT_HIGH - PORT_LOW + 1);
            try {
                socket.bind(new InetSocketAddress(any, port));
                return;
            } catch (SocketException e) {
                LOG.trace("source port {} taken: {}", port, e.toString());
            }
        }
        socket.bind(new InetSocketAddress(any, 0));
    }

    private static InetAddress anyAddress(InetAddress server) throws SocketException {
        try {
            return InetAddress.getByAddress(new byte[server instanceof Inet6Address ? 16 : 4]);
        } catch (java.net.UnknownHostException e) {
            throw new SocketException("no wildcard address: " + e.getMessage());
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
