package dev.authpack.check;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A resolver for tests that records every question it is asked ("TXT name", in order) and answers from another
 * resolver, after {@code delayMillis} on another thread when that is positive (as a network resolver would), or
 * when its {@link Gate} lets the question through.
 */
final class CountingDns implements DnsResolver {
    final List<String> asked = new CopyOnWriteArrayList<>();
    private final DnsResolver answers;
    private final Executor later;

    private final Gate gate;

    CountingDns(DnsResolver answers, long delayMillis) {
        this.answers = answers;
        this.later = delayMillis > 0 ? CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS) : null;
        this.gate = null;
    }

    /** Holds every answer until {@code gate} lets its question through. */
    CountingDns(DnsResolver answers, Gate gate) {
        this.answers = answers;
        this.later = null;
        this.gate = gate;
    }

    /** Holds answers back until {@link #release} lets questions like theirs through (then at once, and later ones). */
    static final class Gate {
        private final List<Predicate<String>> open = new ArrayList<>();
        private final List<String> heldQuestions = new ArrayList<>();
        private final List<Runnable> held = new ArrayList<>();

        synchronized void release(Predicate<String> questions) {
            open.add(questions);
            for (int i = held.size() - 1; i >= 0; i--) {
                if (questions.test(heldQuestions.get(i))) {
                    heldQuestions.remove(i);
                    CompletableFuture.runAsync(held.remove(i));
                }
            }
        }

        private <T> CompletableFuture<DnsLookup<T>> pass(String question, Supplier<CompletableFuture<DnsLookup<T>>> q) {
            CompletableFuture<DnsLookup<T>> answer = new CompletableFuture<>();
            Runnable answering = () -> q.get().whenComplete((l, e) -> {
                if (e != null) {
                    answer.completeExceptionally(e);
                } else {
                    answer.complete(l);
                }
            });
            synchronized (this) {
                if (open.stream().noneMatch(p -> p.test(question))) {
                    heldQuestions.add(question);
                    held.add(answering);
                    return answer;
                }
            }
            answering.run();
            return answer;
        }
    }

    private <T> CompletableFuture<DnsLookup<T>> ask(String question, Supplier<CompletableFuture<DnsLookup<T>>> q) {
        asked.add(question);
        if (gate != null) {
            return gate.pass(question, q);
        }
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
