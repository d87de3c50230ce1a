package dev.authpack.james.smtp;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsType;
import dev.authpack.james.RelayTestSupport;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22 (attacker: the SMTP client, with a PTR in a reverse zone whose servers never answer). Each RCPT that
 * needs the client's name waits at most {@code nameLookupTimeout} with one of {@code maxWaiting} waits, one network at
 * most half of them; but the wait ended with the connection's RCPT, the lookup did not: a client that drops the
 * connection after its {@code 451 4.7.25} and connects again at once started one more lookup each time (PTR, then up
 * to ten A/AAAA), its earlier lookups still running, and the addresses of its /24 or /48 as many. Now a lookup holds
 * its client's share (one) and its network's (five) until it finishes: a reconnection of the same address joins the
 * lookup in flight, and another address of a network at its share gets {@code 451 4.7.25} at once, no lookup
 * started.
 */
class ReviewS22RelayLookupShareTest {
    @TempDir
    Path dir;
    private final HeldPtr dns = new HeldPtr();
    private RelayPolicyRcptHook hook;

    @BeforeEach
    void setUp() throws Exception {
        RelayTestSupport.writePolicy(dir, ReviewS21RelayNameWaitsTest.NAMED_POLICY);
        hook = hook(SessionCounts.fresh());
    }

    private RelayPolicyRcptHook hook(SessionCounts counts) throws Exception {
        // a wait share of one per client and per network
        return ReviewS21RelayNameWaitsTest.hook(dir, dns, counts, "nameLookupTimeout", "200", "maxWaiting", "2");
    }

    /** One RCPT on a new connection of {@code client} (connections end when their RCPT is answered). */
    static String rcpt(RelayPolicyRcptHook hook, String client) throws Exception {
        SMTPSession session = RelayPolicyRcptHookTest.session(InetAddress.getByName(client), null);
        HookResult result = hook.doRcpt(session, MaybeSender.nullSender(), new MailAddress("x@remote.example"));
        var response = AbstractHookableCmdHandler.calcDefaultSMTPResponse(result);
        return response == null ? "DECLINED" : String.join(" ", response.getLines());
    }

    @Test
    void reconnectingDoesNotStartAnotherLookupWhileTheFirstRuns() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(rcpt(hook, "198.18.70.7")).startsWith("451 4.7.25 ");
        }
        assertThat(dns.ptrQueries("198.18.70.7")).as("one lookup for the address, however often it reconnects")
                .isEqualTo(1);
    }

    @Test
    void otherAddressesOfTheNetworkStartNoLookupWhileItsShareRuns() throws Exception {
        for (int host = 7; host < 20; host++) {
            assertThat(rcpt(hook, "198.18.71." + host)).startsWith("451 4.7.25 ");
        }
        assertThat(dns.ptrQueries()).as("the /24's share of lookups in flight").isEqualTo(NameLookups.PER_NETWORK)
                .isEqualTo(5);
        // another network has its own share
        assertThat(rcpt(hook, "198.18.72.7")).startsWith("451 4.7.25 ");
        assertThat(dns.ptrQueries()).isEqualTo(6);
        // an IPv6 /64 is one client: another address of it starts nothing while the first one's lookup runs
        assertThat(rcpt(hook, "2001:db8:1:2::7")).startsWith("451 4.7.25 ");
        assertThat(rcpt(hook, "2001:db8:1:2::8")).startsWith("451 4.7.25 ");
        assertThat(dns.ptrQueries()).isEqualTo(7);
    }

    @Test
    void theShareComesBackWhenTheLookupFinishesAndTheRetryGetsItsAnswer() throws Exception {
        for (int host = 21; host <= 25; host++) {
            assertThat(rcpt(hook, "192.0.2." + host)).startsWith("451 4.7.25 ");
        }
        assertThat(rcpt(hook, "192.0.2.26")).startsWith("451 4.7.25 ");
        assertThat(dns.ptrQueries("192.0.2.26")).isZero();
        dns.answer("192.0.2.25", "mx.partner.example");
        assertThat(rcpt(hook, "192.0.2.25")).as("the name verified: relayed").isEqualTo("DECLINED");
        assertThat(rcpt(hook, "192.0.2.26")).startsWith("451 4.7.25 ");
        assertThat(dns.ptrQueries("192.0.2.26")).as("the network's share free again").isEqualTo(1);
    }

    @Test
    void theRelayHooksOfOneJvmShareTheCounts() throws Exception {
        SessionCounts counts = SessionCounts.fresh();
        RelayPolicyRcptHook port25 = hook(counts);
        RelayPolicyRcptHook port587 = hook(counts);
        assertThat(rcpt(port25, "198.18.73.7")).startsWith("451 4.7.25 ");
        assertThat(rcpt(port587, "198.18.73.7")).startsWith("451 4.7.25 ");
        assertThat(dns.ptrQueries()).as("one lookup for the client, whichever server it reaches").isEqualTo(1);
    }

    /** PTR questions held until the test answers them, then cached; A and AAAA answered from the names it gave. */
    static final class HeldPtr extends NamesOnlyDns {
        private final Map<String, CompletableFuture<DnsLookup<String>>> ptr = new ConcurrentHashMap<>();
        private final Map<String, Integer> asked = new ConcurrentHashMap<>();
        private final Map<String, InetAddress> addresses = new ConcurrentHashMap<>();

        int ptrQueries(String ip) {
            return asked.getOrDefault(ip, 0);
        }

        int ptrQueries() {
            return asked.values().stream().mapToInt(Integer::intValue).sum();
        }

        void answer(String ip, String name) throws Exception {
            addresses.put(name, InetAddress.getByName(ip));
            ptr.get(ip).complete(DnsLookup.of(ip, DnsType.PTR, List.of(name), 60));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            String ip = address.getHostAddress();
            CompletableFuture<DnsLookup<String>> answered = ptr.get(ip);
            if (answered != null && answered.isDone()) {
                return answered;   // the resolver's cache
            }
            asked.merge(ip, 1, Integer::sum);
            CompletableFuture<DnsLookup<String>> f = new CompletableFuture<>();
            ptr.put(ip, f);
            return f;
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            InetAddress a = addresses.get(name);
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.A, a == null ? List.of() : List.of(a),
                    60));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.AAAA, List.of(), 60));
        }
    }
}
