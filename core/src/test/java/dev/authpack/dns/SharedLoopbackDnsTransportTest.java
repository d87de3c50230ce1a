package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;

/**
 * Every case of {@link DnsTransportTest} again with the queries to a loopback server sharing one connected socket
 * ({@link LoopbackExchange}), and what is particular to it: one random source port, IDs random and unique among
 * the pending queries, answers in any order, answers from anywhere else, a port nobody listens on, idleness.
 */
class SharedLoopbackDnsTransportTest extends DnsTransportTest {

    @Override
    DnsTransport transport(int maxInFlight) {
        return new DnsTransport(maxInFlight, true, true);
    }

    private static Name name(int i) {
        return Name.fromConstantString("q" + i + ".example.com.");
    }

    private static String addressOf(Message reply) {
        return ((ARecord) reply.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
    }

    /** One socket for the server: every query from its port (random across sockets, below). */
    @Override
    void assertSourcePorts(Set<Integer> ports, DnsTransport transport, InetSocketAddress server) throws IOException {
        assertThat(ports).hasSize(1);
        assertThat(transport.sharedExchangeOf(server).localPort()).isEqualTo(ports.iterator().next());
    }

    @Test
    void eachSocketHasARandomPortFromTheEphemeralRange() throws Exception {
        DatagramSocket server = udpServer((p, s) -> {
            Message q = parse(p);
            send(s, p, answerOrFail(q, "192.0.2.1"));
        });
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
            transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
            LoopbackExchange exchange = transport.sharedExchangeOf(address(server));
            ports.add(exchange.localPort());
            exchange.close();
        }
        assertThat(ports).hasSizeGreaterThan(5).allMatch(port -> port >= DnsTransport.PORT_LOW
                && port <= DnsTransport.PORT_HIGH || port >= 1024);
    }

