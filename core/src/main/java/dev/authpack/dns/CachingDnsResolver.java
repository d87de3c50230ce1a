package dev.authpack.dns;

import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 *   <li>Concurrent identical questions share one query (in-flight de-duplication).</li>
 *   <li>At most {@code maxEntries} answers; the oldest is evicted first.</li>
 * </ul>
 * A cached answer is returned with its remaining TTL.
 */
public final class CachingDnsResolver implements DnsResolver {

    private static final Logger LOG = LoggerFactory.getLogger(CachingDnsResolver.class);

    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Cap on positive TTLs, so a mistaken huge TTL cannot pin an answer for weeks. */
    public static final long MAX_POSITIVE_TTL_SECONDS = 86_400;
    /** RFC 2308 §5: negative answers are kept for at most a few hours; we keep them one hour at most. */
    public static final long MAX_NEGATIVE_TTL_SECONDS = 3_600;

    private record Key(DnsType type, String name) {
    }

    private record Entry(DnsLookup<?> lookup, long expiresAtMillis) {
    }

    private final DnsResolver delegate;
    private final int maxEntries;
    private final Clock clock;
    private final Object lock = new Object();
    /** Insertion order, so the eldest entry is the oldest answer. Guarded by {@link #lock}. */
    private final LinkedHashMap<Key, Entry> cache;
    /** Guarded by {@link #lock}. */
    private final Map<Key, CompletableFuture<DnsLookup<?>>> inFlight = new HashMap<>();
    private long hits;
    private long misses;
    private long joined;

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
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
        this.maxEntries = maxEntries;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.cache = new LinkedHashMap<>(Math.min(maxEntries, 1024) * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > CachingDnsResolver.this.maxEntries;
            }
        };
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        String n = DnsNames.normalize(name);
        return cached(new Key(DnsType.TXT, n), () -> delegate.txt(n));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        String n = DnsNames.normalize(name);
        return cached(new Key(DnsType.A, n), () -> delegate.a(n));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        String n = DnsNames.normalize(name);
        return cached(new Key(DnsType.AAAA, n), () -> delegate.aaaa(n));
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        String n = DnsNames.normalize(name);
        return cached(new Key(DnsType.MX, n), () -> delegate.mx(n));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        if (address == null) {
            return delegate.ptr(null);
        }
        return cached(new Key(DnsType.PTR, DnsNames.reverseName(address)), () -> delegate.ptr(address));
    }

    /** Answers served from the cache. */
    public long hits() {
        synchronized (lock) {
            return hits;
        }
    }

    /** Questions passed to the underlying resolver. */
    public long misses() {
        synchronized (lock) {
            return misses;
        }
    }

    /** Questions that joined an identical question already in flight (neither hit nor miss). */
    public long joinedInFlight() {
        synchronized (lock) {
            return joined;
        }
    }

    /** Answers currently kept (expired ones included until they are evicted or asked for). */
    public int size() {
        synchronized (lock) {
            return cache.size();
        }
    }

    public void clear() {
        synchronized (lock) {
            cache.clear();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> CompletableFuture<DnsLookup<T>> cached(Key key, Supplier<CompletableFuture<DnsLookup<T>>> query) {
        CompletableFuture<DnsLookup<?>> shared;
        synchronized (lock) {
            long now = clock.millis();
            Entry e = cache.get(key);
            if (e != null) {
                if (e.expiresAtMillis() > now) {
                    hits++;
                    return CompletableFuture.completedFuture((DnsLookup<T>) withRemainingTtl(e, now));
                }
                cache.remove(key);
            }
            CompletableFuture<DnsLookup<?>> running = inFlight.get(key);
            if (running != null) {
                joined++;
                return (CompletableFuture) running.copy();
            }
            misses++;
            shared = new CompletableFuture<>();
            inFlight.put(key, shared);
        }
        CompletableFuture<DnsLookup<T>> started;
        try {
            started = query.get();
        } catch (RuntimeException ex) {
            started = CompletableFuture.failedFuture(ex);
        }
        started.whenComplete((lookup, error) -> {
            DnsLookup<?> result = lookup;
            if (error != null || result == null) {
                LOG.warn("resolver for {} {} completed exceptionally", key.type(), key.name(), error);
                result = DnsLookup.failed(key.name(), key.type(), DnsOutcome.TEMP_FAILURE,
                        "resolver error: " + error);
            }
            synchronized (lock) {
                inFlight.remove(key);
                long ttl = cacheTtlSeconds(result);
                if (ttl > 0) {
                    cache.put(key, new Entry(result, clock.millis() + ttl * 1000));
                }
            }
            shared.complete(result);
        });
        // callers get their own copy: one caller completing or cancelling it cannot disturb the others
        return (CompletableFuture) shared.copy();
    }

    private static long cacheTtlSeconds(DnsLookup<?> lookup) {
        return switch (lookup.outcome()) {
            case RECORDS -> Math.min(lookup.ttlSeconds(), MAX_POSITIVE_TTL_SECONDS);
            case NXDOMAIN, NO_DATA -> Math.min(lookup.ttlSeconds(), MAX_NEGATIVE_TTL_SECONDS);
            case TEMP_FAILURE, TIMEOUT, INVALID_NAME -> 0;
        };
    }

    private static DnsLookup<?> withRemainingTtl(Entry e, long now) {
        DnsLookup<?> l = e.lookup();
        long remaining = Math.max(1, (e.expiresAtMillis() - now + 999) / 1000);
        return remaining == l.ttlSeconds() ? l
                : new DnsLookup<>(l.name(), l.type(), l.outcome(), l.records(), remaining, l.detail());
    }
}
