package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The UDP/TCP client against hand-written servers, with a socket per query: what a forged or stray answer can do
 * (nothing), truncation, time budget, random IDs and ports, and the bound on queries in flight.
 */
class DnsTransportTest {

    static final Name NAME = Name.fromConstantString("host.example.com.");

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /**
     * The transport under test: a socket per query here, for every server (the servers of these tests are on
     * loopback, which {@link SharedLoopbackDnsTransportTest} runs the same cases against with one shared socket).
     */
    DnsTransport transport(int maxInFlight) {
        return new DnsTransport(maxInFlight, false);
    }

    static Message query(Name name) {
        return Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
    }

    static Message answer(Message q, int id, Name name, String address) throws IOException {
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.QR);
        m.addRecord(Record.newRecord(name, Type.A, DClass.IN), Section.QUESTION);
        m.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.getByName(address)), Section.ANSWER);
        return m;
    }

    /** A UDP server on loopback that hands each query (and a way to reply) to {@code handler}. */
    DatagramSocket udpServer(BiConsumer<DatagramPacket, DatagramSocket> handler) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        open.add(s);
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        seen.put(s, count);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
                try {
                    s.receive(p);
                } catch (IOException e) {
                    return;
                }
                count.incrementAndGet();
                handler.accept(p, s);
            }
        });
        t.setDaemon(true);
        t.start();
        return s;
    }

    static void send(DatagramSocket s, DatagramPacket to, Message m) {
        try {
            byte[] wire = m.toWire();
            s.send(new DatagramPacket(wire, wire.length, to.getSocketAddress()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message parse(DatagramPacket p) {
        try {
            return new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetSocketAddress address(DatagramSocket s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }

    @Test
    void forgedAnswersWithAnotherIdOrQuestionAreIgnoredAndTheRealOneIsTaken() throws Exception {
        DatagramSocket server = udpServer((p, s) -> {
            try {
                Message q = parse(p);
                int id = q.getHeader().getID();
                // a forger guesses the wrong ID, or answers another question, or sends a query, or junk
                send(s, p, answer(q, (id + 1) & 0xffff, NAME, "203.0.113.66"));
                send(s, p, answer(q, id, Name.fromConstantString("other.example.com."), "203.0.113.67"));
                Message notAnAnswer = answer(q, id, NAME, "203.0.113.68");
                notAnAnswer.getHeader().unsetFlag(Flags.QR);
                send(s, p, notAnAnswer);
                s.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, p.getSocketAddress()));
                send(s, p, answer(q, id, NAME, "192.0.2.1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);

        Message reply = transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();

        assertThat(reply.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("192.0.2.1"));
    }

    @Test
    void aLongAnswerLeavesNothingBehindForTheNextQueryOnTheSameThread() throws Exception {
        // the I/O threads keep their receive buffer: a short answer after a long one must read as itself
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        DatagramSocket server = udpServer((p, s) -> {
            try {
                Message q = parse(p);
                Message a = answer(q, q.getHeader().getID(), NAME, "192.0.2.1");
                if (asked.getAndIncrement() % 2 == 0) {
                    for (int i = 2; i < 60; i++) {
                        a.addRecord(new ARecord(NAME, DClass.IN, 60, InetAddress.getByName("192.0.2." + i)),
                                Section.ANSWER);
                    }
                }
                send(s, p, a);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // one query at a time: an idle I/O thread takes the next one (a new thread only if none is idle yet)
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        for (int round = 0; round < 4; round++) {
            Message reply = transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
            assertThat(reply.getSection(Section.ANSWER)).as("round " + round).hasSize(round % 2 == 0 ? 59 : 1);
        }
    }

    @Test
    void aDependentThatWaitsForAnotherLookupHoldsNoQuerySlot() throws Exception {
        // the future completes on the I/O thread after the query has left the in-flight count: with one slot, a
        // dependent of the first answer can still ask (and wait for) a second question
        DatagramSocket server = udpServer((p, s) -> {
            Message q = parse(p);
            try {
                send(s, p, answer(q, q.getHeader().getID(), q.getQuestion().getName(), "192.0.2.1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DnsTransport transport = transport(1);
        Name second = Name.fromConstantString("second.example.com.");
        CompletableFuture<Message> both = transport.send(query(NAME), address(server), Duration.ofSeconds(3))
                .thenApply(first -> transport.send(query(second), address(server), Duration.ofSeconds(3)).join());

        Message reply = both.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(reply.getQuestion().getName()).isEqualTo(second);
        assertThat(transport.inFlight()).isZero();
    }

    @Test
    void onlyForgedAnswersMeanATimeoutWithinTheBudget() throws Exception {
        DatagramSocket server = udpServer((p, s) -> {
            try {
                Message q = parse(p);
                send(s, p, answer(q, (q.getHeader().getID() + 1) & 0xffff, NAME, "203.0.113.66"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);

        assertTimesOutOnTime(transport, server, Duration.ofMillis(300));
    }

    /** A query to {@code server} fails with a timeout no sooner than {@code timeout} and not much later. */
    static void assertTimesOutOnTime(DnsTransport transport, DatagramSocket server, Duration timeout) {
        long start = System.nanoTime();

        CompletableFuture<Message> f = transport.send(query(NAME), address(server), timeout);

        assertThat(f).failsWithin(Duration.ofSeconds(3)).withThrowableThat()
                .withRootCauseInstanceOf(java.net.SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(timeout.minusMillis(10),
                timeout.plusSeconds(1));
    }

    /** The source ports 20 queries came from: a random one each (RFC 5452 §9.2). */
    void assertSourcePorts(Set<Integer> ports, DnsTransport transport, InetSocketAddress server) throws IOException {
        assertThat(ports).hasSizeGreaterThan(15);
    }

    @Test
    void idsAndSourcePortsAreRandomAndEdnsIsOffered() throws Exception {
        Set<Integer> ids = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        List<Boolean> edns = new CopyOnWriteArrayList<>();
        DatagramSocket server = udpServer((p, s) -> {
            Message q = parse(p);
            synchronized (ids) {
                ids.add(q.getHeader().getID());
                ports.add(p.getPort());
            }
            edns.add(q.getOPT() != null && q.getOPT().getPayloadSize() == DnsTransport.EDNS_PAYLOAD);
            try {
                send(s, p, answer(q, q.getHeader().getID(), NAME, "192.0.2.1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        Message q = query(NAME);
        int originalId = q.getHeader().getID();
        for (int i = 0; i < 20; i++) {
            transport.send(q, address(server), Duration.ofSeconds(3)).join();
        }
        assertThat(ids).hasSizeGreaterThan(15);
        assertSourcePorts(ports, transport, address(server));
        assertThat(edns).hasSize(20).containsOnly(true);
        assertThat(q.getHeader().getID()).as("the caller's message is not changed").isEqualTo(originalId);
        assertThat(q.getOPT()).isNull();
    }

    @Test
    void truncatedAnswersAreAskedAgainOverTcpAndTcpAnswersAreCheckedToo() throws Exception {
        DatagramSocket server = udpServer((p, s) -> {
            Message q = parse(p);
            Message tc = new Message(q.getHeader().getID());
            tc.getHeader().setFlag(Flags.QR);
            tc.getHeader().setFlag(Flags.TC);
            tc.addRecord(q.getQuestion(), Section.QUESTION);
            send(s, p, tc);
        });
        answerOverTcp(server, "192.0.2.9");
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);

        Message reply = transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();

        assertThat(reply.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(((ARecord) reply.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                .isEqualTo("192.0.2.9");
    }

    /**
     * Review s22, the fragment attack (Herzberg and Shulman, 2013): a UDP answer larger than the 1,232 octets we
     * offer breaks RFC 6891 §6.2.3 and may have crossed the network in IP fragments, and an off-path attacker can
     * forge a later fragment without knowing the ID or the port, which are in the first. Such an answer was taken;
     * it is asked again over TCP, as a truncated one.
     */
    @Test
    void aUdpAnswerLargerThanWeOfferedIsAskedAgainOverTcp() throws Exception {
        DatagramSocket server = udpServer((p, s) -> {
            try {
                Message q = parse(p);
                Message big = answer(q, q.getHeader().getID(), NAME, "203.0.113.66");
                for (int i = 0; i < 120; i++) {
                    big.addRecord(new ARecord(NAME, DClass.IN, 60, InetAddress.getByName("203.0.113." + i)),
                            Section.ANSWER);
                }
                assertThat(big.toWire().length).isGreaterThan(DnsTransport.EDNS_PAYLOAD);
                send(s, p, big);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        answerOverTcp(server, "192.0.2.9");
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);

        Message reply = transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();

        assertThat(reply.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("192.0.2.9"));
    }

    /** A TCP server on the UDP server's port that answers one query with {@code address}. */
    private void answerOverTcp(DatagramSocket server, String address) throws IOException {
        ServerSocket tcp = new ServerSocket();
        open.add(tcp);
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        Thread t = new Thread(() -> {
            try (Socket c = tcp.accept()) {
                DataInputStream in = new DataInputStream(c.getInputStream());
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message q = new Message(wire);
                byte[] reply = answer(q, q.getHeader().getID(), NAME, address).toWire();
                DataOutputStream out = new DataOutputStream(c.getOutputStream());
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            } catch (IOException e) {
                // the test fails on the client side
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    void queriesInFlightAreBounded() throws Exception {
        DatagramSocket silent = udpServer((p, s) -> { });
        DnsTransport transport = transport(2);
        CompletableFuture<Message> a = transport.send(query(NAME), address(silent), Duration.ofSeconds(2));
        CompletableFuture<Message> b = transport.send(query(NAME), address(silent), Duration.ofSeconds(2));

        CompletableFuture<Message> c = transport.send(query(NAME), address(silent), Duration.ofSeconds(2));

        assertThat(c).failsWithin(Duration.ofMillis(100)).withThrowableThat()
                .withMessageContaining("queries in flight");
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThat(transport.inFlight()).isEqualTo(2);
    }

    @Test
    void aForgedAnswerFromAnotherPortOfTheServerIsDroppedAndTheRealOneTaken() throws Exception {
        // the forger knows the query's ID, question and our port, but sends from another port of the server's
        // address: the connected socket never sees it (RFC 5452 §9.1), even when it arrives first
        DatagramSocket forger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        open.add(forger);
        List<Integer> forgedTo = new CopyOnWriteArrayList<>();
        DatagramSocket server = udpServer((p, s) -> {
            try {
                Message q = parse(p);
                int id = q.getHeader().getID();
                send(forger, p, answer(q, id, NAME, "203.0.113.66"));
                forgedTo.add(p.getPort());
                Thread.sleep(50);
                send(s, p, answer(q, id, NAME, "192.0.2.1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);

        Message reply = transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();

        assertThat(forgedTo).hasSize(1);
        assertThat(((ARecord) reply.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                .isEqualTo("192.0.2.1");
    }

    @Test
    void aSilentServerMeansATimeoutOnTime() throws Exception {
        DatagramSocket silent = udpServer((p, s) -> { });
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);

        assertTimesOutOnTime(transport, silent, Duration.ofMillis(200));
        awaitInFlight(transport, 0);
        assertThat(transport.openChannels()).isZero();
    }

    @Test
    void cancellingAQueryClosesItsSocketAndFreesItsSlotAtOnce() throws Exception {
        DatagramSocket silent = udpServer((p, s) -> { });
        DnsTransport transport = transport(1);
        CompletableFuture<Message> f = transport.send(query(NAME), address(silent), Duration.ofSeconds(30));
        awaitQueries(silent, 1);

        f.cancel(false);

        awaitInFlight(transport, 0);
        assertThat(transport.openChannels()).isZero();
        // the slot is free again long before the 30 s deadline
        DatagramSocket answering = udpServer((p, s) -> {
            Message q = parse(p);
            try {
                send(s, p, answer(q, q.getHeader().getID(), NAME, "192.0.2.1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(transport.send(query(NAME), address(answering), Duration.ofSeconds(3)))
                .succeedsWithin(Duration.ofSeconds(3));
    }

    @Test
    void noSocketIsLeftOpenAfterAnswersTimeoutsForgeriesAndCancels() throws Exception {
        DatagramSocket answering = udpServer((p, s) -> {
            Message q = parse(p);
            try {
                send(s, p, answer(q, (q.getHeader().getID() + 1) & 0xffff, NAME, "203.0.113.66"));
                send(s, p, answer(q, q.getHeader().getID(), NAME, "192.0.2.1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DatagramSocket silent = udpServer((p, s) -> { });
        DatagramSocket alsoSilent = udpServer((p, s) -> { });
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        long before = openFileDescriptors();

        List<CompletableFuture<Message>> answered = new java.util.ArrayList<>();
        List<CompletableFuture<Message>> timedOut = new java.util.ArrayList<>();
        List<CompletableFuture<Message>> cancelled = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answered.add(transport.send(query(NAME), address(answering), Duration.ofSeconds(5)));
            timedOut.add(transport.send(query(NAME), address(silent), Duration.ofMillis(100)));
            cancelled.add(transport.send(query(NAME), address(alsoSilent), Duration.ofSeconds(30)));
        }
        // cancelled while waiting for the answer (a 100 ms query may time out before it is even sent)
        awaitQueries(alsoSilent, 40);
        cancelled.forEach(f -> f.cancel(false));
        for (CompletableFuture<Message> f : answered) {
            assertThat(f).succeedsWithin(Duration.ofSeconds(5));
        }
        for (CompletableFuture<Message> f : timedOut) {
            assertThat(f).failsWithin(Duration.ofSeconds(5));
        }
        awaitInFlight(transport, 0);

        assertThat(transport.openChannels()).isZero();
        // 120 queries, each with a socket of its own: a leak on any path would show as dozens of descriptors
        assertThat(openFileDescriptors()).isLessThanOrEqualTo(before + 5);
    }

    static long openFileDescriptors() {
        return ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }

    /** Waits (up to 5 s) until {@code server}'s handler has seen at least {@code n} more queries. */
    private final java.util.Map<DatagramSocket, java.util.concurrent.atomic.AtomicInteger> seen =
            new java.util.concurrent.ConcurrentHashMap<>();

    private void awaitQueries(DatagramSocket server, int n) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger count = seen.get(server);
        long end = System.nanoTime() + 5_000_000_000L;
        while (count.get() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(count.get()).as("queries that reached the server").isGreaterThanOrEqualTo(n);
    }

    static void awaitInFlight(DnsTransport transport, int n) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (transport.inFlight() != n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(transport.inFlight()).isEqualTo(n);
    }
}
