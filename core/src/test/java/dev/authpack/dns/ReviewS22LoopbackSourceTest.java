package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;

/**
 * Session 22 review, off-path forgery towards the shared loopback socket. Queries to a resolver on loopback share
 * one socket, so one source port, on the ground that a datagram from a loopback address can only come from this
 * host. On Linux that holds only while {@code route_localnet} is 0: set to 1 (kube-proxy sets it for NodePorts on
 * localhost, CVE-2020-8558) the kernel takes datagrams from 127.0.0.0/8 and to it from another interface, and a
 * host on the same link can send an answer "from 127.0.0.1:53" to the shared socket: one fixed port for all the
 * queries then, 16 bits of ID left per query (RFC 5452 §9.2). Before the fix the socket was shared whatever the
 * setting. An IPv6 {@code ::1} source is dropped from any other interface whatever the settings.
 */
class ReviewS22LoopbackSourceTest {
    /** Its servers and helpers (its own tests are not run again here). */
    private final DnsTransportTest servers = new DnsTransportTest();

    @AfterEach
    void close() throws Exception {
        servers.close();
    }

    @TempDir
    Path conf;

    private void set(String device, String value) throws Exception {
        Files.createDirectories(conf.resolve(device));
        Files.writeString(conf.resolve(device).resolve("route_localnet"), value + "\n");
    }

    @Test
    void routeLocalnetOnAnyInterfaceButLoopbackMeansLoopbackSourcesMayComeFromOutside() throws Exception {
        set("all", "0");
        set("default", "0");
        set("lo", "1");
        set("eth0", "0");
        assertThat(LoopbackExchange.ipv4LoopbackOnlyLocal(conf)).isTrue();
        set("eth0", "1");
        assertThat(LoopbackExchange.ipv4LoopbackOnlyLocal(conf)).isFalse();
        set("eth0", "0");
        set("all", "1");
        assertThat(LoopbackExchange.ipv4LoopbackOnlyLocal(conf)).isFalse();
        set("all", "0");
        set("default", "1"); // every interface made from now on (a container's veth)
        assertThat(LoopbackExchange.ipv4LoopbackOnlyLocal(conf)).isFalse();
        set("default", "garbage"); // unreadable: not known to be safe
        assertThat(LoopbackExchange.ipv4LoopbackOnlyLocal(conf)).isFalse();
        // no such directory: on Linux /proc is not mounted, not known to be safe (ReviewAS22LoopbackProcTest);
        // another kernel drops loopback sources from outside
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
        assertThat(LoopbackExchange.ipv4LoopbackOnlyLocal(conf.resolve("none"))).isEqualTo(!linux);
    }

    @Test
    void onlyALoopbackServerIsServedByASharedSocketAndAnIpv4OneOnlyWhileLoopbackSourcesAreLocal() throws Exception {
        for (String remote : new String[] {"8.8.8.8", "192.0.2.53", "2001:db8::53", "10.0.0.1", "0.0.0.0"}) {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(remote), 53);
            assertThat(LoopbackExchange.serves(server, true)).as(remote).isFalse();
        }
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.53"), 53);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 53);
        assertThat(LoopbackExchange.serves(v4, true)).isTrue();
        assertThat(LoopbackExchange.serves(v4, false)).isFalse();
        assertThat(LoopbackExchange.serves(v6, false)).isTrue();
    }

    @Test
    void withLoopbackSourcesFromOutsideEveryQueryToAnIpv4LoopbackServerHasItsOwnRandomPort() throws Exception {
        Set<Integer> ports = new CopyOnWriteArraySet<>();
        DatagramSocket server = servers.udpServer((p, s) -> {
            ports.add(p.getPort());
            Message q = DnsTransportTest.parse(p);
            try {
                DnsTransportTest.send(s, p, DnsTransportTest.answer(q, q.getHeader().getID(), DnsTransportTest.NAME,
                        "192.0.2.1"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DnsTransport transport = new DnsTransport(DnsTransport.DEFAULT_MAX_IN_FLIGHT, true, false);
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            Message reply = transport.send(DnsTransportTest.query(DnsTransportTest.NAME),
                    DnsTransportTest.address(server), Duration.ofSeconds(3)).join();
            ids.add(reply.getHeader().getID());
        }
        assertThat(transport.sharedExchangeOf(DnsTransportTest.address(server))).isNull();
        assertThat(ports).hasSizeGreaterThan(5);
        assertThat(ids).hasSizeGreaterThan(5);
    }
}