    @Test
    void answersInAnyOrderEachReachTheirOwnQuery() throws Exception {
        int n = 100;
        List<DatagramPacket> held = new ArrayList<>();
        DatagramSocket server = udpServer((p, s) -> {
            synchronized (held) {
                held.add(new DatagramPacket(java.util.Arrays.copyOf(p.getData(), p.getLength()), p.getLength(),
                        p.getSocketAddress()));
                if (held.size() < n) {
                    return;
                }
            }
            // all in: answered last first, each with an address that names its question
            for (int i = held.size() - 1; i >= 0; i--) {
                Message q = parse(held.get(i));
                String label = q.getQuestion().getName().getLabelString(0).substring(1);
                send(s, held.get(i), answerOf(q, "192.0.2." + label));
            }
        });
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            replies.add(transport.send(DnsTransportTest.query(name(i)), address(server), Duration.ofSeconds(5)));
        }
        for (int i = 0; i < n; i++) {
            Message reply = replies.get(i).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(reply.getQuestion().getName()).isEqualTo(name(i));
            assertThat(addressOf(reply)).isEqualTo("192.0.2." + i);
        }
        assertThat(transport.inFlight()).isZero();
        assertThat(transport.sharedExchangeOf(address(server)).pending()).isZero();
    }

    @Test
    void anAnswerFromAnotherPortIsNeverTaken() throws Exception {
        DatagramSocket forger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        DatagramSocket server = udpServer((p, s) -> {
            Message q = parse(p);
            // the attacker knows the ID, the question and our port; only the source port is not the server's
            send(forger, p, answerOf(q, "203.0.113.66"));
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(s, p, answerOf(q, "192.0.2.1"));
        });
        try {
            DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
            for (int i = 0; i < 5; i++) {
                Message reply = transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
                assertThat(addressOf(reply)).isEqualTo("192.0.2.1");
            }
        } finally {
            forger.close();
        }
    }

    @Test
    void aPortNobodyListensOnFailsAtOnceNotAtTheDeadline() throws Exception {
        DatagramSocket gone = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        InetSocketAddress address = address(gone);
        gone.close();
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        long start = System.nanoTime();

        CompletableFuture<Message> f = transport.send(query(NAME), address, Duration.ofSeconds(5));

        assertThat(f).failsWithin(Duration.ofSeconds(4)).withThrowableThat()
                .withRootCauseInstanceOf(java.net.PortUnreachableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(transport.inFlight()).isZero();
    }

    @Test
    void anAnswerAfterTheDeadlineIsIgnoredAndNothingStaysPending() throws Exception {
        DatagramSocket server = lateServer(400);
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);

        CompletableFuture<Message> f = transport.send(query(NAME), address(server), Duration.ofMillis(100));

        assertThat(f).failsWithin(Duration.ofSeconds(2)).withThrowableThat()
                .withRootCauseInstanceOf(java.net.SocketTimeoutException.class);
        assertThat(transport.inFlight()).isZero();
        Thread.sleep(600); // the late answer arrives, for no pending query
        assertThat(transport.sharedExchangeOf(address(server)).pending()).isZero();
        assertThat(f.isCompletedExceptionally()).isTrue();
    }

    @Test
    void anIdleSocketClosesAndTheNextQueryOpensAnother() throws Exception {
        DatagramSocket server = udpServer((p, s) -> send(s, p, answerOf(parse(p), "192.0.2.1")));
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
        LoopbackExchange first = transport.sharedExchangeOf(address(server));

        first.closeIfIdle(System.nanoTime()); // just used: stays
        assertThat(first.isClosed()).isFalse();
        first.closeIfIdle(System.nanoTime() + LoopbackExchange.IDLE_NANOS + 1);
        assertThat(first.isClosed()).isTrue();

        Message reply = transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
        assertThat(addressOf(reply)).isEqualTo("192.0.2.1");
        assertThat(transport.sharedExchangeOf(address(server))).isNotSameAs(first);
        assertThat(transport.inFlight()).isZero();
    }

    @Test
    void aDependentThatWaitsOnTheReaderHasAnotherReaderStartedAndOneStaysAfter() throws Exception {
        DatagramSocket server = lateServer(50); // each dependent runs on a reader, not on this test's thread
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        // each answer's dependent waits for the next lookup's answer, which only another reader can read
        CompletableFuture<Message> chain = transport.send(query(name(0)), address(server), Duration.ofSeconds(5));
        for (int i = 1; i <= 3; i++) {
            Name next = name(i);
            chain = chain.thenApply(previous -> transport.send(query(next), address(server), Duration.ofSeconds(5))
                    .join());
        }

        Message last = chain.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(last.getQuestion().getName()).isEqualTo(name(3));
        LoopbackExchange exchange = transport.sharedExchangeOf(address(server));
        // the extra readers end once their outcomes are over and another reads
        for (int i = 0; i < 5; i++) {
            transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
        }
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (exchange.readers() > 1 && System.nanoTime() < until) {
            transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
        }
        assertThat(exchange.readers()).isEqualTo(1);
        assertThat(transport.inFlight()).isZero();
    }

    @Test
    void aDependentThatComputesIsNotTakenForOneThatWaits() throws Exception {
        DatagramSocket server = lateServer(20);
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        transport.send(query(NAME), address(server), Duration.ofSeconds(3)).join();
        LoopbackExchange exchange = transport.sharedExchangeOf(address(server));
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Message> other = new CompletableFuture<>();
        // the dependent runs on the reader and keeps its CPU busy for 300 ms while another query waits
        CompletableFuture<Long> busy = transport.send(query(name(1)), address(server), Duration.ofSeconds(3))
                .thenApply(first -> {
                    transport.send(query(name(2)), address(server), Duration.ofSeconds(3))
                            .whenComplete((m, e) -> other.complete(m));
                    long spin = 0;
                    long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
                    while (System.nanoTime() < until) {
                        spin += System.nanoTime() & 7;
                        most.accumulateAndGet(exchange.readers(), Math::max);
                    }
                    return spin;
                });

        assertThat(busy.get(5, java.util.concurrent.TimeUnit.SECONDS)).isPositive();
        assertThat(most.get()).as("no reader started for a reader that computes").isEqualTo(1);
        assertThat(other.get(5, java.util.concurrent.TimeUnit.SECONDS).getQuestion().getName()).isEqualTo(name(2));
    }

    /** A server that answers every query with 192.0.2.1, {@code millis} late. */
    private DatagramSocket lateServer(long millis) throws IOException {
        return udpServer((p, s) -> answerLater(s, p, answerOf(parse(p), "192.0.2.1"), millis));
    }

    /** Sends {@code reply} to the asker of {@code p} after {@code millis}, from another thread. */
    private static void answerLater(DatagramSocket s, DatagramPacket p, Message reply, long millis) {
        new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            send(s, p, reply);
        }).start();
    }

    private static Message answerOf(Message q, String address) {
        return answerOrFail(q, address);
    }

    private static Message answerOrFail(Message q, String address) {
        try {
            return answer(q, q.getHeader().getID(), q.getQuestion().getName(), address);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The number a question's first label carries after its letter ({@link #name}: q12 gives 12). */
    private static int numberOf(Message m) {
        return Integer.parseInt(m.getQuestion().getName().getLabelString(0).substring(1));
    }

    /** A server answering each question qN with 192.0.2.(N mod 250), counting what it received. */
    private DatagramSocket numberingServer(java.util.concurrent.atomic.AtomicInteger received) throws IOException {
        return udpServer((p, s) -> {
            received.incrementAndGet();
            Message q = parse(p);
            send(s, p, answerOf(q, "192.0.2." + numberOf(q) % 250));
        });
    }

    /** While another thread writes, a send queues its datagram and returns; that thread writes it before it stops. */
    @Test
    void aSenderNeverWaitsForAnothersWrite() throws Exception {
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        DatagramSocket server = numberingServer(received);
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        transport.send(query(name(0)), address(server), Duration.ofSeconds(3)).join();
        LoopbackExchange exchange = transport.sharedExchangeOf(address(server));
        assertThat(exchange.holdWrites()).isTrue();
        int n = 8;
        List<CompletableFuture<Message>> replies = new CopyOnWriteArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            int k = i;
            Thread t = new Thread(() -> replies.add(transport.send(query(name(k)), address(server),
                    Duration.ofSeconds(5))));
            senders.add(t);
            t.start();
        }
        for (Thread t : senders) {
            t.join(2_000);
            assertThat(t.isAlive()).as("a sender waiting for the writer").isFalse();
        }
        assertThat(exchange.queuedWrites()).isEqualTo(n);
        Thread.sleep(100);
        assertThat(received.get()).isEqualTo(1);
        assertThat(replies).noneMatch(CompletableFuture::isDone);
        exchange.releaseWrites();
        for (CompletableFuture<Message> reply : replies) {
            Message answer = reply.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(addressOf(answer)).isEqualTo("192.0.2." + numberOf(answer));
        }
        assertThat(received.get()).isEqualTo(n + 1);
        assertThat(exchange.queuedWrites()).isZero();
    }

    /** Many threads sending at once: every datagram is written (none left queued behind a writer that stopped). */
    @Test
    void sendersAtOnceLeaveNothingUnwritten() throws Exception {
        DatagramSocket server = numberingServer(new java.util.concurrent.atomic.AtomicInteger());
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        int threads = 8;
        int each = 150;
        List<CompletableFuture<Message>> replies = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    CompletableFuture<Message> reply = transport.send(query(name(base + i)), address(server),
                            Duration.ofSeconds(10));
                    replies.add(reply);
                    if (i % 16 == 15) {
                        reply.join();
                    }
                }
            });
            senders.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread t : senders) {
            t.join(20_000);
        }
        assertThat(replies).hasSize(threads * each);
        for (CompletableFuture<Message> reply : replies) {
            Message answer = reply.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(addressOf(answer)).isEqualTo("192.0.2." + numberOf(answer) % 250);
        }
        assertThat(transport.sharedExchangeOf(address(server)).queuedWrites()).isZero();
        assertThat(transport.inFlight()).isZero();
    }

    /**
     * A datagram queued after the writer found the queue empty, but before it let go, is written by it all the same
     * (it looks at the queue again after letting go): else it would wait for the next send, or its deadline.
     */
    @Test
    void aDatagramQueuedAsTheWriterLetsGoIsWritten() throws Exception {
        DatagramSocket server = numberingServer(new java.util.concurrent.atomic.AtomicInteger());
        DnsTransport transport = transport(DnsTransport.DEFAULT_MAX_IN_FLIGHT);
        transport.send(query(name(0)), address(server), Duration.ofSeconds(3)).join();
        LoopbackExchange exchange = transport.sharedExchangeOf(address(server));
        List<CompletableFuture<Message>> late = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        exchange.afterDrain(() -> {
            if (once.compareAndSet(false, true)) {
                // another sender arrives now: the writer's place is taken, so it queues and returns
                Thread other = new Thread(() -> late.add(transport.send(query(name(2)), address(server),
                        Duration.ofSeconds(30))));
                other.start();
                try {
                    other.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Message first = transport.send(query(name(1)), address(server), Duration.ofSeconds(3))
                .get(3, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(addressOf(first)).isEqualTo("192.0.2.1");
        assertThat(late).hasSize(1);
        Message second = late.get(0).get(3, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(addressOf(second)).isEqualTo("192.0.2.2");
        exchange.afterDrain(null);
    }
}
