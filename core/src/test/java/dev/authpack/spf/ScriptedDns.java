package dev.authpack.spf;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resolver for unit tests: records per name and type, scripted failures, queries that stay unanswered until
 * the test answers them, and a log of every query ("TYPE name") in the order asked.
 */
class ScriptedDns implements DnsResolver {
    private final Map<String, List<?>> records = new HashMap<>();
    private final Map<String, DnsOutcome> failures = new HashMap<>();
    private final Set<String> held = new HashSet<>();
    private final Map<String, CompletableFuture<DnsLookup<?>>> pending = new ConcurrentHashMap<>();
    final List<String> queries = Collections.synchronizedList(new ArrayList<>());

    ScriptedDns txt(String name, String... values) {
        records.put("TXT " + name, List.of(values));
        return this;
    }

    ScriptedDns a(String name, String... addresses) {
        records.put("A " + name, addresses(addresses));
        return this;
    }

    ScriptedDns aaaa(String name, String... addresses) {
        records.put("AAAA " + name, addresses(addresses));
        return this;
    }

    ScriptedDns mx(String name, MxHost... hosts) {
        records.put("MX " + name, List.of(hosts));
        return this;
    }

    ScriptedDns ptr(String address, String... names) {
        records.put("PTR " + address, List.of(names));
        return this;
    }

    /** The query "TYPE name" ends with this outcome. */
    ScriptedDns fail(String query, DnsOutcome outcome) {
        failures.put(query, outcome);
        return this;
    }

    /** The query "TYPE name" stays unanswered until {@link #release(String)}. */
    ScriptedDns hold(String query) {
        held.add(query);
        return this;
    }

    /** Answers a held query from the records / failures now configured. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void release(String query) {
        CompletableFuture future = pending.get(query);
        if (future == null) {
            throw new IllegalStateException("not asked: " + query);
        }
        String[] parts = query.split(" ", 2);
        future.complete(lookup(DnsType.valueOf(parts[0]), parts[1]));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return answer(DnsType.TXT, name);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return answer(DnsType.A, name);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return answer(DnsType.AAAA, name);
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return answer(DnsType.MX, name);
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        return answer(DnsType.PTR, address.getHostAddress());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> CompletableFuture<DnsLookup<T>> answer(DnsType type, String name) {
        String query = type + " " + name;
        queries.add(query);
        if (held.contains(query)) {
            CompletableFuture future = new CompletableFuture<>();
            pending.put(query, future);
            return future;
        }
        return CompletableFuture.completedFuture((DnsLookup<T>) lookup(type, name));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private DnsLookup<?> lookup(DnsType type, String name) {
        String query = type + " " + name;
        if (failures.containsKey(query)) {
            return DnsLookup.failed(name, type, failures.get(query), "scripted");
        }
        List found = records.get(query);
        return found == null ? DnsLookup.failed(name, type, DnsOutcome.NXDOMAIN, "")
                : DnsLookup.of(name, type, found, 60);
    }

    private static List<InetAddress> addresses(String... texts) {
        return Arrays.stream(texts).map(t -> {
            try {
                return InetAddress.getByName(t);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(t, e);
            }
        }).toList();
    }
}
