package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingDnsResolverTest {

    /** A clock the test moves by hand. */
    static final class FakeClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Counts the questions that reach the zone data. */
    static class CountingResolver implements DnsResolver {
        final DnsResolver inner;
        final AtomicInteger calls = new AtomicInteger();

        CountingResolver(DnsResolver inner) {
            this.inner = inner;
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            calls.incrementAndGet();
            return inner.txt(name);
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            calls.incrementAndGet();
            return inner.a(name);
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            calls.incrementAndGet();
            return inner.aaaa(name);
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            calls.incrementAndGet();
            return inner.mx(name);
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            calls.incrementAndGet();
            return inner.ptr(address);
        }
    }

    static final String ZONE = """
            $ORIGIN example.com.
            @      3600 IN SOA ns hostmaster 1 3600 600 86400 60
            @       100 IN TXT "v=spf1 -all"
            mail    100 IN A 192.0.2.25
            long 999999 IN A 192.0.2.26
            $ORIGIN 2.0.192.in-addr.arpa.
            25      100 IN PTR mail.example.com.
            """;

    final FakeClock clock = new FakeClock();
    final ZoneFileResolver zone = new ZoneFileResolver(ZONE);

    @Test
    void positiveAnswersLiveForTheirTtl() {
        CountingResolver counting = new CountingResolver(zone);
        CachingDnsResolver cache = new CachingDnsResolver(counting, 100, clock);
        assertThat(cache.txt("example.com").join().records()).containsExactly("v=spf1 -all");
        clock.advance(Duration.ofSeconds(60));
        DnsLookup<String> again = cache.txt("EXAMPLE.com.").join();
        assertThat(again.records()).containsExactly("v=spf1 -all");
        assertThat(again.ttlSeconds()).isEqualTo(40); // remaining TTL
        assertThat(counting.calls).hasValue(1);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(40)); // exactly at expiry: gone
        assertThat(cache.txt("example.com").join().ttlSeconds()).isEqualTo(100);
        assertThat(counting.calls).hasValue(2);
        assertThat(cache.misses()).isEqualTo(2);
    }

    @Test
    void typesAndNamesAreSeparateEntries() throws Exception {
        CountingResolver counting = new CountingResolver(zone);
        CachingDnsResolver cache = new CachingDnsResolver(counting, 100, clock);
        cache.a("mail.example.com").join();
        cache.aaaa("mail.example.com").join();
        cache.mx("mail.example.com").join();
        cache.ptr(InetAddress.getByName("192.0.2.25")).join();
        assertThat(cache.ptr(InetAddress.getByName("192.0.2.25")).join().records()).containsExactly("mail.example.com");
        cache.a("mail.example.com").join();
        assertThat(counting.calls).hasValue(4);
        assertThat(cache.size()).isEqualTo(4);
    }

    @Test
    void negativeAnswersLiveForTheNegativeTtl() {
        CountingResolver counting = new CountingResolver(zone);
        CachingDnsResolver cache = new CachingDnsResolver(counting, 100, clock);
        assertThat(cache.txt("nope.example.com").join().outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
        assertThat(cache.a("example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.txt("nope.example.com").join().outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
        assertThat(cache.a("example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
        assertThat(counting.calls).hasValue(2);
        clock.advance(Duration.ofSeconds(1)); // SOA minimum 60 reached
        cache.txt("nope.example.com").join();
        assertThat(counting.calls).hasValue(3);
    }

    @Test
    void hugeTtlsAreCapped() {
        CountingResolver counting = new CountingResolver(zone);
        CachingDnsResolver cache = new CachingDnsResolver(counting, 100, clock);
        cache.a("long.example.com").join();
        clock.advance(Duration.ofSeconds(CachingDnsResolver.MAX_POSITIVE_TTL_SECONDS - 1));
        cache.a("long.example.com").join();
        assertThat(counting.calls).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        cache.a("long.example.com").join();
        assertThat(counting.calls).hasValue(2);
    }

    @Test
    void failuresAreNotCached() {
        CountingResolver counting = new CountingResolver(zone.withFailure("mail.example.com", DnsOutcome.TIMEOUT)
                .withFailure("example.com", DnsOutcome.TEMP_FAILURE));
        CachingDnsResolver cache = new CachingDnsResolver(counting, 100, clock);
        assertThat(cache.a("mail.example.com").join().outcome()).isEqualTo(DnsOutcome.TIMEOUT);
        assertThat(cache.a("mail.example.com").join().outcome()).isEqualTo(DnsOutcome.TIMEOUT);
        assertThat(cache.txt("example.com").join().outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(cache.txt("example.com").join().outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(counting.calls).hasValue(4);
        assertThat(cache.size()).isZero();
    }

    @Test
    void concurrentIdenticalQuestionsShareOneQuery() {
        List<CompletableFuture<DnsLookup<String>>> pending = new ArrayList<>();
        DnsResolver slow = new CountingResolver(zone) {
            @Override
            public CompletableFuture<DnsLookup<String>> txt(String name) {
                calls.incrementAndGet();
                CompletableFuture<DnsLookup<String>> f = new CompletableFuture<>();
                pending.add(f);
                return f;
            }
        };
        CachingDnsResolver cache = new CachingDnsResolver(slow, 100, clock);
        CompletableFuture<DnsLookup<String>> first = cache.txt("example.com");
        CompletableFuture<DnsLookup<String>> second = cache.txt("Example.com.");
        CompletableFuture<DnsLookup<String>> other = cache.txt("other.example.com");
        assertThat(pending).hasSize(2);
        assertThat(cache.joinedInFlight()).isEqualTo(1);
        second.cancel(true); // one caller giving up must not disturb the other
        assertThat(first).isNotDone();
        pending.get(0).complete(DnsLookup.of("example.com", DnsType.TXT, List.of("v=spf1 -all"), 100));
        assertThat(first.join().records()).containsExactly("v=spf1 -all");
        pending.get(1).completeExceptionally(new IllegalStateException("boom"));
        assertThat(other.join().outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(other.join().detail()).contains("boom");
        // the completed answer is now cached; the failed one is not
        assertThat(cache.txt("example.com").join().records()).containsExactly("v=spf1 -all");
        cache.txt("other.example.com");
        assertThat(pending).hasSize(3);
    }

    @Test
    void sizeIsBoundedAndTheOldestGoesFirst() {
        CountingResolver counting = new CountingResolver(zone);
        CachingDnsResolver cache = new CachingDnsResolver(counting, 3, clock);
        for (String n : new String[] {"a.example.com", "b.example.com", "c.example.com", "d.example.com"}) {
            cache.txt(n).join();
        }
        assertThat(cache.size()).isEqualTo(3);
        cache.txt("d.example.com").join();
        cache.txt("b.example.com").join();
        assertThat(counting.calls).hasValue(4);
        cache.txt("a.example.com").join(); // evicted
        assertThat(counting.calls).hasValue(5);
    }

    @Test
    void aDelegateThatThrowsGivesATemporaryFailure() {
        DnsResolver throwing = new CountingResolver(zone) {
            @Override
            public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
                throw new IllegalStateException("bug");
            }
        };
        CachingDnsResolver cache = new CachingDnsResolver(throwing, 10, clock);
        DnsLookup<InetAddress> l = cache.a("mail.example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(l.name()).isEqualTo("mail.example.com");
        assertThat(cache.size()).isZero();
    }
}
