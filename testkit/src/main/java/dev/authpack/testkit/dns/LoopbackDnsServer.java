package dev.authpack.testkit.dns;

import dev.authpack.zonefile.ZoneData;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real, authoritative DNS server on loopback (UDP and TCP on the same port) that answers from RFC 1035 zone
 * files, for tests and the README demo. Failure modes let tests provoke what SPF and friends must turn into
 * {@code temperror}: {@link #servfail} answers SERVFAIL, {@link #drop} never answers (the client times out), and
 * {@link #truncate} answers over UDP with only the TC bit so the client must retry over TCP.
 *
 * <p>Failure rules match a name exactly; a rule written {@code *.example.com} matches every name strictly below
 * {@code example.com}. A rule may be limited to one record type.
 *
 * <p>Thread-safe. All threads are daemon threads; {@link #close()} stops them.
 */
public final class LoopbackDnsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackDnsServer.class);

    /** RFC 1035 §4.2.1: UDP messages are at most 512 octets unless EDNS says more. */
    static final int UDP_PLAIN_LIMIT = 512;
    /** Largest UDP answer we send even if the client offers more (the usual 2020 DNS flag day value). */
    static final int UDP_EDNS_LIMIT = 1232;
    /** TCP connections served at once; more are refused (closed). */
    static final int MAX_TCP_CONNECTIONS = 16;
    /** Idle time after which a TCP connection is closed. */
    static final int TCP_IDLE_MILLIS = 10_000;
    /** Queries answered on one TCP connection before it is closed. */
    static final int MAX_QUERIES_PER_TCP_CONNECTION = 1_000;
    private static final int BIND_ATTEMPTS = 20;

    private enum Mode { SERVFAIL, DROP, TRUNCATE }

    private record Rule(Name name, boolean below, int type, Mode mode) {
        boolean matches(Name qname, int qtype) {
            if (type >= 0 && type != qtype) {
                return false;
            }
            return below ? qname.subdomain(name) && !qname.equals(name) : qname.equals(name);
        }
    }

    private volatile ZoneData data;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    /** Per-query faults for soak tests ({@link #faults}, {@link #delay}); applied after {@link #rules}. */
    private final FaultInjector faults = new FaultInjector();
    private final List<DatagramSocket> udpSockets = new ArrayList<>();
    private final List<ServerSocket> tcpSockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ThreadPoolExecutor tcpWorkers;
    private final AtomicLong udpQueries = new AtomicLong();
    private final AtomicLong tcpQueries = new AtomicLong();
    private final int port;
    private final boolean ipv6Bound;
    /** Every answer is sent this late ({@link #answerDelay}); 0: at once. */
    private volatile long answerDelayMillis;
    private volatile boolean closed;

    private LoopbackDnsServer(ZoneData data, int requestedPort, boolean ipv6, Duration answerDelay)
            throws IOException {
        this.data = data;
        answerDelay(answerDelay);
        AtomicInteger n = new AtomicInteger();
        this.tcpWorkers = new ThreadPoolExecutor(MAX_TCP_CONNECTIONS, MAX_TCP_CONNECTIONS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_TCP_CONNECTIONS), r -> daemon(r, "loopback-dns-tcp-" + n.incrementAndGet()));
        this.tcpWorkers.allowCoreThreadTimeOut(true);
        try {
            this.port = bindIpv4(requestedPort);
            this.ipv6Bound = ipv6 && bindIpv6(port);
        } catch (IOException | RuntimeException e) {
            closeSockets();
            tcpWorkers.shutdownNow();
            throw e;
        }
        for (DatagramSocket s : udpSockets) {
            threads.add(daemon(() -> serveUdp(s), "loopback-dns-udp-" + s.getLocalAddress().getHostAddress()));
        }
        for (ServerSocket s : tcpSockets) {
            threads.add(daemon(() -> acceptTcp(s), "loopback-dns-accept-" + s.getInetAddress().getHostAddress()));
        }
        threads.forEach(Thread::start);
        LOG.info("loopback DNS server listening on 127.0.0.1:{}{} ({} names)", port,
                ipv6Bound ? " and [::1]:" + port : "", data.nameCount());
    }

    // ---------------------------------------------------------------- construction

    /** Starts a server on 127.0.0.1, ephemeral port, serving these zone files. */
    public static LoopbackDnsServer start(List<Path> zoneFiles) throws IOException {
        return builder().zoneFiles(zoneFiles).start();
    }

    /** Starts a server on 127.0.0.1, ephemeral port, serving these zone texts (master file syntax). */
    public static LoopbackDnsServer start(String... zoneTexts) throws IOException {
        return builder().zoneTexts(Arrays.asList(zoneTexts)).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link LoopbackDnsServer}. */
    public static final class Builder {
        private final List<Path> files = new ArrayList<>();
        private final List<String> texts = new ArrayList<>();
        private final List<Record> records = new ArrayList<>();
        private int port;
        private boolean ipv6;
        private Duration answerDelay = Duration.ZERO;

        private Builder() {
        }

        /** Sends every answer this late, like a remote authoritative server (see {@link LoopbackDnsServer#answerDelay}). */
        public Builder answerDelay(Duration delay) {
            checkAnswerDelay(delay);
            this.answerDelay = delay;
            return this;
        }

        /** UDP and TCP port; 0 (the default) picks a free ephemeral port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Also listen on [::1] (same port) when the host has IPv6 loopback. */
        public Builder ipv6(boolean ipv6) {
            this.ipv6 = ipv6;
            return this;
        }

        public Builder zoneFile(Path file) {
            files.add(file);
            return this;
        }

        public Builder zoneFiles(List<Path> zoneFiles) {
            files.addAll(zoneFiles);
            return this;
        }

        public Builder zoneText(String text) {
            texts.add(text);
            return this;
        }

        public Builder zoneTexts(List<String> zoneTexts) {
            texts.addAll(zoneTexts);
            return this;
        }

        /** Records as objects, for names zone text cannot spell plainly (see {@link ZoneData#literalName}). */
        public Builder records(Collection<? extends Record> more) {
            records.addAll(more);
            return this;
        }

        public LoopbackDnsServer start() throws IOException {
            ZoneData d = ZoneData.load(files).plusTexts(texts).plusRecords(records);
            return new LoopbackDnsServer(d, port, ipv6, answerDelay);
        }
    }

    private int bindIpv4(int requested) throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        IOException last = null;
        for (int attempt = 0; attempt < (requested == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, requested));
            int p = udp.getLocalPort();
            try {
                ServerSocket tcp = new ServerSocket();
                try {
                    tcp.setReuseAddress(true);
                    tcp.bind(new InetSocketAddress(lo, p), 50);
                } catch (IOException e) {
                    tcp.close();
                    throw e;
                }
                udpSockets.add(udp);
                tcpSockets.add(tcp);
                return p;
            } catch (BindException e) {
                udp.close(); // TCP port taken by someone else: try another ephemeral port
                last = e;
            }
        }
        throw last != null ? last : new BindException("cannot bind 127.0.0.1:" + requested);
    }

    private boolean bindIpv6(int p) {
        try {
            InetAddress lo6 = InetAddress.getByName("::1");
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo6, p));
            ServerSocket tcp = new ServerSocket();
            try {
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(lo6, p), 50);
            } catch (IOException e) {
                tcp.close();
                udp.close();
                throw e;
            }
            udpSockets.add(udp);
            tcpSockets.add(tcp);
            return true;
        } catch (IOException e) {
            LOG.warn("IPv6 loopback [::1]:{} not available: {}", p, e.toString());
            return false;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---------------------------------------------------------------- public API

    /** The UDP and TCP port. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, the form resolvers take as a server. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** {@code [::1]:PORT} when the server also listens on IPv6 loopback. */
    public Optional<String> ipv6Address() {
        return ipv6Bound ? Optional.of("[::1]:" + port) : Optional.empty();
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Answers SERVFAIL for this name (any type); {@code *.example.com} means every name below example.com. */
    public LoopbackDnsServer servfail(String name) {
        return addRule(name, null, Mode.SERVFAIL);
    }

    /** Answers SERVFAIL for this name and record type only (type as text, e.g. "TXT"). */
    public LoopbackDnsServer servfail(String name, String type) {
        return addRule(name, type, Mode.SERVFAIL);
    }

    /** Never answers queries for this name (over UDP or TCP), so the client times out. */
    public LoopbackDnsServer drop(String name) {
        return addRule(name, null, Mode.DROP);
    }

    /** Never answers queries for this name and record type. */
    public LoopbackDnsServer drop(String name, String type) {
        return addRule(name, type, Mode.DROP);
    }

    /** Over UDP, answers with the TC bit and no records, so the client must ask again over TCP. */
    public LoopbackDnsServer truncate(String name) {
        return addRule(name, null, Mode.TRUNCATE);
    }

    /**
     * Injects faults into the answers for this name ({@code *.example.com}: every name below example.com), drawn
     * per query from {@code mix}: dropped, SERVFAIL, truncated over UDP, delayed, or untouched. Applies only to
     * queries the servfail/drop/truncate rules let through; the first matching fault rule wins.
     */
    public LoopbackDnsServer faults(String name, FaultMix mix) {
        faults.add(name, mix);
        return this;
    }

    /** Answers for this name ({@code *.example.com}: below it) are sent {@code by} late; other answers are not held back. */
    public LoopbackDnsServer delay(String name, java.time.Duration by) {
        return faults(name, FaultMix.delay(by));
    }

    /**
     * Sends every answer (any name, UDP and TCP) {@code delay} late, as a remote server tens of milliseconds away
     * would: for measuring what DNS latency costs (the end-to-end benchmark's cold-DNS variant). Other queries are
     * not held back meanwhile; fault rules apply first, and a {@link #delay} rule adds to this. {@link Duration#ZERO}
     * (the default) answers at once; at most {@link FaultMix#MAX_DELAY}. Survives {@link #clearFailures}.
     */
    public LoopbackDnsServer answerDelay(Duration delay) {
        checkAnswerDelay(delay);
        answerDelayMillis = delay.toMillis();
        return this;
    }

    /** The delay every answer gets ({@link #answerDelay}). */
    public Duration answerDelay() {
        return Duration.ofMillis(answerDelayMillis);
    }

    private static void checkAnswerDelay(Duration delay) {
        if (delay.isNegative() || delay.compareTo(FaultMix.MAX_DELAY) > 0) {
            throw new IllegalArgumentException("answer delay must be between 0 and " + FaultMix.MAX_DELAY + ": "
                    + delay);
        }
    }

    /** How many queries got each fault of {@link #faults} rules so far (counts survive {@link #clearFailures}). */
    public java.util.Map<FaultMix.Fault, Long> faultCounts() {
        return faults.counts();
    }

    /** Removes every servfail/drop/truncate rule and every {@link #faults} rule. */
    public LoopbackDnsServer clearFailures() {
        rules.clear();
        faults.clear();
        return this;
    }

    /** Adds records from more zone texts while running. */
    public synchronized LoopbackDnsServer addZone(String zoneText) throws IOException {
        data = data.plusTexts(List.of(zoneText));
        return this;
    }

    /** Adds records from more zone files while running. */
    public synchronized LoopbackDnsServer addZoneFile(Path zoneFile) throws IOException {
        data = data.plusFiles(List.of(zoneFile));
        return this;
    }

    /** Queries received over UDP (including dropped ones). */
    public long udpQueries() {
        return udpQueries.get();
    }

    /** Queries received over TCP (including dropped ones). */
    public long tcpQueries() {
        return tcpQueries.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeSockets();
        tcpWorkers.shutdownNow();
        faults.close();
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("loopback DNS server on port {} closed", port);
    }

    private LoopbackDnsServer addRule(String name, String type, Mode mode) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        boolean below = n.startsWith("*.");
        if (below) {
            n = n.substring(2);
        }
        if (!n.endsWith(".")) {
            n = n + ".";
        }
        int t = -1;
        if (type != null) {
            t = Type.value(type);
            if (t < 0) {
                throw new IllegalArgumentException("unknown record type: " + type);
            }
        }
        try {
            rules.add(new Rule(Name.fromString(n), below, t, mode));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name: " + name, e);
        }
        return this;
    }

    private void closeSockets() {
        udpSockets.forEach(DatagramSocket::close);
        for (ServerSocket s : tcpSockets) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing {}", s, e);
            }
        }
    }

    // ---------------------------------------------------------------- serving

    private void serveUdp(DatagramSocket socket) {
        byte[] buf = new byte[Message.MAXLENGTH];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("UDP receive failed", e);
                }
                return;
            }
            udpQueries.incrementAndGet();
            byte[] query = Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                    packet.getOffset() + packet.getLength());
            byte[] reply = respond(query, true);
            if (reply == null) {
                continue;
            }
            java.net.SocketAddress client = packet.getSocketAddress();
            faults.deliver(query, reply, true, afterAnswerDelay(r -> sendUdp(socket, r, client)));
        }
    }

    private void sendUdp(DatagramSocket socket, byte[] reply, java.net.SocketAddress client) {
        try {
            socket.send(new DatagramPacket(reply, reply.length, client));
        } catch (IOException e) {
            if (!closed) {
                LOG.warn("UDP send to {} failed", client, e);
            }
        }
    }

    private void acceptTcp(ServerSocket server) {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("TCP accept failed", e);
                }
                return;
            }
            try {
                tcpWorkers.execute(() -> serveTcp(s));
            } catch (RejectedExecutionException e) {
                LOG.warn("too many TCP connections; closing one from {}", s.getRemoteSocketAddress());
                closeQuietly(s);
            }
        }
    }

    /** RFC 1035 §4.2.2 / RFC 7766: messages prefixed by a two-octet length, several per connection. */
    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            for (int i = 0; i < MAX_QUERIES_PER_TCP_CONNECTION && !closed; i++) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return;
                }
                byte[] query = new byte[length];
                in.readFully(query);
                tcpQueries.incrementAndGet();
                byte[] reply = respond(query, false);
                if (reply == null) {
                    continue; // dropped: this query never gets an answer; later ones on the connection do
                }
                faults.deliver(query, reply, false, afterAnswerDelay(r -> sendTcp(out, r)));
            }
        } catch (SocketException | EOFException | SocketTimeoutException e) {
            LOG.debug("TCP connection ended: {}", e.toString());
        } catch (IOException e) {
            if (!closed) {
                LOG.warn("TCP connection failed", e);
            }
        }
    }

    /** {@code send}, called {@link #answerDelay} late when there is one (on the fault injector's timer thread). */
    private Consumer<byte[]> afterAnswerDelay(Consumer<byte[]> send) {
        long millis = answerDelayMillis;
        return millis == 0 ? send : r -> faults.later(() -> send.accept(r), millis);
    }

    /** Writes one length-prefixed answer; a delayed answer may find the connection gone, which is no error. */
    private static void sendTcp(DataOutputStream out, byte[] reply) {
        try {
            synchronized (out) {
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("TCP answer not sent: {}", e.toString());
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("closing socket", e);
        }
    }

    /** Builds the reply to one query, or null to send nothing. */
    byte[] respond(byte[] wire, boolean udp) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return formErr(wire);
        }
        Header qh = query.getHeader();
        if (qh.getFlag(Flags.QR)) {
            return null; // never answer an answer
        }
        Message reply = new Message(qh.getID());
        Header rh = reply.getHeader();
        rh.setFlag(Flags.QR);
        rh.setOpcode(qh.getOpcode());
        if (qh.getFlag(Flags.RD)) {
            rh.setFlag(Flags.RD);
        }
        OPTRecord queryOpt = query.getOPT();
        if (queryOpt != null) {
            reply.addRecord(new OPTRecord(UDP_EDNS_LIMIT, 0, 0), Section.ADDITIONAL);
        }
        Record question = query.getQuestion();
        if (qh.getOpcode() != Opcode.QUERY || question == null || query.getSection(Section.QUESTION).size() != 1) {
            rh.setRcode(qh.getOpcode() != Opcode.QUERY ? Rcode.NOTIMP : Rcode.FORMERR);
            return reply.toWire();
        }
        reply.addRecord(question, Section.QUESTION);
        Name qname = question.getName();
        int qtype = question.getType();
        Mode mode = null;
        for (Rule rule : rules) {
            if (rule.matches(qname, qtype)) {
                mode = rule.mode();
                break;
            }
        }
        if (mode == Mode.DROP) {
            LOG.debug("dropping query {} {}", qname, Type.string(qtype));
            return null;
        }
        if (mode == Mode.SERVFAIL) {
            rh.setRcode(Rcode.SERVFAIL);
            return reply.toWire();
        }
        if (mode == Mode.TRUNCATE && udp) {
            rh.setFlag(Flags.AA);
            rh.setFlag(Flags.TC);
            return reply.toWire();
        }
        ZoneData.Answer answer = data.lookup(qname, qtype);
        rh.setFlag(Flags.AA);
        rh.setRcode(answer.rcode());
        answer.answer().forEach(r -> reply.addRecord(r, Section.ANSWER));
        answer.authority().forEach(r -> reply.addRecord(r, Section.AUTHORITY));
        if (!udp) {
            return reply.toWire(Message.MAXLENGTH);
        }
        int limit = queryOpt == null ? UDP_PLAIN_LIMIT
                : Math.max(UDP_PLAIN_LIMIT, Math.min(queryOpt.getPayloadSize(), UDP_EDNS_LIMIT));
        // toWire(limit) leaves out what does not fit and sets TC (RFC 1035 §4.1.1), so the client retries over TCP.
        return reply.toWire(limit);
    }

    private static byte[] formErr(byte[] wire) {
        if (wire.length < Header.LENGTH) {
            return null;
        }
        int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
        Message reply = new Message(id);
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setRcode(Rcode.FORMERR);
        return reply.toWire();
    }

    // ---------------------------------------------------------------- command line

    /**
     * Runs the server until the process is stopped: {@code --port N} (default 0 = ephemeral), {@code --ipv6},
     * {@code --answer-delay MS} (every answer that late), {@code --zone FILE...} (several files may follow one --zone, or repeat it), {@code --servfail NAME},
     * {@code --drop NAME}. Prints {@code listening on 127.0.0.1:PORT} once ready.
     */
    public static void main(String[] args) throws Exception {
        Builder builder = builder();
        List<String> servfail = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        String mode = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> {
                    if (i + 1 >= args.length) {
                        usage("--port needs a number");
                    }
                    builder.port(Integer.parseInt(args[++i]));
                    mode = null;
                }
                case "--ipv6" -> {
                    builder.ipv6(true);
                    mode = null;
                }
                case "--answer-delay" -> {
                    if (i + 1 >= args.length) {
                        usage("--answer-delay needs milliseconds");
                    }
                    builder.answerDelay(Duration.ofMillis(Long.parseLong(args[++i])));
                    mode = null;
                }
                case "--zone", "--servfail", "--drop" -> mode = a;
                case "--help", "-h" -> usage(null);
                default -> {
                    if (mode == null || a.startsWith("--")) {
                        usage("unexpected argument: " + a);
                    }
                    switch (mode) {
                        case "--zone" -> builder.zoneFile(Path.of(a));
                        case "--servfail" -> servfail.add(a);
                        default -> drop.add(a);
                    }
                }
            }
        }
        LoopbackDnsServer server = builder.start();
        servfail.forEach(server::servfail);
        drop.forEach(server::drop);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "loopback-dns-shutdown"));
        System.out.println("listening on " + server.address()
                + server.ipv6Address().map(a -> " and " + a).orElse(""));
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println(error);
        }
        System.err.println("usage: LoopbackDnsServer [--port N] [--ipv6] [--answer-delay MS] --zone FILE... "
                + "[--servfail NAME...] [--drop NAME...]");
        System.exit(error == null ? 0 : 2);
    }
}
