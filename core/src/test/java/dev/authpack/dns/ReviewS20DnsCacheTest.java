package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 20 review: the DNS cache counted answers, not what they hold. One 64 KiB answer from the attacker's own
 * DNS carries about 4,000 MX records whose exchanges, through name compression, are each a 250-character name:
 * over a million characters kept per answer once decoded, for a day, and the MX share keeps 1,500 of them.
 */
class ReviewS20DnsCacheTest {
    private static final String LONG_NAME = (("a".repeat(62) + ".").repeat(4) + "example").substring(0, 250);
    /** One list shared by every answer, so the test's own memory stays small; the cache cannot know that. */
    private static final List<MxHost> HEAVY_MX =
            Collections.nCopies(4_000, new MxHost(10, LONG_NAME));

    /** 30,000 characters: kept (under {@link CachingDnsResolver#MAX_ENTRY_BYTES}), but 300 of them weigh 18 MB. */
    private static final String HEAVY_TXT = "v=spf1 " + "x".repeat(30_000);

    /** Every MX name the attacker's DNS answers with 4,000 long exchanges; TXT names with one short record. */
    private static final class AttackerDns implements DnsResolver {
        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            String text = name.startsWith("heavy") ? HEAVY_TXT : "v=spf1 -all";
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.TXT, List.of(text), 3600));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.A, List.of(), 3600));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return a(name);
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return CompletableFuture.completedFuture(DnsLookup.of(name, DnsType.MX, HEAVY_MX, 86_400));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            return CompletableFuture.completedFuture(DnsLookup.of("x", DnsType.PTR, List.of(), 3600));
        }
    }

    @Test
    void heavyAnswersFromTheAttackersDnsAreNotKeptBeyondTheCachesWeight() {
        CachingDnsResolver cache = new CachingDnsResolver(new AttackerDns());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String name = "m" + i + ".attacker.example";
            names.add(name);
            assertThat(cache.mx(name).join().records()).hasSize(4_000); // the caller gets the whole answer
        }
        long keptChars = 0;
        Collections.reverse(names); // the most recent first: asking again evicts none of those still to ask
        for (String name : names) {
            long before = cache.hits();
            cache.mx(name).join();
            if (cache.hits() > before) {
                keptChars += 4_000L * LONG_NAME.length();
            }
        }
        // 1,500 such answers were kept: 1.5 billion characters (3 GB as Java strings once decoded from the wire)
        assertThat(keptChars * 2).isLessThanOrEqualTo(CachingDnsResolver.DEFAULT_MAX_ENTRIES
                * (long) CachingDnsResolver.AVERAGE_ENTRY_BYTES);
    }

    @Test
    void answersInUseAreStillKeptWhenHeavyOnesPassThrough() {
        CachingDnsResolver cache = new CachingDnsResolver(new AttackerDns());
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3_000; i++) {
                cache.txt("t" + i + ".example.com").join();
            }
        }
        for (int i = 0; i < 300; i++) {
            assertThat(cache.txt("heavy" + i + ".attacker.example").join().records()).containsExactly(HEAVY_TXT);
        }
        long keptHeavy = 0;
        for (int i = 299; i >= 0; i--) {
            long hits = cache.hits();
            cache.txt("heavy" + i + ".attacker.example").join();
            keptHeavy += cache.hits() - hits;
        }
        assertThat(keptHeavy * HEAVY_TXT.length() * 2).isLessThanOrEqualTo(
                CachingDnsResolver.DEFAULT_MAX_ENTRIES * CachingDnsResolver.TXT_SHARE_PERCENT / 100
                        * (long) CachingDnsResolver.AVERAGE_ENTRY_BYTES);
        assertThat(keptHeavy).isPositive();
        long before = cache.hits();
        for (int i = 0; i < 3_000; i++) {
            cache.txt("t" + i + ".example.com").join();
        }
        assertThat(cache.hits() - before).isEqualTo(3_000);
    }
}
