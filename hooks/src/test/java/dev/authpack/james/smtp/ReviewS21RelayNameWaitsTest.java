package dev.authpack.james.smtp;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.RelayTestSupport;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s21 (attacker: the SMTP client). With a host-name rule in the relay policy, the first non-local RCPT of a
 * connection waits for the client's verified name (PTR, then A/AAAA of each name) on James' SMTP I/O thread, up to
 * {@code nameLookupTimeout}. The client picks both lookups' servers (a PTR set to a name of its own domain, whose
 * servers never answer; or its own reverse zone), so each of its connections held an I/O thread, with every other
 * connection Netty gave that thread, for the whole timeout, with no bound on how many did at once: a few
 * connections a second from anywhere stalled the SMTP server for everyone. Now at most {@code maxWaiting} RCPTs wait
 * at once (one client or network at most half of them); one that finds no wait free is answered {@code 451 4.7.25}
 * at once, never a relay; a lookup already answered needs no wait.
 */
class ReviewS21RelayNameWaitsTest {
    static final String NAMED_POLICY = "relay_hosts = mx.partner.example\n[domain inbound.example]\n"
            + "relay_to = true\n";
    private static final long TIMEOUT_MS = 1500;
    /** Much less than the timeout: a reply this fast did not wait for the lookup. */
    private static final long AT_ONCE_MS = 600;

    @TempDir
    Path dir;
    private final SilentForSome dns = new SilentForSome();
    private RelayPolicyRcptHook hook;

