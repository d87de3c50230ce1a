package dev.authpack.dns;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Shares of the DNS transport's slots (256 queries in flight, {@link DnsjavaResolver}) by what the queries are for,
 * so that the lookups whose failure costs most always find a slot. A query is sent only while the transport has
 * fewer than its share in flight, whoever sent them:
 * <ul>
 *   <li>{@link #EARLY}, 6/8 (192): the SMTP session's lookups before the end of DATA. They are optional (one not
 *       sent is asked at the end of DATA, never a failure), and attacker-driven: any number of connections can
 *       start them. So they never take the last quarter.</li>
 *   <li>{@link #SPOOL}, 7/8 (224): {@code MailAuthCheck}'s own checks on the spool threads. One message can have
 *       about 75 queries in flight at once (10 DKIM keys, 10 iprev names, the MX hosts of two SPF records, five
 *       DMARC tree walks of 8 names: {@code MessageQueriesInFlightTest}), so four spool threads on an attacker's
 *       messages would take all 256; past its share a query is a local overload, as past the transport's bound.</li>
 *   <li>the rest: the end-of-DATA checks the SMTP sessions wait for (bounded by the hook's waits), which thus keep
 *       at least the last eighth (32 slots) whatever the early lookups and the spool do.</li>
 * </ul>
 * Shares are of the transport's occupancy, not counts of their own: they hold across SMTP servers, hook instances
 * and mailets sharing one resolver. Only a query that would be sent is refused: an answer kept by the cache, or a
 * question joining the same one in flight, costs no slot and is given as usual. A check-then-send, so a share can be
 * passed by the queries of the few threads that checked at the same moment. A resolver without a bound
 * ({@link DnsResolver#maxQueriesInFlight()}) is never full.
 */
public final class TransportShare {
    /** The session's lookups before the end of DATA: 6 eighths. */
    public static final int EARLY = 6;
    /** {@code MailAuthCheck}'s own lookups: 7 eighths. */
    public static final int SPOOL = 7;

    private TransportShare() {
    }

    /** Whether {@code resolver} has at least {@code eighths} eighths of its slots in flight. */
    public static boolean reached(DnsResolver resolver, int eighths) {
        int max = resolver.maxQueriesInFlight();
        return max != Integer.MAX_VALUE && (long) resolver.queriesInFlight() * 8 >= (long) max * eighths;
    }

    /**
     * {@code resolver}, except that while it has {@code eighths} eighths of its slots in flight a new question is
     * not passed on but answered at once as a local overload ({@link DnsLookup#overloaded}), as the transport
     * answers past its bound.
     */
    public static DnsResolver upTo(DnsResolver resolver, int eighths) {
        if (eighths < 1 || eighths > 8) {
            throw new IllegalArgumentException("eighths must be from 1 to 8: " + eighths);
        }
        // the cache's own view refuses only what it would send: kept answers and joined questions cost no slot
        return resolver instanceof CachingDnsResolver cache ? cache.upTo(eighths) : new Capped(resolver, eighths);
    }

    /** The reason of a question not sent for {@code eighths}. */
    static String describe(DnsResolver resolver, int eighths) {
        return resolver.queriesInFlight() + " of " + resolver.maxQueriesInFlight() + " DNS queries in flight, at the "
                + eighths + "/8 share of " + (eighths == EARLY ? "the early lookups" : eighths == SPOOL
                ? "MailAuthCheck" : "these lookups");
    }

    private record Capped(DnsResolver resolver, int eighths) implements DnsResolver {
        private <T> CompletableFuture<DnsLookup<T>> ask(String name, DnsType type,
                                                       Supplier<CompletableFuture<DnsLookup<T>>> query) {
            if (reached(resolver, eighths)) {
                return CompletableFuture.completedFuture(DnsLookup.overloaded(name, type, describe(resolver,
                        eighths)));
            }
            return query.get();
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            return ask(name, DnsType.TXT, () -> resolver.txt(name));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return ask(name, DnsType.A, () -> resolver.a(name));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return ask(name, DnsType.AAAA, () -> resolver.aaaa(name));
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return ask(name, DnsType.MX, () -> resolver.mx(name));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            if (address == null) {
                return resolver.ptr(null);
            }
            return ask(DnsNames.reverseName(address), DnsType.PTR, () -> resolver.ptr(address));
        }

        @Override
        public int queriesInFlight() {
            return resolver.queriesInFlight();
        }

        @Override
        public int maxQueriesInFlight() {
            return resolver.maxQueriesInFlight();
        }
    }
}
