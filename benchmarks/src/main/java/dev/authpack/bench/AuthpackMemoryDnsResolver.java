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
 * Our {@link DnsResolver} answered from a {@link MemoryZone}: every answer is a completed future built once,
 * up front, which is what a warm cache hands the engine. A name absent from the zone is NXDOMAIN; a present name
 * without records of the asked type is "no data".
 */
public final class AuthpackMemoryDnsResolver implements DnsResolver {

    private static final long TTL_SECONDS = 3600;

    private final MemoryZone zone;
    private final Map<String, CompletableFuture<DnsLookup<String>>> txt;
    private final Map<String, CompletableFuture<DnsLookup<InetAddress>>> a;
    private final Map<String, CompletableFuture<DnsLookup<InetAddress>>> aaaa;
    private final Map<String, CompletableFuture<DnsLookup<MxHost>>> mx;

    public AuthpackMemoryDnsResolver(MemoryZone zone) {
        this.zone = zone;
        this.txt = answers(zone.txt(), DnsType.TXT);
        this.a = answers(zone.a(), DnsType.A);
        this.aaaa = answers(zone.aaaa(), DnsType.AAAA);
        this.mx = answers(zone.mx(), DnsType.MX);
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return answer(txt, name, DnsType.TXT);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return answer(a, name, DnsType.A);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return answer(aaaa, name, DnsType.AAAA);
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return answer(mx, name, DnsType.MX);
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        // no scenario has PTR data
        return CompletableFuture.completedFuture(
                DnsLookup.failed(address.getHostAddress(), DnsType.PTR, DnsOutcome.NXDOMAIN, ""));
    }

    private <T> CompletableFuture<DnsLookup<T>> answer(Map<String, CompletableFuture<DnsLookup<T>>> table,
                                                       String name, DnsType type) {
        CompletableFuture<DnsLookup<T>> answer = table.get(name);
        if (answer != null) {
            return answer;
        }
        String key = MemoryZone.key(name);
        answer = table.get(key);
        if (answer != null) {
            return answer;
        }
        DnsLookup<T> empty = zone.nameExists(key)
                ? DnsLookup.of(key, type, List.of(), TTL_SECONDS)
                : DnsLookup.failed(key, type, DnsOutcome.NXDOMAIN, "");
        return CompletableFuture.completedFuture(empty);
    }

    private static <T> Map<String, CompletableFuture<DnsLookup<T>>> answers(Map<String, List<T>> records,
                                                                            DnsType type) {
        Map<String, CompletableFuture<DnsLookup<T>>> result = new HashMap<>();
        records.forEach((name, list) ->
                result.put(name, CompletableFuture.completedFuture(DnsLookup.of(name, type, list, TTL_SECONDS))));
        return Map.copyOf(result);
    }
}
