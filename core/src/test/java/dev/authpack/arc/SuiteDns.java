package dev.authpack.arc;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DNS for tests: one TXT record per name from a map (as the ValiMail harness serves its {@code txt-records}),
 * chosen names failing with a DNS error or never answering, every other name NXDOMAIN. Counts TXT questions.
 */
final class SuiteDns implements DnsResolver {
    private final Map<String, String> txt = new HashMap<>();
    private final Map<String, DnsOutcome> failures = new HashMap<>();
    private final Set<String> overloaded = new HashSet<>();
    private final Map<String, CompletableFuture<DnsLookup<String>>> hanging = new HashMap<>();
    private final AtomicInteger txtQueries = new AtomicInteger();
    private Runnable beforeAnswer = () -> { };

    SuiteDns() {
    }

    SuiteDns(Map<?, ?> records) {
        if (records != null) {
            records.forEach((name, value) -> add(String.valueOf(name), String.valueOf(value)));
        }
    }

    SuiteDns add(String name, String record) {
        txt.put(key(name), record);
        return this;
    }

    SuiteDns fail(String name, DnsOutcome outcome) {
        failures.put(key(name), outcome);
        return this;
    }

    /** Questions for this name are not sent: this server's resolver is at its bound (a local overload). */
    SuiteDns overload(String name) {
        overloaded.add(key(name));
        return this;
    }

    /** Questions for this name get a future that never completes. */
    SuiteDns hang(String name) {
        hanging.put(key(name), new CompletableFuture<>());
        return this;
    }

    /** Runs before each TXT answer (a test moves its clock here to make answers "slow"). */
    SuiteDns beforeAnswer(Runnable action) {
        beforeAnswer = action;
        return this;
    }

    int txtQueries() {
        return txtQueries.get();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        txtQueries.incrementAndGet();
        beforeAnswer.run();
        String n = key(name);
        if (hanging.containsKey(n)) {
            return hanging.get(n);
        }
        if (overloaded.contains(n)) {
            return CompletableFuture.completedFuture(DnsLookup.overloaded(n, DnsType.TXT, "test overload"));
        }
        DnsOutcome failure = failures.get(n);
        if (failure != null) {
            return CompletableFuture.completedFuture(DnsLookup.failed(n, DnsType.TXT, failure, "test failure"));
        }
        String record = txt.get(n);
        if (record == null) {
            return CompletableFuture.completedFuture(DnsLookup.failed(n, DnsType.TXT, DnsOutcome.NXDOMAIN, ""));
        }
        return CompletableFuture.completedFuture(DnsLookup.of(n, DnsType.TXT, List.of(record), 300));
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
