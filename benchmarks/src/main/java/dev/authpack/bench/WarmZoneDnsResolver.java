package dev.authpack.bench;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link MemoryZone} answered as a network resolver answers it, for the DMARC and full-check benchmarks: like
 * {@link AuthpackMemoryDnsResolver} (whose answers it passes on), plus PTR records, and NXDOMAIN and no-data answers
 * that carry a negative TTL (RFC 2308: the SOA minimum a real resolver reports), so that our
 * {@link dev.authpack.dns.CachingDnsResolver} keeps them as it does in production. DMARC asks many names that do not
 * exist ({@code _dmarc.com} at the end of every tree walk, say); without a negative TTL each would miss the cache.
 */
public final class WarmZoneDnsResolver implements DnsResolver {
    /** The negative TTL a resolver would report (a common SOA minimum). */
    static final long NEGATIVE_TTL_SECONDS = 300;
    private static final long PTR_TTL_SECONDS = 3600;

    private final AuthpackMemoryDnsResolver zone;
    private final Map<InetAddress, CompletableFuture<DnsLookup<String>>> ptr;

    /** @param ptr the PTR names of each address (lower case, no trailing dot) */
    public WarmZoneDnsResolver(MemoryZone zone, Map<InetAddress, List<String>> ptr) {
        this.zone = new AuthpackMemoryDnsResolver(zone);
        Map<InetAddress, CompletableFuture<DnsLookup<String>>> answers = new HashMap<>();
        ptr.forEach((address, names) -> answers.put(address, CompletableFuture.completedFuture(
                DnsLookup.of(reverseName(address), DnsType.PTR, names, PTR_TTL_SECONDS))));
        this.ptr = Map.copyOf(answers);
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return withNegativeTtl(zone.txt(name));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return withNegativeTtl(zone.a(name));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return withNegativeTtl(zone.aaaa(name));
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return withNegativeTtl(zone.mx(name));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        CompletableFuture<DnsLookup<String>> answer = ptr.get(address);
        return answer != null ? answer : CompletableFuture.completedFuture(new DnsLookup<>(reverseName(address),
                DnsType.PTR, DnsOutcome.NXDOMAIN, List.of(), NEGATIVE_TTL_SECONDS, ""));
    }

    private static <T> CompletableFuture<DnsLookup<T>> withNegativeTtl(CompletableFuture<DnsLookup<T>> answer) {
        DnsLookup<T> lookup = answer.join();   // always complete: the zone is in memory
        if (lookup.outcome().isVoid() && lookup.ttlSeconds() == 0) {
            return CompletableFuture.completedFuture(new DnsLookup<>(lookup.name(), lookup.type(), lookup.outcome(),
                    List.of(), NEGATIVE_TTL_SECONDS, lookup.detail()));
        }
        return answer;
    }

    /** {@code 4.3.2.1.in-addr.arpa} for 1.2.3.4 (only the lookup's name; the benchmarks' clients are IPv4). */
    private static String reverseName(InetAddress address) {
        byte[] octets = address.getAddress();
        if (octets.length != 4) {
            return address.getHostAddress();
        }
        StringBuilder s = new StringBuilder();
        for (int i = octets.length - 1; i >= 0; i--) {
            s.append(octets[i] & 0xff).append('.');
        }
        return s.append("in-addr.arpa").toString();
    }
}
