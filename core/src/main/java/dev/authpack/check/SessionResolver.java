package dev.authpack.check;

import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.TransportShare;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The answers of one SMTP transaction (or, for iprev, one connection): every question asked through it goes to the
 * shared resolver once, and every later asking of the same question gets the same answer, in flight or finished,
 * failures and timeouts included. So checks started early in the session ({@link SessionChecks}) and the plain
 * check at the end of DATA see exactly the same DNS, and the end-of-DATA check asks nothing the early ones asked.
 *
 * <p>One exception: a local overload ({@link DnsLookup#localOverload()}: the shared resolver did not send the query,
 * too many being in flight) is given to those waiting but not remembered, as it says nothing about the name; the
 * next asking asks again ({@link #sawOverload()} tells the session not to take over results computed over it).
 *
 * <p>Until {@link #endOfData()} its questions are the early lookups of a client ({@link ClientQuota}): one beyond
 * the client's or its network's quota of queries in flight, or asked while the shared resolver has its early share
 * of the transport in flight ({@link TransportShare#EARLY}: three quarters, whoever sent them), is not sent, and
 * answered as a local overload marked {@link #deferredEarly()}; so it is not remembered, no early result computed
 * over it is taken over, and the end-of-DATA check asks it again, as the plain check does. From the end of DATA on,
 * every query is sent, counted to the client all the same. Every query sent is counted until it ends (answered,
 * failed, timed out or cancelled).
 *
 * <p>Bounded: at most {@link #MAX_QUESTIONS} distinct questions are remembered, weighing at most
 * {@link #MAX_REMEMBERED_BYTES} in all, none heavier than the cache keeps; further ones pass through to the shared
 * resolver unremembered (review s23: the sender's DNS made one answer megabytes, held while the client kept its
 * transaction open). {@link #close() Closed}, it ends every unfinished question with a temporary failure
 * and answers every new one with a temporary failure, without asking anyone: a session that went away starts no
 * lookups, and the work waiting on its answers ends at once. It also cancels the shared resolver's futures still
 * unanswered, so that queries no one else waits for end on the network at once ({@link DnsResolver}).
 */
final class SessionResolver implements DnsResolver {
    /**
     * Distinct questions remembered per transaction: more than one message's checks can ask (SPF's 10 lookups with
     * 10 names each for MAIL FROM and HELO, 10 DKIM keys, DMARC walks of 8 names per identifier, iprev's 11).
     */
    static final int MAX_QUESTIONS = 512;
    /**
     * The most the answers remembered may weigh ({@link CachingDnsResolver#weight}, bytes of heap, an upper bound);
     * one answer is remembered only when it weighs at most {@link CachingDnsResolver#MAX_ENTRY_BYTES}, as the cache
     * keeps it (review s23). A transaction of real mail remembers a few dozen answers of a few hundred bytes; the
     * sender's own DNS can make one answer megabytes once decoded (thousands of MX or PTR names through name
     * compression), and the session keeps them as long as the client keeps the transaction, or the connection, open.
     */
    static final long MAX_REMEMBERED_BYTES = 1 << 20;
    static final String CLOSED = "the SMTP session's checks were cancelled";
    static final String DEFERRED = "not asked early: this client's early DNS queries are at their quota";
    static final String DEFERRED_SHARE = "not asked early: the early lookups have their share of the DNS transport";

    private record Question(DnsType type, String name) {
    }

    private final DnsResolver upstream;
    /** The client the queries are counted to. */
    private final ClientQuota.Client client;
    private final Map<Question, CompletableFuture<DnsLookup<?>>> answers = new HashMap<>();
    /** The shared resolver's futures not completed yet: cancelled at {@link #close()}. */
    private final Set<CompletableFuture<?>> pending = new HashSet<>();
    /** What the answers remembered weigh ({@link #MAX_REMEMBERED_BYTES}). */
    private long rememberedBytes;
    /** Whether an answer given was a local overload ({@link #sawOverload()}). */
    private boolean overloaded;
    /** Whether a question was not asked, the client being at its quota ({@link #deferredEarly()}). */
    private boolean deferred;
    /** Until the end of DATA: a question beyond the client's quota is not asked. */
    private volatile boolean early = true;
    private boolean closed;

    SessionResolver(DnsResolver upstream) {
        this(upstream, ClientQuota.UNLIMITED.client(null));
    }

    SessionResolver(DnsResolver upstream, ClientQuota.Client client) {
        this.upstream = upstream;
        this.client = client;
    }

    /** The end of DATA came: from now on the questions are the plain check's, all asked. */
    void endOfData() {
        early = false;
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return ask(DnsType.TXT, name, () -> upstream.txt(name));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return ask(DnsType.A, name, () -> upstream.a(name));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return ask(DnsType.AAAA, name, () -> upstream.aaaa(name));
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return ask(DnsType.MX, name, () -> upstream.mx(name));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        if (address == null) {
            return upstream.ptr(null);
        }
        return ask(DnsType.PTR, DnsNames.reverseName(address), () -> upstream.ptr(address));
    }

    /** Distinct questions remembered. */
    synchronized int questions() {
        return answers.size();
    }

    /**
     * Ends unfinished questions with a temporary failure; new ones get one at once. The shared resolver's futures
     * still unanswered are cancelled: no one of this transaction waits for them any more, and the shared resolver
     * ends each query no other caller waits for ({@link DnsResolver}), freeing its transport slot at once instead
     * of at its timeout. Idempotent.
     */
    void close() {
        List<CompletableFuture<DnsLookup<?>>> open;
        List<CompletableFuture<?>> asked;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(answers.values());
            asked = new ArrayList<>(pending);
            pending.clear();
        }
        for (CompletableFuture<DnsLookup<?>> answer : open) {
            answer.complete(null);
        }
        for (CompletableFuture<?> query : asked) {
            query.cancel(false);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> CompletableFuture<DnsLookup<T>> ask(DnsType type, String name,
                                                   Supplier<CompletableFuture<DnsLookup<T>>> query) {
        Question question = new Question(type, DnsNames.normalize(name));
        CompletableFuture<DnsLookup<?>> remembered;
        boolean passThrough = false;
        CompletableFuture<DnsLookup<?>> mine = null;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(DnsLookup.failed(question.name(), type,
                        DnsOutcome.TEMP_FAILURE, CLOSED));
            }
            remembered = answers.get(question);
            if (remembered == null) {
                if (answers.size() >= MAX_QUESTIONS) {
                    passThrough = true;
                } else {
                    mine = new CompletableFuture<>();
                    answers.put(question, mine);
                }
            }
        }
        if (passThrough) {
            return start(question, query);
        }
        if (mine != null) {
            CompletableFuture<DnsLookup<?>> answer = mine;
            start(question, query).whenComplete((lookup, error) -> {
                if (lookup.localOverload() || !keep(question, lookup)) {
                    // not the name's answer (an overload), or heavier than the session keeps: the next asking
                    // asks again (before the askers go on)
                    forget(question, answer);
                }
                answer.complete(lookup);
            });
            remembered = mine;
        }
        // each asker gets its own copy: one completing or cancelling it cannot disturb the others; a null answer
        // (closed, or a resolver that broke its contract) is a temporary failure
        return (CompletableFuture) remembered.thenApply(lookup -> lookup != null ? lookup
                : DnsLookup.failed(question.name(), type, DnsOutcome.TEMP_FAILURE, CLOSED));
    }

    private <T> CompletableFuture<DnsLookup<T>> start(Question question,
                                                      Supplier<CompletableFuture<DnsLookup<T>>> query) {
        // the early share is checked before the quota: a question refused for it costs the client nothing; a
        // question the cache could answer is refused too, and answered from the cache at the end of DATA
        if (early && TransportShare.reached(upstream, TransportShare.EARLY)) {
            deferredSeen();
            return CompletableFuture.completedFuture(DnsLookup.overloaded(question.name(), question.type(),
                    DEFERRED_SHARE));
        }
        ClientQuota.Permit permit = early ? client.tryAcquire() : client.acquire();
        if (permit == null) {
            deferredSeen();
            return CompletableFuture.completedFuture(DnsLookup.overloaded(question.name(), question.type(),
                    DEFERRED));
        }
        CompletableFuture<DnsLookup<T>> started;
        try {
            started = query.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        if (started == null) {
            started = CompletableFuture.failedFuture(new IllegalStateException("no answer"));
        }
        // counted to the client while in flight
        started.whenComplete((lookup, error) -> permit.close());
        track(started);
        return started.handle((lookup, error) -> {
            if (lookup == null) {
                return DnsLookup.failed(question.name(), question.type(), DnsOutcome.TEMP_FAILURE,
                        "resolver error: " + error);
            }
            if (lookup.localOverload()) {
                overloadSeen();
            }
            return lookup;
        });
    }

    private synchronized void forget(Question question, CompletableFuture<DnsLookup<?>> answer) {
        answers.remove(question, answer);
    }

    /**
     * Whether {@code lookup} may be remembered for the transaction: it weighs no more than the cache keeps, and the
     * answers remembered stay within {@link #MAX_REMEMBERED_BYTES} (counted then).
     */
    private synchronized boolean keep(Question question, DnsLookup<?> lookup) {
        long weight = CachingDnsResolver.weight(question.name(), lookup);
        if (weight > CachingDnsResolver.MAX_ENTRY_BYTES || weight > MAX_REMEMBERED_BYTES - rememberedBytes) {
            return false;
        }
        rememberedBytes += weight;
        return true;
    }

    private synchronized void overloadSeen() {
        overloaded = true;
    }

    private synchronized void deferredSeen() {
        overloaded = true;
        deferred = true;
    }

    /**
     * Whether a question was not asked early, the client being at its quota: it is asked again at the end of DATA
     * (and {@link #sawOverload()} is true too).
     */
    synchronized boolean deferredEarly() {
        return deferred;
    }

    /**
     * Whether an answer given was a local overload ({@link DnsLookup#localOverload()}): checks that got one ran on
     * an answer that is not the name's, so their results are not to be taken over; run again, they ask again.
     */
    synchronized boolean sawOverload() {
        return overloaded;
    }

    /** Keeps an unanswered upstream future for {@link #close()}; one asked after the close is cancelled at once. */
    private void track(CompletableFuture<?> started) {
        if (started.isDone()) {
            return;
        }
        synchronized (this) {
            if (!closed) {
                pending.add(started);
                started.whenComplete((lookup, error) -> untrack(started));
                return;
            }
        }
        started.cancel(false);
    }

    private synchronized void untrack(CompletableFuture<?> started) {
        pending.remove(started);
    }
}
