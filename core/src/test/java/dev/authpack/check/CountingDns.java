package dev.authpack.check;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A resolver for tests that records every question it is asked ("TXT name", in order) and answers from another
 * resolver, after {@code delayMillis} on another thread when that is positive (as a network resolver would).
 */
final class CountingDns implements DnsResolver {
    final List<String> asked = new CopyOnWriteArrayList<>();
    private final DnsResolver answers;
    private final Executor later;

    CountingDns(DnsResolver answers, long delayMillis) {
        this.answers = answers;
        this.later = delayMillis > 0 ? CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS) : null;
    }

    private <T> CompletableFuture<DnsLookup<T>> ask(String question, Supplier<CompletableFuture<DnsLookup<T>>> q) {
        asked.add(question);
        return later == null ? q.get() : CompletableFuture.supplyAsync(q, later).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return ask("TXT " + DnsNames.normalize(name), () -> answers.txt(name));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return ask("A " + DnsNames.normalize(name), () -> answers.a(name));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return ask("AAAA " + DnsNames.normalize(name), () -> answers.aaaa(name));
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return ask("MX " + DnsNames.normalize(name), () -> answers.mx(name));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        return ask("PTR " + DnsNames.reverseName(address), () -> answers.ptr(address));
    }
}
