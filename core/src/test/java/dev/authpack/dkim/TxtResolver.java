package dev.authpack.dkim;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resolver for tests: TXT records from a map (name -> records), chosen names failing with a DNS error, every
 * other name NXDOMAIN. Counts and records TXT questions.
 */
final class TxtResolver implements DnsResolver {
    private final Map<String, List<String>> txt = new HashMap<>();
    private final Map<String, DnsOutcome> failures = new HashMap<>();
    private final AtomicInteger txtQueries = new AtomicInteger();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    TxtResolver add(String name, String... records) {
        txt.computeIfAbsent(key(name), k -> new ArrayList<>()).addAll(List.of(records));
        return this;
    }

    TxtResolver fail(String name, DnsOutcome outcome) {
        failures.put(key(name), outcome);
        return this;
    }

    int txtQueries() {
        return txtQueries.get();
    }

    /** The TXT names asked, in order. */
    List<String> asked() {
        return asked;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        txtQueries.incrementAndGet();
        asked.add(name);
        String n = key(name);
        DnsOutcome failure = failures.get(n);
        if (failure != null) {
            return CompletableFuture.completedFuture(DnsLookup.failed(n, DnsType.TXT, failure, "test failure"));
        }
        List<String> records = txt.get(n);
        if (records == null) {
            return CompletableFuture.completedFuture(DnsLookup.failed(n, DnsType.TXT, DnsOutcome.NXDOMAIN, ""));
        }
        return CompletableFuture.completedFuture(DnsLookup.of(n, DnsType.TXT, records, 300));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return CompletableFuture.completedFuture(DnsLookup.failed(name, DnsType.A, DnsOutcome.NXDOMAIN, ""));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return CompletableFuture.completedFuture(DnsLookup.failed(name, DnsType.AAAA, DnsOutcome.NXDOMAIN, ""));
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return CompletableFuture.completedFuture(DnsLookup.failed(name, DnsType.MX, DnsOutcome.NXDOMAIN, ""));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        return CompletableFuture.completedFuture(
                DnsLookup.failed(address.getHostAddress(), DnsType.PTR, DnsOutcome.NXDOMAIN, ""));
    }
}
