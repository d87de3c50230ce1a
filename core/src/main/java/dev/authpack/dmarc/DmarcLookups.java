package dev.authpack.dmarc;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DNS questions of one evaluation, each asked at most once however many walks need it (the author's walk and
 * the identifiers' walks share their upper names), and counted.
 */
final class DmarcLookups {
    /** Whether a domain exists in the DNS, for {@code np} (RFC 9989 §3.2.13, RFC 9091 §2.7). */
    enum Existence { EXISTS, NON_EXISTENT, UNKNOWN }

    private final DnsResolver dns;
    private final DmarcRecordCache records;
    private final Map<String, CompletableFuture<PolicyLookup>> policies = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Existence>> existence = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    /** Domains whose existence is {@code UNKNOWN} with a local overload among its lookups. */
    private final Set<String> existenceOverloaded = ConcurrentHashMap.newKeySet();

    /** @param records the evaluator's parsed records, shared by its evaluations */
    DmarcLookups(DnsResolver dns, DmarcRecordCache records) {
        this.dns = dns;
        this.records = records;
    }

    /** DNS queries sent so far. */
    int queries() {
        return queries.get();
    }

    /** The DMARC record at {@code _dmarc.<domain>}. */
    CompletableFuture<PolicyLookup> policyRecord(String domain) {
        return policies.computeIfAbsent(domain, d -> {
            String name = "_dmarc." + d;
            if (DnsNames.problem(name).isPresent()) {
                // a name the DNS cannot hold has no record (e.g. an author domain of 250 characters)
                return CompletableFuture.completedFuture(PolicyLookup.absent(d, "_dmarc." + d + " is not a valid"
                        + " DNS name"));
            }
            queries.incrementAndGet();
            return dns.txt(name).thenApply(l -> PolicyLookup.of(d, l, records));
        });
    }

    /** The answer for {@code _dmarc.<domain>} if it has arrived (for a result cut short by the time budget). */
    PolicyLookup answered(String domain) {
        CompletableFuture<PolicyLookup> f = policies.get(domain);
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /** The lookups of a whole walk from {@code start}, all started at once (the walk stops later, on the data). */
    CompletableFuture<TreeWalk.Outcome> walk(String start) {
        List<String> targets = TreeWalk.targets(start);
        List<CompletableFuture<PolicyLookup>> pending = new ArrayList<>(targets.size());
        for (String t : targets) {
            pending.add(policyRecord(t));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<PolicyLookup> done = new ArrayList<>(pending.size());
            for (CompletableFuture<PolicyLookup> f : pending) {
                done.add(f.join());
            }
            return TreeWalk.select(start, done);
        });
    }

    /**
     * Whether {@code domain} exists: non-existent when A, AAAA and MX all answer NXDOMAIN; existing when any of
     * them answers NOERROR (with or without data); unknown otherwise (DNS errors).
     */
    CompletableFuture<Existence> exists(String domain) {
        return existence.computeIfAbsent(domain, d -> {
            queries.addAndGet(3);
            CompletableFuture<? extends DnsLookup<?>> a = dns.a(d);
            CompletableFuture<? extends DnsLookup<?>> aaaa = dns.aaaa(d);
            CompletableFuture<? extends DnsLookup<?>> mx = dns.mx(d);
            return CompletableFuture.allOf(a, aaaa, mx).thenApply(ignored -> {
                int nx = 0;
                boolean overload = false;
                for (DnsLookup<?> l : List.of(a.join(), aaaa.join(), mx.join())) {
                    if (l.outcome() == DnsOutcome.RECORDS || l.outcome() == DnsOutcome.NO_DATA) {
                        return Existence.EXISTS;
                    }
                    if (l.outcome() == DnsOutcome.NXDOMAIN) {
                        nx++;
                    }
                    overload |= l.localOverload();
                }
                if (nx == 3) {
                    return Existence.NON_EXISTENT;
                }
                if (overload) {
                    existenceOverloaded.add(d);
                }
                return Existence.UNKNOWN;
            });
        });
    }

    /**
     * Whether the existence of {@code domain} is {@code UNKNOWN} with a local overload among its lookups
     * ({@link DnsLookup#localOverload()}: asked again, it may be known).
     */
    boolean existenceOverloaded(String domain) {
        return existenceOverloaded.contains(domain);
    }
}
