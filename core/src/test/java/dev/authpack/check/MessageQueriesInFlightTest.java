package dev.authpack.check;

import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many DNS queries one message's checks can have in flight at once, on the spool ({@code MailAuthCheck}) or at
 * the end of DATA: the figure behind {@link dev.authpack.dns.TransportShare} (review s17, M3). The sender picks
 * every name and makes them all silent, the fan-outs at their widest: 10 DKIM signatures, a PTR of 10 names, SPF
 * records for MAIL FROM and HELO whose {@code mx} has 10 hosts each, five author domains of 10 labels at distinct
 * sites (a DMARC tree walk of 8 names each, the top-level domain's not silenced). Checks that go one lookup at a time (ARC keys, SPF's terms in order)
 * add one each.
 */
class MessageQueriesInFlightTest {
    /** Answers from a zone, except names under {@code hole.example}, never answered; counts those in flight. */
    static final class Silent implements DnsResolver {
        private final ZoneFileResolver zone;
        private final AtomicInteger now = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();

        Silent(ZoneFileResolver zone) {
            this.zone = zone;
        }

        private <T> CompletableFuture<DnsLookup<T>> ask(String name, Supplier<CompletableFuture<DnsLookup<T>>> q) {
            if (!name.endsWith("hole.example")) {
                return q.get();
            }
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            CompletableFuture<DnsLookup<T>> never = new CompletableFuture<>();
            never.whenComplete((v, e) -> now.decrementAndGet());
            return never;
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) { return ask(n, () -> zone.txt(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) { return ask(n, () -> zone.a(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) {
            return ask(n, () -> zone.aaaa(n));
        }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) { return ask(n, () -> zone.mx(n)); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) { return zone.ptr(ip); }
    }

    @Test
    void oneMessageCanHoldSeventyFiveQueriesInFlight() throws Exception {
        StringBuilder zone = new StringBuilder("$ORIGIN .\n$TTL 300\n");
        zone.append("spf.org.example. IN TXT \"v=spf1 mx:mx1.org.example -all\"\n");
        zone.append("helo.org.example. IN TXT \"v=spf1 mx:mx2.org.example -all\"\n");
        for (int i = 0; i < 10; i++) {
            zone.append("7.100.51.198.in-addr.arpa. IN PTR p").append(i).append(".hole.example.\n");
            zone.append("mx1.org.example. IN MX 10 m").append(i).append(".hole.example.\n");
            zone.append("mx2.org.example. IN MX 10 n").append(i).append(".hole.example.\n");
        }
        StringBuilder from = new StringBuilder("From: ");
        for (int i = 1; i <= 5; i++) {
            from.append(i == 1 ? "" : ", ").append("a@a.b.c.d.e.f.g.h.i.site").append(i).append("hole.example");
        }
        byte[] message = (from + "\r\nTo: b@example.net\r\nSubject: x\r\n\r\nHello.\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 7);
        DkimSigningKey key = DkimKeys.ed25519(seed);
        for (int i = 0; i < 10; i++) {
            message = new DkimSigner(key, DkimSignOptions.of("site" + (i % 5 + 1) + "hole.example", "s" + i))
                    .sign(message);
        }
        Silent dns = new Silent(new ZoneFileResolver(zone.toString()));
        Envelope envelope = new Envelope(InetAddress.getByName("198.51.100.7"), "helo.org.example",
                "x@spf.org.example", List.of("b@example.net"), Optional.empty());
        CheckRun run = SessionChecksTest.checker(dns).start(envelope, message, CheckOptions.ALL);
        try {
            // everything is started synchronously: the queries the sender's silence holds are all out now
            // 10 DKIM keys + 10 PTR names + 2 x 10 MX hosts + 5 walks of 8 DMARC names, less the top-level
            // domain's, which is not the sender's to silence
            assertThat(dns.peak.get()).isEqualTo(10 + 10 + 20 + 5 * 7);
        } finally {
            run.cutOff("test over");
        }
    }
}
