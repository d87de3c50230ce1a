package dev.authpack.dns;

import java.net.InetAddress;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TTL cache in front of another resolver, shared by all checks.
 *
 * <ul>
 *   <li>Answers with records are kept for their TTL (at most {@link #MAX_POSITIVE_TTL_SECONDS}).</li>
 *   <li>NXDOMAIN and no-data answers are kept for their negative TTL (RFC 2308: the SOA minimum, which the
 *       network resolver reports), at most {@link #MAX_NEGATIVE_TTL_SECONDS}.</li>
 *   <li>Failures and timeouts are never kept: the next check asks again.</li>
 *   <li>Concurrent identical questions share one query (in-flight de-duplication). Each caller gets its own
 *       future; a caller that cancels it no longer waits, and when every caller of a query has cancelled, the
 *       query is cancelled upstream (so the network resolver ends it and frees its transport slot) and leaves the
 *       in-flight table. A query someone still waits for is never cancelled.</li>
 *   <li>At most {@code maxEntries} answers, shared out by record type ({@value #TXT_SHARE_PERCENT}% for TXT,
 *       {@value #OTHER_SHARE_PERCENT}% each for A, AAAA, MX and PTR, at least one each): a flood of one type cannot
 *       evict another.</li>
 *   <li>What a type's answers weigh (estimated bytes of heap, {@link #weight}) is bounded too: its share of entries
 *       times {@value #AVERAGE_ENTRY_BYTES}; an answer over {@value #MAX_ENTRY_BYTES} is not kept at all.</li>
 *   <li>Within a type, a scan cannot flush the answers in use: a new answer enters a <em>probation</em> segment;
 *       asked for again, it moves to a <em>protected</em> segment ({@value #PROTECTED_PERCENT}% of the type's
 *       share) if it is asked for more often than the least recently used protected answer (a frequency sketch
 *       counts the questions, TinyLFU-style); the answer evicted is the least recently used of probation. So
 *       names asked once, or twice, by a stream of messages only ever displace each other. Segmented LRU with a
 *       TinyLFU admission test, as Caffeine's W-TinyLFU, written out here as James does not ship Caffeine.</li>
 *   <li>An expired answer stays where it is until the new answer replaces it (or it is evicted).</li>
 * </ul>
 * A cached answer is returned with its remaining TTL. Every operation is O(1) (plus hashing the name).
 *
 * <p>Threads: a hit is found without a lock (each record type keeps a concurrent index of its answers beside the
 * LRU segments), so spool threads checking at once do not queue for it. What a hit changes (the frequency count, the
 * recency order, a promotion) is done under the type's lock only if the lock is free at that moment; when another
 * thread holds it, that bookkeeping is skipped, as Caffeine drops reads from a full read buffer: the answer is
 * returned all the same, and the admission policy only sees a sample of the hits. Misses, new answers and evictions
 * take the lock.
 */
public final class CachingDnsResolver implements DnsResolver {

    private static final Logger LOG = LoggerFactory.getLogger(CachingDnsResolver.class);

    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /**
     * What the answers kept may weigh on average, in bytes of heap (estimated, {@link #weight}): a type's share of
     * {@code maxEntries} answers weighs at most its share times this (30 MiB in all by default).
     */
    public static final int AVERAGE_ENTRY_BYTES = 3 * 1024;
    /**
     * An answer that weighs more is given to its callers but not kept. Real ones weigh a few KiB at most (a domain's
     * TXT records, an 8192-bit DKIM key); 64 KiB of DNS answer from the attacker's own server, through name
     * compression, can decode to 4,000 MX or PTR names of 250 characters: megabytes each.
     */
    public static final int MAX_ENTRY_BYTES = 64 * 1024;
    /** The share of {@code maxEntries} for TXT answers (SPF, DMARC, DKIM keys: the most asked type). */
    public static final int TXT_SHARE_PERCENT = 40;
    /** The share of {@code maxEntries} for each of A, AAAA, MX and PTR. */
    public static final int OTHER_SHARE_PERCENT = 15;
    /** The protected segment's part of a type's share; the rest is at least probation's. */
    public static final int PROTECTED_PERCENT = 80;
    /** Cap on positive TTLs, so a mistaken huge TTL cannot pin an answer for weeks. */
    public static final long MAX_POSITIVE_TTL_SECONDS = 86_400;
    /** RFC 2308 §5: negative answers are kept for at most a few hours; we keep them one hour at most. */
    public static final long MAX_NEGATIVE_TTL_SECONDS = 3_600;

    /** @param weight the answer's estimated bytes of heap ({@link #weight}) */
    private record Entry(DnsLookup<?> lookup, long expiresAtMillis, long hash, long weight) {
    }

    private final DnsResolver delegate;
    private final Clock clock;
    private final Map<DnsType, Segment> segments = new EnumMap<>(DnsType.class);
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder joined = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    /** Every question, sent whatever the network resolver has in flight (its own bound still applies). */
    private final Share whole = new Share(8);

    public CachingDnsResolver(DnsResolver delegate) {
        this(delegate, DEFAULT_MAX_ENTRIES, Clock.systemUTC());
    }

    public CachingDnsResolver(DnsResolver delegate, int maxEntries) {
        this(delegate, maxEntries, Clock.systemUTC());
    }

    /** @param clock time source for expiry (tests pass a fake one) */
    public CachingDnsResolver(DnsResolver delegate, int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cache size must be at least 1: " + maxEntries);
        }
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (DnsType type : DnsType.values()) {
            int share = type == DnsType.TXT ? TXT_SHARE_PERCENT : OTHER_SHARE_PERCENT;
            int capacity = Math.max(1, (int) ((long) maxEntries * share / 100));
            segments.put(type, new Segment(capacity, (long) capacity * AVERAGE_ENTRY_BYTES));
        }
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return whole.txt(name);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return whole.a(name);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return whole.aaaa(name);
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return whole.mx(name);
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        return whole.ptr(address);
    }

    /**
     * This cache, except that a question it would send to the network resolver is answered as a local overload
     * while that resolver has {@code eighths} eighths of its slots in flight ({@link TransportShare}); answers kept
     * and questions already in flight are given as usual.
     */
    DnsResolver upTo(int eighths) {
        return new Share(eighths);
    }

    /** The cache's questions, sent to the network resolver only below {@code eighths} eighths of its slots. */
    private final class Share implements DnsResolver {
        private final int eighths;

        Share(int eighths) {
            this.eighths = eighths;
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            String n = DnsNames.normalize(name);
            return cached(DnsType.TXT, n, () -> delegate.txt(n), eighths);
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            String n = DnsNames.normalize(name);
            return cached(DnsType.A, n, () -> delegate.a(n), eighths);
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            String n = DnsNames.normalize(name);
            return cached(DnsType.AAAA, n, () -> delegate.aaaa(n), eighths);
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            String n = DnsNames.normalize(name);
            return cached(DnsType.MX, n, () -> delegate.mx(n), eighths);
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            if (address == null) {
                return delegate.ptr(null);
            }
            return cached(DnsType.PTR, DnsNames.reverseName(address), () -> delegate.ptr(address), eighths);
        }

        @Override
        public int queriesInFlight() {
            return CachingDnsResolver.this.queriesInFlight();
        }

        @Override
        public int maxQueriesInFlight() {
            return CachingDnsResolver.this.maxQueriesInFlight();
        }

        @Override
        public String toString() {
            return CachingDnsResolver.this + " up to " + eighths + "/8 of the transport";
        }
    }

    /** The network resolver's queries in flight (a cache hit or a joined question holds none). */
    @Override
    public int queriesInFlight() {
        return delegate.queriesInFlight();
    }

    @Override
    public int maxQueriesInFlight() {
        return delegate.maxQueriesInFlight();
    }

    /** Answers served from the cache. */
    public long hits() {
        return hits.sum();
    }

    /** Questions passed to the underlying resolver. */
    public long misses() {
        return misses.sum();
    }

    /** Questions that joined an identical question already in flight (neither hit nor miss). */
    public long joinedInFlight() {
        return joined.sum();
    }

    /** Queries cancelled upstream because every caller waiting for them cancelled its future. */
    public long cancelledInFlight() {
        return cancelled.sum();
    }

    /** Answers currently kept (expired ones included until they are replaced or evicted). */
    public int size() {
        int size = 0;
        for (Segment segment : segments.values()) {
            segment.lock.lock();
            try {
                size += segment.size();
            } finally {
                segment.lock.unlock();
            }
        }
        return size;
    }

    public void clear() {
        for (Segment segment : segments.values()) {
            segment.lock.lock();
            try {
                segment.clear();
            } finally {
                segment.lock.unlock();
            }
        }
    }

    /**
     * The answer from the cache, or joined to the same question in flight, or asked: only while the network
     * resolver has fewer than {@code eighths} eighths of its slots in flight; past it a new query is not sent but
     * answered as a local overload ({@link TransportShare}).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> CompletableFuture<DnsLookup<T>> cached(DnsType type, String name,
                                                      Supplier<CompletableFuture<DnsLookup<T>>> query, int eighths) {
        Segment segment = segments.get(type);
        long hash = segment.sketch.hash(name);
        // the hit path: no lock to wait for
        Entry hit = segment.index.get(name);
        if (hit != null) {
            long now = clock.millis();
            if (hit.expiresAtMillis() > now) {
                hits.increment();
                if (segment.lock.tryLock()) {
                    try {
                        segment.get(name, hash);
                    } finally {
                        segment.lock.unlock();
                    }
                }
                return CompletableFuture.completedFuture((DnsLookup<T>) withRemainingTtl(hit, now));
            }
        }
        InFlight asked;
        segment.lock.lock();
        try {
            long now = clock.millis();
            Entry e = segment.get(name, hash);
            if (e != null && e.expiresAtMillis() > now) {
                hits.increment();
                return CompletableFuture.completedFuture((DnsLookup<T>) withRemainingTtl(e, now));
            }
            InFlight running = segment.inFlight.get(name);
            if (running != null) {
                joined.increment();
                running.waiting++;
                return (CompletableFuture) copyFor(segment, name, running);
            }
            if (eighths < 8 && TransportShare.reached(delegate, eighths)) {
                return CompletableFuture.completedFuture(DnsLookup.overloaded(name, type,
                        TransportShare.describe(delegate, eighths)));
            }
            misses.increment();
            asked = new InFlight();
            segment.inFlight.put(name, asked);
        } finally {
            segment.lock.unlock();
        }
        CompletableFuture<DnsLookup<T>> started = ask(query);
        asked.upstream = started;
        started.whenComplete((lookup, error) -> {
            DnsLookup<?> result = lookup;
            if (error != null || result == null) {
                if (started.isCancelled()) {
                    LOG.debug("{} {}: cancelled, no caller waits for it", type, name);
                } else {
                    LOG.warn("resolver for {} {} completed exceptionally", type, name, error);
                }
                result = DnsLookup.failed(name, type, DnsOutcome.TEMP_FAILURE, "resolver error: " + error);
            }
            segment.lock.lock();
            try {
                segment.inFlight.remove(name, asked);
                long ttl = cacheTtlSeconds(result);
                long weight = weight(name, result);
                if (ttl > 0 && weight <= MAX_ENTRY_BYTES) {
                    segment.put(name, new Entry(result, clock.millis() + ttl * 1000, hash, weight));
                } else if (ttl > 0) {
                    LOG.debug("{} {}: answer of about {} bytes not kept (more than {})", type, name, weight,
                            MAX_ENTRY_BYTES);
                }
            } finally {
                segment.lock.unlock();
            }
            asked.shared.complete(result);
        });
        return (CompletableFuture) copyFor(segment, name, asked);
    }

    private static <T> CompletableFuture<DnsLookup<T>> ask(Supplier<CompletableFuture<DnsLookup<T>>> query) {
        try {
            return query.get();
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }

    /**
     * A caller's own copy of the query's answer: the caller completing or cancelling it cannot disturb the others;
     * cancelling it tells that this caller no longer waits ({@link #leave}).
     */
    private CompletableFuture<DnsLookup<?>> copyFor(Segment segment, String name, InFlight query) {
        CompletableFuture<DnsLookup<?>> copy = query.shared.copy();
        copy.whenComplete((lookup, error) -> {
            if (copy.isCancelled()) {
                leave(segment, name, query);
            }
        });
        return copy;
    }

    /**
     * A caller cancelled its copy: when it was the last one waiting, the query leaves the in-flight table (a later
     * question starts a new one) and is cancelled upstream, so that the network resolver ends it at once and frees
     * its transport slot (an SMTP session that ended, {@code SessionResolver}) instead of holding it until its
     * timeout for no one.
     */
    private void leave(Segment segment, String name, InFlight query) {
        segment.lock.lock();
        try {
            if (--query.waiting > 0 || query.shared.isDone()) {
                return;
            }
            segment.inFlight.remove(name, query);
        } finally {
            segment.lock.unlock();
        }
        cancelled.increment();
        // set before the first copy was handed out, so before any caller could cancel it
        query.upstream.cancel(false);
    }

    /** A question in flight and its callers: the one who started it and those who joined it. */
    private static final class InFlight {
        final CompletableFuture<DnsLookup<?>> shared = new CompletableFuture<>();
        /** The underlying resolver's future; set right after the question was asked, before any copy is out. */
        volatile CompletableFuture<?> upstream;
        /** Callers whose copies are not cancelled (guarded by the segment's lock). */
        int waiting = 1;
    }

    private static long cacheTtlSeconds(DnsLookup<?> lookup) {
        return switch (lookup.outcome()) {
            case RECORDS -> Math.min(lookup.ttlSeconds(), MAX_POSITIVE_TTL_SECONDS);
            case NXDOMAIN, NO_DATA -> Math.min(lookup.ttlSeconds(), MAX_NEGATIVE_TTL_SECONDS);
            case TEMP_FAILURE, TIMEOUT, INVALID_NAME -> 0;
        };
    }

    /*
     * The heap an answer holds, counted as an upper bound on any 64-bit JVM: objects of 16-byte headers, 8-byte
     * references (no compressed oops), arrays of 24-byte headers, every object rounded up to 8 bytes, strings at two
     * bytes a character (UTF-16, the most a JDK string takes). Measured by CacheWeightTest (an AAAA answer of 4
     * addresses holds about 830 bytes with compressed oops; weighed about 1,400).
     */
    /** A String without its characters: the object (32) and its array's header (24), rounded up (+8). */
    private static final long STRING_BYTES = 64;
    /**
     * What every answer holds besides its strings and records: the Entry (48), its node in the concurrent index
     * (48) and in its LRU segment (64), two table slots each (32), the DnsLookup (72) and its record list (32 and
     * an array header of 24).
     */
    private static final long ANSWER_BYTES = 48 + 48 + 64 + 32 + 72 + 32 + 24;
    /** A list slot (8) per record. */
    private static final long SLOT_BYTES = 8;
    /**
     * An InetAddress: Inet6Address (32), its InetAddressHolder (40), Inet6AddressHolder (40) and 16-octet array
     * (40): 152, rounded up; an Inet4Address (64 with its holder) is counted the same.
     */
    private static final long ADDRESS_BYTES = 160;
    /** An MxHost without its name: the record (32). */
    private static final long MX_BYTES = 32;

    /**
     * The bytes of heap an answer holds in the cache, an upper bound (constants above): the entry and its map
     * nodes, the name it is kept under and the lookup's own name (counted twice: they may be two strings), the
     * detail, each record. Bounds what the cache keeps ({@link #AVERAGE_ENTRY_BYTES}, {@link #MAX_ENTRY_BYTES}), and
     * what an SMTP session's checks keep for their transaction ({@code SessionResolver}).
     */
    public static long weight(String name, DnsLookup<?> lookup) {
        long bytes = ANSWER_BYTES + string(name) + string(lookup.name()) + string(lookup.detail());
        for (Object record : lookup.records()) {
            bytes += SLOT_BYTES;
            if (record instanceof String text) {
                bytes += string(text);
            } else if (record instanceof MxHost mx) {
                bytes += MX_BYTES + string(mx.exchange());
            } else {
                bytes += ADDRESS_BYTES;
            }
        }
        return bytes;
    }

    private static long string(String s) {
        return STRING_BYTES + 2L * s.length();
    }

    private static DnsLookup<?> withRemainingTtl(Entry e, long now) {
        DnsLookup<?> l = e.lookup();
        long remaining = Math.max(1, (e.expiresAtMillis() - now + 999) / 1000);
        return remaining == l.ttlSeconds() ? l
                : new DnsLookup<>(l.name(), l.type(), l.outcome(), l.records(), remaining, l.detail());
    }

    /**
     * The answers of one record type: a segmented LRU (probation, protected) with a frequency sketch deciding what
     * enters the protected segment. Guarded by its lock, except {@code index} (a concurrent map, written under the
     * lock, read without it: always the union of the two segments) and the sketch's {@link FrequencySketch#hash}.
     */
    private static final class Segment {
        final ReentrantLock lock = new ReentrantLock();
        final Map<String, Entry> index = new ConcurrentHashMap<>();
        final int capacity;
        final int protectedCapacity;
        /** The most the answers kept may weigh ({@link #weight}), and what they weigh now. */
        final long maxWeight;
        long weight;
        /** Access order: the eldest is the least recently used. */
        final LinkedHashMap<String, Entry> probation = new LinkedHashMap<>(16, 0.75f, true);
        final LinkedHashMap<String, Entry> protectedEntries = new LinkedHashMap<>(16, 0.75f, true);
        final Map<String, InFlight> inFlight = new HashMap<>();
        final FrequencySketch sketch;

        Segment(int capacity, long maxWeight) {
            this.capacity = capacity;
            this.maxWeight = maxWeight;
            this.protectedCapacity = (int) ((long) capacity * PROTECTED_PERCENT / 100);
            this.sketch = new FrequencySketch(capacity);
        }

        int size() {
            return probation.size() + protectedEntries.size();
        }

        void clear() {
            probation.clear();
            protectedEntries.clear();
            index.clear();
            weight = 0;
        }

        /** The entry (expired or not), counting the question; an entry asked for again may be promoted. */
        Entry get(String name, long hash) {
            sketch.increment(hash);
            Entry e = protectedEntries.get(name);
            if (e != null) {
                return e;
            }
            e = probation.get(name);
            if (e != null) {
                promote(name, e);
            }
            return e;
        }

        private void promote(String name, Entry e) {
            if (protectedEntries.size() < protectedCapacity) {
                probation.remove(name);
                protectedEntries.put(name, e);
                return;
            }
            if (protectedCapacity == 0) {
                return;
            }
            // TinyLFU admission: the candidate must be asked for more often than the protected entry it displaces
            Iterator<Map.Entry<String, Entry>> eldest = protectedEntries.entrySet().iterator();
            Map.Entry<String, Entry> victim = eldest.next();
            if (sketch.frequency(e.hash()) > sketch.frequency(victim.getValue().hash())) {
                eldest.remove();
                probation.remove(name);
                protectedEntries.put(name, e);
                probation.put(victim.getKey(), victim.getValue());
            }
        }

        /**
         * A new answer: in place of the old one, else on probation; then probation's eldest are evicted (protected's
         * when probation is empty) while there are more answers than the capacity or they weigh more than
         * {@code maxWeight}.
         */
        void put(String name, Entry e) {
            Entry old = index.put(name, e);
            weight += e.weight() - (old == null ? 0 : old.weight());
            if (protectedEntries.containsKey(name)) {
                protectedEntries.put(name, e);
            } else {
                probation.put(name, e);
            }
            while (size() > capacity || weight > maxWeight && size() > 1) {
                Iterator<Map.Entry<String, Entry>> eldest =
                        (probation.isEmpty() ? protectedEntries : probation).entrySet().iterator();
                Map.Entry<String, Entry> victim = eldest.next();
                index.remove(victim.getKey());
                weight -= victim.getValue().weight();
                eldest.remove();
            }
        }
    }

    /**
     * How often names were asked for lately: a count-min sketch of 4-bit counters, four per name, halved every
     * {@value #SAMPLE_FACTOR} × capacity questions so that old popularity fades (TinyLFU, Einziger et al. 2017).
     * Names are hashed with a random seed, so an attacker cannot choose names that share counters with ours.
     */
    private static final class FrequencySketch {
        private static final int SAMPLE_FACTOR = 10;
        private static final int COUNTERS_PER_ENTRY = 16;
        private static final int MAX_COUNT = 15;
        private static final long[] ROW_SEEDS = {0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L,
                0xD6E8FEB86659FD93L};

        private final byte[] counters;
        private final int mask;
        private final int sampleSize;
        private final long seed = ThreadLocalRandom.current().nextLong();
        private int additions;

        FrequencySketch(int capacity) {
            int size = Integer.highestOneBit(Math.max(64, capacity * COUNTERS_PER_ENTRY - 1)) << 1;
            counters = new byte[Math.min(size, 1 << 24)];
            mask = counters.length - 1;
            sampleSize = Math.max(1, capacity * SAMPLE_FACTOR);
        }

        /** A seeded 64-bit hash of the name (no lock needed). */
        long hash(String name) {
            long h = seed;
            for (int i = 0; i < name.length(); i++) {
                h = Long.rotateLeft(h ^ name.charAt(i), 23) * 0x9E3779B97F4A7C15L;
            }
            return mix(h);
        }

        void increment(long hash) {
            boolean added = false;
            for (long rowSeed : ROW_SEEDS) {
                int i = index(hash, rowSeed);
                if (counters[i] < MAX_COUNT) {
                    counters[i]++;
                    added = true;
                }
            }
            if (added && ++additions >= sampleSize) {
                for (int i = 0; i < counters.length; i++) {
                    counters[i] = (byte) (counters[i] >>> 1);
                }
                additions /= 2;
            }
        }

        int frequency(long hash) {
            int min = MAX_COUNT;
            for (long rowSeed : ROW_SEEDS) {
                min = Math.min(min, counters[index(hash, rowSeed)]);
            }
            return min;
        }

        private int index(long hash, long rowSeed) {
            return (int) mix(hash + rowSeed) & mask;
        }

        /** MurmurHash3's 64-bit finalizer. */
        private static long mix(long x) {
            long h = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
            h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
            return h ^ (h >>> 33);
        }
    }
}
