package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.FaultMix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RelayPolicyRcptHook's waits for a client's name (docs/relay-policy.md {@code maxWaiting}: one client or network
 * holds at most half of them) behind a load balancer ({@code <proxyRequired>}, docs/install.md "Behind a load
 * balancer"): every connection comes from the balancer, 127.0.0.1, and only its PROXY header names the client. The
 * shares must count the named client and its network: counted by the balancer's address, one client whose reverse
 * DNS never answers would make every client behind the balancer wait for nothing (451); counted per connection, they
 * would bound nothing.
 *
 * <p>{@code maxWaiting=2}: one wait per client and per /24. Four I/O threads and a separate acceptor: the
 * connections, opened one after the other, are each on their own thread.
 */
class ProxyRelaySharesIT {
    /** Whose PTR queries are dropped: its name lookup never ends before the hook's deadline. */
    static final String SLOW = "198.51.100.41";
    /** The same /24, its PTR queries dropped too. */
    static final String SLOW_NEIGHBOUR = "198.51.100.42";
    /** Another /24: PTR relay.partner.example, which resolves back to it (a relay_hosts name). */
    static final String PARTNER = "203.0.113.1";
    static final int NAME_DEADLINE_MS = 6000;
    static final Duration PROMPT = Duration.ofSeconds(1);

    static final String POLICY = """
            relay_hosts = relay.partner.example
            relay_authenticated = true
            """;
    static final String ZONE = """
            1.113.0.203.in-addr.arpa.   0 PTR relay.partner.example.
            relay.partner.example.      0 A   203.0.113.1
            41.100.51.198.in-addr.arpa. 0 PTR slow.partner.example.
            42.100.51.198.in-addr.arpa. 0 PTR slow.partner.example.
            """;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .placeholder("DNS_TIMEOUT", "15000")
            .confFile("relay-policy.conf", POLICY)
            .zone(ZONE)
            .edit("smtpserver.xml", xml -> ProxyProtocolIT.withProxyRequired(withTwoWaits(
                    SessionBusyIT.ioThreads(xml, 4)))));

    static String withTwoWaits(String xml) {
        String policyFile = "<policyFile>file://conf/relay-policy.conf</policyFile>";
        assertThat(xml).as("smtpserver.xml template").contains(policyFile);
        return xml.replace(policyFile, policyFile + "\n<dnsServers>@DNS_SERVERS@</dnsServers>"
                + "\n<dnsTimeout>@DNS_TIMEOUT@</dnsTimeout>"
                + "\n<nameLookupTimeout>" + NAME_DEADLINE_MS + "</nameLookupTimeout>"
                + "\n<maxWaiting>2</maxWaiting>");
    }

    /** A connection from the balancer whose PROXY header names {@code claimed}, through MAIL FROM. */
    static SmtpClient proxied(String claimed) {
        SmtpClient c = SmtpClient.connect(InetAddress.getLoopbackAddress(), JAMES.server().smtpPort(), null,
                ProxyHeader.v2(claimed, 40_000));
        assertThat(c.ehlo("client.example").code()).as(c.transcriptText()).isEqualTo(250);
        assertThat(c.mailFrom("app@elsewhere.example").code()).as(c.transcriptText()).isEqualTo(250);
        return c;
    }

    static long drops() {
        return SessionBusyIT.drops(JAMES);
    }

    static void assertNameNotVerified(SmtpReply reply, SmtpClient c) {
        assertThat(reply.code()).as(c.transcriptText()).isEqualTo(451);
        assertThat(reply.text()).as(c.transcriptText()).startsWith("4.7.25");
    }

    @Test
    void theNameWaitsAreSharedByTheClientsAndNetworksTheProxyHeadersNameNotByTheBalancer() throws Exception {
        JAMES.dns().faults("*.100.51.198.in-addr.arpa", FaultMix.only(FaultMix.Fault.DROP));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (SmtpClient slow = proxied(SLOW); SmtpClient neighbour = proxied(SLOW_NEIGHBOUR);
             SmtpClient partner = proxied(PARTNER)) {
            long before = drops();
            long start = System.nanoTime();
            Future<SmtpReply> waiting = pool.submit(() -> slow.rcptTo("user@remote.example"));
            // its PTR query reached the DNS server: its RCPT now waits for its name, holding its /24's one wait
            SessionBusyIT.awaitDropsAbove(JAMES, before);
            Thread.sleep(300);

            // (b) another client of 198.51.100.0/24: its network's share is taken, 451 at once (before the first's
            // wait, held a fifth of nameLookupTimeout, may yield to it)
            SmtpReply busy = pool.submit(() -> neighbour.rcptTo("user@remote.example"))
                    .get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            assertNameNotVerified(busy, neighbour);

            // (a) a client of another /24 takes the other wait: its PTR answer takes 700 ms, so it needs one; its
            // name verified, it relays. Counted by the balancer's address, it would have found its share taken
            JAMES.dns().faults("1.113.0.203.in-addr.arpa", FaultMix.delay(Duration.ofMillis(700)));
            SmtpReply relayed = pool.submit(() -> partner.rcptTo("user@remote.example"))
                    .get(PROMPT.toMillis() + 2000, TimeUnit.MILLISECONDS);
            assertThat(relayed.code()).as(partner.transcriptText()).isEqualTo(250);

            assertThat(waiting.isDone()).as("the slow client still waits").isFalse();
            assertNameNotVerified(waiting.get(NAME_DEADLINE_MS + 5000, TimeUnit.MILLISECONDS), slow);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("at the hook's deadline")
                    .isGreaterThan(Duration.ofMillis(NAME_DEADLINE_MS - 500));
            slow.quit();
            neighbour.quit();
            partner.quit();
        } finally {
            pool.shutdownNow();
            JAMES.dns().clearFailures();
        }
    }
}
