package dev.authpack.check;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s23 (what a session costs). A transaction's {@link SessionResolver} remembers every answer it was given
 * until the transaction ends (the end of DATA, RSET, the client leaving), and the connection's (iprev) until the
 * connection closes. The shared cache keeps no answer heavier than {@code CachingDnsResolver.MAX_ENTRY_BYTES}
 * (review s20: 64 KiB of the sender's DNS, through name compression, is thousands of MX or PTR names of 250
 * characters, megabytes once decoded), but the session kept them: a client's MAIL FROM at a name whose SPF record
 * says {@code mx:} (and its HELO's, and its address's PTR) held megabytes per connection for as long as it kept the
 * transaction open, sending DATA slowly or nothing at all, over as many connections as James takes. Now such an
 * answer is given to the checks that asked and not remembered: a later asking asks again, as the cache would.
 */
class ReviewS23SessionResolverTest {
    /** Answers MX with thousands of long names (about 2 MB of heap decoded), anything else with one small record. */
    private static final class Heavy implements DnsResolver {
        final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

        private int count(String question) {
            return asked.computeIfAbsent(question, q -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            count("MX " + name);
            List<MxHost> hosts = new ArrayList<>();
            String tail = ("a".repeat(62) + ".").repeat(3) + "evil.example";
            for (int i = 0; i < 3600; i++) {
                hosts.add(new MxHost(i, "h" + i + "." + tail));
            }
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.MX, hosts, 300));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            count("TXT " + name);
            // under big.*: a record of 30,000 characters, about 60 KB of heap, within what the cache keeps
            String text = name.startsWith("big") ? "v=spf1 " + "a".repeat(30_000) : "v=spf1 mx -all";
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.TXT, List.of(text), 300));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            count("A " + name);
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.A, List.of(), 300));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            count("AAAA " + name);
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.AAAA, List.of(), 300));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            count("PTR " + address.getHostAddress());
            return CompletableFuture.completedFuture(DnsLookup.of("ptr", DnsType.PTR, List.of("h.evil.example"), 300));
        }
    }

    private final Heavy upstream = new Heavy();
    private final SessionResolver session = new SessionResolver(upstream);

    /** How often {@code question} was asked upstream once {@code asking} (asked again) is answered. */
    private int askedAgain(CompletableFuture<?> asking, String question) throws Exception {
        asking.get();
        return upstream.asked.get(question).get();
    }

    @Test
    void anAnswerHeavierThanTheCacheKeepsIsNotHeldForTheTransaction() throws Exception {
        assertThat(session.mx("evil.example").get().records()).hasSize(3600);
        assertThat(session.questions()).as("questions remembered").isZero();
        assertThat(askedAgain(session.mx("evil.example"), "MX evil.example")).as("asked again, not held")
                .isEqualTo(2);
    }

    @Test
    void theAnswersHeldForATransactionWeighAtMostAMegabyte() throws Exception {
        for (int i = 0; i < 40; i++) {
            session.txt("big" + i + ".evil.example").get();
        }
        // each about 60 KB: 40 of them held were 2.4 MB; a megabyte holds 17
        assertThat(session.questions()).isBetween(10, 17);
        assertThat(askedAgain(session.txt("big39.evil.example"), "TXT big39.evil.example"))
                .as("asked again, not held").isEqualTo(2);
        assertThat(askedAgain(session.txt("big0.evil.example"), "TXT big0.evil.example")).as("held")
                .isEqualTo(1);
    }

    @Test
    void anOrdinaryAnswerIsStillAskedOnceATransaction() throws Exception {
        session.txt("evil.example").get();
        assertThat(askedAgain(session.txt("evil.example"), "TXT evil.example")).isEqualTo(1);
        assertThat(session.questions()).isEqualTo(1);
    }
}
