package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (L5): {@link CachingDnsResolver#weight} is an upper bound of the heap an answer holds in the
 * cache, so that the cache's bound (its share of entries times {@link CachingDnsResolver#AVERAGE_ENTRY_BYTES}, 30 MiB
 * by default) is one of heap. Measured: the heap that 10,000 cached AAAA answers of 4 addresses hold (the cache's
 * entries, their map nodes, the names, the records) is no more than the sum of their weights. An Inet6Address is
 * about 100 to 150 bytes with its holders; the former estimate counted 96 and not the queried name.
 */
class CacheWeightTest {
    private static final int ANSWERS = 10_000;
    private static final int ADDRESSES = 4;

    /** Answers AAAA with ADDRESSES fresh addresses for any name (nothing else is asked). */
    private static final class Aaaa implements DnsResolver {
        private int next;

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            List<InetAddress> addresses = new ArrayList<>();
            for (int i = 0; i < ADDRESSES; i++, next++) {
                byte[] b = new byte[16];
                b[0] = 0x20;
                b[1] = 0x01;
                b[12] = (byte) (next >>> 24);
                b[13] = (byte) (next >>> 16);
                b[14] = (byte) (next >>> 8);
                b[15] = (byte) next;
                addresses.add(address(b)); // as DnsTransport makes them
            }
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.AAAA, addresses, 3600));
        }

        private static InetAddress address(byte[] b) {
            try {
                return InetAddress.getByAddress(b);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            throw new UnsupportedOperationException();
        }
    }

    private static long usedHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            Runtime rt = Runtime.getRuntime();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    @Test
    void cachedAaaaAnswersHoldNoMoreHeapThanTheirWeight() throws Exception {
        // 15 % of 100,000 entries for AAAA: 15,000 answers and 45 MiB of weight, neither reached here
        CachingDnsResolver cache = new CachingDnsResolver(new Aaaa(), 100_000);
        String suffix = ".mail-servers.some-rather-long-domain-name.example";
        cache.aaaa("warm-up" + suffix).join();
        long before = usedHeap();
        long weights = 0;
        for (int i = 0; i < ANSWERS; i++) {
            String name = "host-" + i + suffix;
            DnsLookup<InetAddress> answer = cache.aaaa(name).join();
            assertThat(answer.records()).hasSize(ADDRESSES);
            weights += CachingDnsResolver.weight(DnsNames.normalize(name), answer);
        }
        long held = usedHeap() - before;
        System.out.println(ANSWERS + " AAAA answers: " + held + " bytes of heap held, weights " + weights);
        assertThat(cache.aaaa("host-0" + suffix).join().records()).hasSize(ADDRESSES); // still cached: reachable
        assertThat(held).as("heap held by the cached answers").isLessThanOrEqualTo(weights);
        assertThat(weights).as("an upper bound, not a wild one").isLessThan(4 * Math.max(held, 1));
    }
}