    @BeforeEach
    void setUp() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        hook = hook("nameLookupTimeout", String.valueOf(TIMEOUT_MS));
    }

    private RelayPolicyRcptHook hook(String... settings) throws ConfigurationException {
        return hook(dir, dns, SessionCounts.fresh(), settings);
    }

    /** A hook over the policy written in {@code dir} ({@link #NAMED_POLICY}), its names from {@code dns}. */
    static RelayPolicyRcptHook hook(Path dir, DnsResolver dns, SessionCounts counts, String... settings)
            throws ConfigurationException {
        RelayPolicyRcptHook h = new RelayPolicyRcptHook(Optional.of(FakeFileSystem.under(dir)),
                (Domain d) -> Set.of("local.example").contains(d.asString()), settingsUsed -> dns, counts);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("policyFile", "file://conf/relay-policy.conf");
        for (int i = 0; i < settings.length; i += 2) {
            config.addProperty(settings[i], settings[i + 1]);
        }
        h.init(config);
        return h;
    }

    private record Timed(String reply, long millis) {
    }

    private Timed rcpt(SMTPSession session) throws Exception {
        long t0 = System.nanoTime();
        HookResult result = hook.doRcpt(session, MaybeSender.nullSender(), new MailAddress("x@remote.example"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        var response = AbstractHookableCmdHandler.calcDefaultSMTPResponse(result);
        return new Timed(response == null ? "DECLINED" : String.join(" ", response.getLines()), ms);
    }

    /** The RCPTs of {@code clients} (one connection each), all at once, each on a thread of its own (an I/O thread). */
    private List<Timed> atOnce(List<InetAddress> clients) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Timed>> replies = new ArrayList<>();
            for (InetAddress client : clients) {
                SMTPSession session = RelayPolicyRcptHookTest.session(client, null);
                replies.add(threads.submit(() -> {
                    go.await();
                    return rcpt(session);
                }));
            }
            go.countDown();
            List<Timed> out = new ArrayList<>();
            for (Future<Timed> f : replies) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    private static int processors() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Test
    void silentNamesFromManyNetworksBlockAtMostMaxWaitingThreads() throws Exception {
        int waits = processors();
        List<InetAddress> clients = new ArrayList<>();
        for (int i = 0; i < waits + 3; i++) {
            // each from a network of its own: the per-network share is no help here
            clients.add(InetAddress.getByAddress(new byte[] {(byte) 198, 18, (byte) i, 7}));
        }
        List<Timed> replies = atOnce(clients);
        assertThat(replies).allSatisfy(r -> assertThat(r.reply()).startsWith("451 4.7.25 "));
        long atOnce = replies.stream().filter(r -> r.millis() < AT_ONCE_MS).count();
        assertThat(atOnce).as("RCPTs answered without blocking their thread (%s)", replies)
                .isGreaterThanOrEqualTo(clients.size() - waits);
    }

    @Test
    void oneClientHoldsAtMostHalfOfTheWaits() throws Exception {
        int perClient = Math.max(1, processors() / 2);
        InetAddress client = InetAddress.getByAddress(new byte[] {(byte) 198, 18, 50, 7});
        List<InetAddress> connections = new ArrayList<>();
        for (int i = 0; i < perClient + 2; i++) {
            connections.add(client);
        }
        List<Timed> replies = atOnce(connections);
        assertThat(replies).allSatisfy(r -> assertThat(r.reply()).startsWith("451 4.7.25 "));
        assertThat(replies.stream().filter(r -> r.millis() < AT_ONCE_MS).count())
                .as("connections of one client beyond its share answered at once (%s)", replies)
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aNameAlreadyVerifiedNeedsNoWaitWhileAttackersHoldThemAll() throws Exception {
        hook = hook("nameLookupTimeout", String.valueOf(TIMEOUT_MS), "maxWaiting", "1");
        InetAddress partner = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 25});
        dns.answering(partner, "mx.partner.example");
        ExecutorService attacker = Executors.newSingleThreadExecutor();
        try {
            SMTPSession silent = RelayPolicyRcptHookTest.session(
                    InetAddress.getByAddress(new byte[] {(byte) 198, 18, 60, 7}), null);
            Future<Timed> held = attacker.submit(() -> rcpt(silent));
            Thread.sleep(200);
            Timed ok = rcpt(RelayPolicyRcptHookTest.session(partner, null));
            assertThat(ok.reply()).as("answered from its DNS at once, no wait needed").isEqualTo("DECLINED");
            Timed another = rcpt(RelayPolicyRcptHookTest.session(
                    InetAddress.getByAddress(new byte[] {(byte) 198, 18, 61, 7}), null));
            assertThat(another.reply()).startsWith("451 4.7.25 ");
            assertThat(another.millis()).as("no wait free: refused for now at once").isLessThan(AT_ONCE_MS);
            assertThat(held.get(10, TimeUnit.SECONDS).reply()).startsWith("451 4.7.25 ");
        } finally {
            attacker.shutdownNow();
        }
    }

    @Test
    void maxWaitingIsValidated() {
        assertThatThrownBy(() -> hook("maxWaiting", "0")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxWaiting must be a whole number from 1 to 1024, not '0'");
        assertThatThrownBy(() -> hook("maxWaiting", "many")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxWaiting must be a whole number from 1 to 1024, not 'many'");
    }

    /**
     * A wait yields well before its own end, whatever the bound: a fifth of it (the ratio of SessionAuthCheck's
     * default waitYieldAfter to its dataWait), at most 2 s, at least 1 ms (review s21 final: at 2 s it never did).
     */
    @Test
    void aWaitYieldsAfterAFifthOfItsBoundAtMostTwoSeconds() {
        assertThat(SessionLimits.yieldAfter(java.time.Duration.ofMillis(2000))).hasMillis(400);
        assertThat(SessionLimits.yieldAfter(java.time.Duration.ofMillis(500))).hasMillis(100);
        assertThat(SessionLimits.yieldAfter(java.time.Duration.ofSeconds(10))).hasSeconds(2);
        assertThat(SessionLimits.yieldAfter(java.time.Duration.ofSeconds(30))).hasSeconds(2);
        assertThat(SessionLimits.yieldAfter(java.time.Duration.ofMillis(1))).hasMillis(1);
    }

    /** PTR and A answers for the addresses given; any other question is never answered. */
    private static final class SilentForSome extends NamesOnlyDns {
        private final java.util.Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<String, InetAddress> addresses = new java.util.concurrent.ConcurrentHashMap<>();

        void answering(InetAddress client, String name) {
            names.put(client.getHostAddress(), name);
            addresses.put(name, client);
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            String name = names.get(address.getHostAddress());
            return name == null ? new CompletableFuture<>()
                    : CompletableFuture.completedFuture(DnsLookup.of(address.getHostAddress(), DnsType.PTR,
                            List.of(name), 60));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            InetAddress a = addresses.get(name);
            return a == null ? new CompletableFuture<>()
                    : CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.A, List.of(a), 60));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return addresses.containsKey(name)
                    ? CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.AAAA, List.of(), 60))
                    : new CompletableFuture<>();
        }
    }
}
