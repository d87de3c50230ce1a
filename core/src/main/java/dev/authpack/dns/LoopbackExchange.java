package dev.authpack.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queries to one DNS server on a loopback address (127.0.0.0/8 or ::1: a resolver on this host, such as
 * unbound, systemd-resolved or Docker's embedded server) over one long-lived connected UDP socket, instead of a
 * socket per query ({@link DnsTransport}'s way for every other server).
 *
 * <p><b>Why it is safe.</b> RFC 5452's defence of a random source port per query (§9.2) is against off-path
 * forgery: an attacker elsewhere on the network sending answers that guess the ID and the port. A datagram from a
 * loopback address can only come from this host (the kernel drops loopback source addresses that arrive on any
 * other interface; for IPv4 on Linux only while {@code route_localnet} is off, so with it on an IPv4 loopback
 * server gets a socket per query: {@link #ipv4LoopbackOnlyLocal}), and this socket is connected, so the kernel
 * hands it only datagrams from the server's very address and port, which the resolver holds. Everything else stays: a random ID per query, unique among the
 * queries pending on the socket; an answer is taken only with the ID, the QR bit and the question of its query
 * ({@link DnsTransport#matching}), anything else is ignored and the wait goes on; one deadline per query; the
 * socket's source port is random (RFC 6056) and the socket is closed after {@link #IDLE} without a query.
 *
 * <p><b>Why.</b> A socket per query costs its creation, binding, connection and closing, a hand-off to an I/O
 * thread and a timed receive (non-blocking mode, a failed receive, a poll) every time: 60–90 µs of CPU a query
 * measured alone, more in a busy James; here a query is one send on the caller's thread (or on the thread writing
 * at that moment: a sender never waits for another's write, {@link #write}) and one read on the reader's
 * (docs/benchmarks.md, "Session 7: a resolver on loopback shares one socket").
 *
 * <p><b>Threads.</b> A reader thread blocks in {@code read}; a matched answer leaves the pending table there and its
 * {@link Outcome} runs on that thread, so what depends on the answer runs with no hand-off (a hand-off to a pool
 * thread was a third of the cost a query). A dependent that blocks (waits for another lookup) must not stop the
 * answers: a watchdog on the timer thread starts another reader when no reader has been reading for
 * {@link #STALL_NANOS} while queries are pending, and a reader that finds another one reading after its outcome
 * ends. Deadlines are tasks of one shared timer thread, cancelled when the answer comes; expired and failed queries
 * are told on the transport's I/O pool (never on the timer thread, which also runs the watchdog). Bounded: the
 * pending table by the transport's in-flight bound (IDs are drawn at most {@link #ID_TRIES} times), at most
 * {@link #MAX_READERS} readers with a receive buffer each, one exchange per loopback server ({@link DnsTransport}).
 */
final class LoopbackExchange {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackExchange.class);

    /** An exchange without a pending query this long closes its socket (a new one opens with the next query). */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Random IDs tried for a query before it fails (at most 256 of the 65,536 are in use). */
    static final int ID_TRIES = 32;
    /** The socket's receive buffer: answers of every pending query at once (256 × 1,232 octets and more). */
    static final int RECEIVE_BUFFER = 1 << 20;
    /** No reader reading this long while queries are pending: the readers are held by outcomes, start another. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Readers at once per exchange (each held by a dependent that waits, beyond the first). */
    static final int MAX_READERS = 64;

    private static final AtomicInteger READERS = new AtomicInteger();

    /**
     * What becomes of a query, told once: an answer on a reader thread, a failure on the I/O pool (or on the sending
     * thread when the send itself fails).
     */
    interface Outcome {
        /** The answer matching the query sent with this ID as these octets ({@code wire}: for TCP, if truncated). */
        void answer(int id, byte[] wire, Message reply);

        void failure(IOException e);
    }

    /** A query sent and not yet answered, failed or expired: what {@link #cancel} takes. */
    static final class Sent {
        final int id;
        final Record question;
        final byte[] wire;
        final Outcome outcome;
        volatile ScheduledFuture<?> deadline;

        Sent(int id, Record question, byte[] wire, Outcome outcome) {
            this.id = id;
            this.question = question;
            this.wire = wire;
            this.outcome = outcome;
        }
    }

    private final InetSocketAddress server;
    private final DatagramChannel channel;
    private final Executor completions;
    private final SecureRandom random;
    private final ScheduledThreadPoolExecutor timer;
    private final ConcurrentHashMap<Integer, Sent> pending = new ConcurrentHashMap<>();
    /** Datagrams to write, and whether a thread is writing them ({@link #write}). */
    private final ConcurrentLinkedQueue<Sent> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Tests: runs when a writer has found the queue empty, before it lets go of the writer's place. */
    private volatile Runnable afterDrain;
    private final ScheduledFuture<?> watch;
    /** Reader threads alive, and those in (or about to enter) {@code read}. */
    private final AtomicInteger readers = new AtomicInteger();
    private final java.util.Set<Thread> readerThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger reading = new AtomicInteger();
    private volatile long lastRead = System.nanoTime();
    private volatile long lastUse = System.nanoTime();
    private volatile boolean closed;

    private LoopbackExchange(InetSocketAddress server, DatagramChannel channel, Executor completions,
                             SecureRandom random, ScheduledThreadPoolExecutor timer) {
        this.server = server;
        this.channel = channel;
        this.completions = completions;
        this.random = random;
        this.timer = timer;
        this.watch = timer.scheduleWithFixedDelay(() -> watch(System.nanoTime()), STALL_NANOS, STALL_NANOS,
                TimeUnit.NANOSECONDS);
    }

    /** Linux's IPv4 settings per interface ({@link #ipv4LoopbackOnlyLocal}). */
    static final Path IPV4_CONF = Path.of("/proc/sys/net/ipv4/conf");
    private static final boolean LINUX =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    /** Interfaces looked at, at most (a host has a few; a container host some hundreds). */
    private static final int MAX_INTERFACES = 4096;

    /**
     * True for a server this class may serve: an address on loopback, and for IPv4 only while a datagram from
     * 127.0.0.0/8 can only come from this host ({@code ipv4LoopbackLocal}, {@link #ipv4LoopbackOnlyLocal}). An IPv6
     * {@code ::1} source arriving on another interface is always dropped (RFC 4291 §2.5.3).
     */
    static boolean serves(InetSocketAddress server, boolean ipv4LoopbackLocal) {
        InetAddress address = server.getAddress();
        return address != null && address.isLoopbackAddress()
                && (ipv4LoopbackLocal || address instanceof Inet6Address);
    }

    /**
     * Whether the kernel drops IPv4 datagrams from a loopback source that arrive on another interface (review s22).
     * Linux does unless {@code route_localnet} is set ({@code conf/all}, or the interface's own; {@code default}
     * counts too, for interfaces made later): kube-proxy sets it for NodePorts on localhost (CVE-2020-8558), and then
     * a host on the same link can send "from 127.0.0.1:53". Anything but a 0 read there counts as set. No such
     * directory: true on another kernel (which drops such datagrams), false on Linux, where it only means
     * {@code /proc} is not mounted (a chroot, a sandbox) and says nothing of the setting (review s22, reviewA). Read
     * once, when the transport is made: a setting turned on later is seen only after a restart.
     */
    static boolean ipv4LoopbackOnlyLocal(Path conf) {
        if (!Files.isDirectory(conf)) {
            return !LINUX;
        }
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(conf)) {
            int seen = 0;
            for (Path device : devices) {
                if (++seen > MAX_INTERFACES) {
                    return false;
                }
                if (device.getFileName().toString().equals("lo")) {
                    continue; // datagrams on the loopback interface itself are this host's
                }
                Path setting = device.resolve("route_localnet");
                if (Files.exists(setting) && !Files.readString(setting).strip().equals("0")) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {}: {}", conf, e.toString());
            return false;
        }
    }

    /** A connected socket to {@code server} from a random port ({@code bind}), and its reader thread. */
    static LoopbackExchange open(InetSocketAddress server, Executor completions, SecureRandom random,
                                 ScheduledThreadPoolExecutor timer, PortBinder bind) throws IOException {
        boolean v6 = server.getAddress() instanceof Inet6Address;
        DatagramChannel channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.socket().setReceiveBufferSize(RECEIVE_BUFFER);
            bind.bind(channel, server.getAddress());
            channel.connect(server);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        LoopbackExchange exchange = new LoopbackExchange(server, channel, completions, random, timer);
        exchange.startReader();
        return exchange;
    }

    private void startReader() {
        readers.incrementAndGet();
        Thread reader = new Thread(this::read, "authpack-dns-loopback-" + READERS.incrementAndGet());
        reader.setDaemon(true);
        readerThreads.add(reader);
        reader.start();
    }

    /** Binds a new channel to a random local port (the transport's RFC 6056 choice). */
    interface PortBinder {
        void bind(DatagramChannel channel, InetAddress server) throws IOException;
    }

    /**
     * Sends {@code query} (not changed: its octets get a random ID unique among the pending queries and the EDNS
     * option, {@link QueryWire}) and has {@code outcome} told the answer, or a failure: {@link SocketTimeoutException}
     * at {@code deadline} ({@link System#nanoTime}), another {@link IOException} for a network error.
     *
     * @return the query sent (for {@link #cancel}); null when this exchange has been closed meanwhile: nothing was
     *         sent, send through a new one
     */
    Sent send(Message query, long deadline, Outcome outcome) {
        lastUse = System.nanoTime();
        if (closed) {
            return null;
        }
        Record question = query.getQuestion();
        Sent p = null;
        for (int i = 0; i < ID_TRIES && p == null; i++) {
            int candidate = random.nextInt(0x10000);
            Sent s = new Sent(candidate, question, QueryWire.of(query, candidate, DnsTransport.EDNS_PAYLOAD), outcome);
            if (pending.putIfAbsent(candidate, s) == null) {
                p = s;
            }
        }
        if (p == null) {
            outcome.failure(new IOException("no free query ID towards " + server));
            return new Sent(-1, question, new byte[0], outcome);
        }
        Sent sent = p;
        p.deadline = timer.schedule(() -> expire(sent), Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        outbox.add(p);
        return write(p) ? p : null;
    }

    /**
     * Writes the queued datagrams, {@code own} among them, unless another thread is writing: that one writes them
     * before it stops (it looks at the queue again after letting go, so nothing queued is left behind). A sender
     * never waits for another's write: the channel's own write lock parked SMTP threads behind a sender the
     * scheduler had taken off its CPU (5,505 parks in a cold James run, median 0.46 ms; docs/benchmarks.md,
     * "Session 8: where the pack's James waits").
     *
     * @return false when {@code own} met a closed socket here (it left the table: send it through a new exchange)
     */
    private boolean write(Sent own) {
        boolean ownWritten = true;
        while (!outbox.isEmpty() && writing.compareAndSet(false, true)) {
            try {
                for (Sent s; (s = outbox.poll()) != null; ) {
                    if (!writeNow(s, s == own)) {
                        ownWritten = false;
                    }
                }
                Runnable drained = afterDrain;
                if (drained != null) {
                    drained.run();
                }
            } finally {
                writing.set(false);
            }
        }
        return ownWritten;
    }

    /**
     * One datagram. A network error is told to the query's outcome; a closed socket too, unless the query is the
     * writing thread's own ({@code own}: it sends it again through a new exchange, so it is only taken out).
     *
     * @return false when {@code own} met a closed socket
     */
    private boolean writeNow(Sent s, boolean own) {
        try {
            channel.write(ByteBuffer.wrap(s.wire));
            return true;
        } catch (ClosedChannelException e) {
            if (drop(s) && !own) {
                s.outcome.failure(e);
            }
            return !own;
        } catch (IOException | RuntimeException e) {
            if (drop(s)) {
                s.outcome.failure(e instanceof IOException io ? io : new IOException(e));
            }
            return true;
        }
    }

    /** A query given up by its asker: it leaves the table (its outcome is told, on this thread) if still there. */
    void cancel(Sent sent) {
        if (drop(sent)) {
            sent.outcome.failure(new IOException("cancelled"));
        }
    }

    /** Queries sent and not yet answered, failed or expired (tests). */
    int pending() {
        return pending.size();
    }

    /** The socket's local port (tests). */
    int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Tests: takes the writer's place as another sending thread would while it writes (false if one is writing):
     * sends then queue their datagrams and return; {@link #releaseWrites} writes them.
     */
    boolean holdWrites() {
        return writing.compareAndSet(false, true);
    }

    /** Tests: leaves the writer's place taken by {@link #holdWrites} and writes what was queued meanwhile. */
    void releaseWrites() {
        writing.set(false);
        write(null);
    }

    /** Tests: what a writer runs when it has found the queue empty, before it lets go ({@link #write}). */
    void afterDrain(Runnable hook) {
        afterDrain = hook;
    }

    /** Datagrams queued and not yet written (tests). */
    int queuedWrites() {
        return outbox.size();
    }

    /** Reader threads alive (tests). */
    int readers() {
        return readers.get();
    }

    /** Closes the socket; pending queries fail. */
    void close() {
        closed = true;
        watch.cancel(false);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the socket to {}: {}", server, e.toString());
        }
        failAll(new IOException("the socket to " + server + " was closed"));
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(DnsTransport.MAX_MESSAGE);
        try {
            while (!closed) {
                buffer.clear();
                reading.incrementAndGet();
                try {
                    channel.read(buffer);
                } catch (PortUnreachableException e) {
                    // an ICMP error for one of the datagrams sent: nothing listens on the server's port, so none of
                    // the pending queries will be answered; they fail now (the resolver tries again), not at the
                    // deadline
                    failAll(e);
                    continue;
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("DNS socket to {} failed, closed: {}", server, e.toString());
                    close();
                    break;
                } finally {
                    reading.decrementAndGet();
                    lastRead = System.nanoTime();
                }
                try {
                    answer(buffer.array(), buffer.position());
                } catch (RuntimeException e) {
                    LOG.warn("an answer from {} not handled: {}", server, e.toString());
                }
                if (reading.get() > 0 && readers.get() > 1) {
                    return; // another reader took over while this one ran an outcome: one is enough
                }
            }
        } finally {
            readers.decrementAndGet();
            readerThreads.remove(Thread.currentThread());
        }
        failAll(new IOException("the socket to " + server + " was closed"));
    }

    /**
     * The pending query this datagram answers ({@link DnsTransport#matchingDatagram}) leaves the table, and is told.
     */
    private void answer(byte[] datagram, int length) {
        if (length < 2) {
            return;
        }
        int id = ((datagram[0] & 0xff) << 8) | (datagram[1] & 0xff);
        Sent p = pending.get(id);
        if (p == null) {
            LOG.debug("ignoring a datagram from {} for no pending query (ID {})", server, id);
            return;
        }
        Message reply = DnsTransport.matchingDatagram(p.id, p.question, ByteBuffer.wrap(datagram, 0, length));
        if (reply == null || !drop(p)) {
            return; // not its answer (ignored, the wait goes on), or it expired meanwhile
        }
        p.outcome.answer(p.id, p.wire, reply); // here, on the reader: the watchdog covers an outcome that waits
    }

    private void expire(Sent p) {
        if (pending.remove(p.id, p)) {
            hand(() -> p.outcome.failure(new SocketTimeoutException("no matching answer within the time budget")));
        }
    }

    /** Takes {@code p} out of the table and stops its deadline; false when it was no longer there. */
    private boolean drop(Sent p) {
        if (!pending.remove(p.id, p)) {
            return false;
        }
        ScheduledFuture<?> deadline = p.deadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        return true;
    }

    private void failAll(IOException e) {
        for (var entry : pending.entrySet()) {
            Sent p = entry.getValue();
            if (drop(p)) {
                hand(() -> p.outcome.failure(e));
            }
        }
    }

    /** Runs an outcome on the I/O pool; on this thread when the pool is saturated (no outcome is ever lost). */
    private void hand(Runnable outcome) {
        try {
            completions.execute(outcome);
        } catch (RejectedExecutionException e) {
            outcome.run();
        }
    }

    /**
     * The timer's look at the exchange: readers all held by outcomes that wait (start one more), or idle (close).
     * A reader that merely waits for a CPU (RUNNABLE: a busy machine) is not held: starting threads then would only
     * add work.
     */
    void watch(long now) {
        if (!closed && reading.get() == 0 && !pending.isEmpty() && now - lastRead > STALL_NANOS
                && readers.get() < MAX_READERS && readerThreads.stream().noneMatch(LoopbackExchange::running)) {
            LOG.debug("DNS socket to {}: every reader is held by an outcome, one more starts", server);
            startReader();
        }
        closeIfIdle(now);
    }

    private static boolean running(Thread reader) {
        return reader.getState() == Thread.State.RUNNABLE;
    }

    /** Closes the socket when no query is pending and none was sent for {@link #IDLE_NANOS} before {@code now}. */
    void closeIfIdle(long now) {
        if (!closed && pending.isEmpty() && now - lastUse > IDLE_NANOS) {
            LOG.debug("DNS socket to {} idle, closed", server);
            close();
        }
    }
}
