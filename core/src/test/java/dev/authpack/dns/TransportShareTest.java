package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransportShareTest {
    /** A network resolver of 256 slots whose occupancy the test sets; answers from a zone, or never. */
    static final class Occupied implements DnsResolver {
        final List<String> sent = new CopyOnWriteArrayList<>();
        private final ZoneFileResolver zone = new ZoneFileResolver("""
                $ORIGIN .
                $TTL 300
                cached.example. IN TXT "v=spf1 -all"
                fresh.example. IN TXT "v=spf1 -all"
                again.example. IN TXT "v=spf1 -all"
                """);
        volatile int inFlight;

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            sent.add(name);
            return name.startsWith("slow.") ? new CompletableFuture<>() : zone.txt(name);
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            sent.add(name);
            return zone.a(name);
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            sent.add(name);
            return zone.aaaa(name);
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            sent.add(name);
            return zone.mx(name);
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            sent.add(DnsNames.reverseName(address));
            return zone.ptr(address);
        }

        @Override
        public int queriesInFlight() {
            return inFlight;
        }

        @Override
        public int maxQueriesInFlight() {
            return 256;
        }
    }

    @Test
    void theSharesAreEighthsOfTheTransportsSlots() {
        Occupied network = new Occupied();
        network.inFlight = 191;
        assertThat(TransportShare.reached(network, TransportShare.EARLY)).isFalse();
        network.inFlight = 192;
        assertThat(TransportShare.reached(network, TransportShare.EARLY)).isTrue();
        assertThat(TransportShare.reached(network, TransportShare.SPOOL)).isFalse();
        network.inFlight = 224;
        assertThat(TransportShare.reached(network, TransportShare.SPOOL)).isTrue();
        // the cache reports its network resolver's slots; a resolver without a bound is never full
        assertThat(TransportShare.reached(new CachingDnsResolver(network), TransportShare.SPOOL)).isTrue();
        assertThat(TransportShare.reached(new ZoneFileResolver(""), 1)).isFalse();
        assertThatThrownBy(() -> TransportShare.upTo(network, 9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pastItsShareTheCachesViewSendsNothingButStillGivesKeptAnswersAndJoinsQueriesInFlight() throws Exception {
        Occupied network = new Occupied();
        CachingDnsResolver cache = new CachingDnsResolver(network);
        DnsResolver spool = TransportShare.upTo(cache, TransportShare.SPOOL);
        assertThat(spool.txt("cached.example").get().hasRecords()).isTrue();
        CompletableFuture<DnsLookup<String>> slow = cache.txt("slow.example");
        network.sent.clear();

        network.inFlight = 224;
        assertThat(spool.txt("cached.example").get().hasRecords()).as("a kept answer costs no slot").isTrue();
        CompletableFuture<DnsLookup<String>> joined = spool.txt("slow.example");
        assertThat(joined).as("joined to the query in flight, not refused").isNotDone();
        DnsLookup<String> refused = spool.txt("fresh.example").get();
        assertThat(refused.localOverload()).isTrue();
        assertThat(refused.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(refused.detail()).contains("224 of 256", "7/8");
        assertThat(network.sent).as("nothing sent").isEmpty();
        // the cache itself (the sessions' end of DATA) still asks
        assertThat(cache.txt("fresh.example").get().hasRecords()).isTrue();
        assertThat(network.sent).containsExactly("fresh.example");

        network.inFlight = 223;
        network.sent.clear();
        assertThat(spool.txt("again.example").get().hasRecords()).isTrue();
        assertThat(network.sent).containsExactly("again.example");
        slow.cancel(false);
        joined.cancel(false);
    }

    @Test
    void aResolverWithoutACacheIsCappedAsAWhole() throws Exception {
        Occupied network = new Occupied();
        DnsResolver capped = TransportShare.upTo(network, TransportShare.EARLY);
        assertThat(capped.maxQueriesInFlight()).isEqualTo(256);
        network.inFlight = 192;
        assertThat(capped.a("fresh.example").get().localOverload()).isTrue();
        assertThat(capped.ptr(InetAddress.getByName("192.0.2.1")).get().localOverload()).isTrue();
        assertThat(network.sent).isEmpty();
        network.inFlight = 0;
        assertThat(capped.txt("fresh.example").get().hasRecords()).isTrue();
    }
}
