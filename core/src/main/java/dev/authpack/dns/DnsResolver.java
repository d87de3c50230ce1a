package dev.authpack.dns;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The one DNS service every check uses. Implementations are asynchronous, never complete exceptionally
 * (every failure is a {@link DnsOutcome}), follow CNAME chains, and are safe to share between threads.
 *
 * <p>A caller that no longer needs an answer may cancel the future it got: that never disturbs another caller's
 * future, and a resolver may then end the query if no other caller waits for it ({@link CachingDnsResolver} counts
 * the callers of a shared query; {@link DnsjavaResolver} ends its query on the network at once, freeing its
 * transport slot, and sends no further attempt).
 *
 * <p>Names are given without a trailing dot; ASCII case does not matter. Any octet may appear in a label (a
 * space, '\\', a control or non-ASCII character: the UTF-8 octets of the text are escaped into the wire name).
 * A malformed name (empty name or label, label over 63 octets, name over 253 octets) yields the permanent
 * {@link DnsOutcome#INVALID_NAME} with a reason, not an exception and not a temporary failure.
 */
public interface DnsResolver {
    /**
     * Most records of an MX or PTR answer a network resolver reads ({@code AnswerTrim}): SPF's and iprev's name
     * limits (at most 100) and one, so that "more than the limit" can still be told.
     */
    int MAX_NAME_RECORDS = 101;


    /** TXT records; each record's character-strings joined without separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
    CompletableFuture<DnsLookup<String>> txt(String name);

    /** IPv4 addresses. */
    CompletableFuture<DnsLookup<InetAddress>> a(String name);

    /** IPv6 addresses. */
    CompletableFuture<DnsLookup<InetAddress>> aaaa(String name);

    /** MX records, in the order received. */
    CompletableFuture<DnsLookup<MxHost>> mx(String name);

    /** PTR names of an address (the reverse name is built by the resolver), lower case, no trailing dot. */
    CompletableFuture<DnsLookup<String>> ptr(InetAddress address);

    /**
     * Queries this resolver has on the network now, each holding one of its {@link #maxQueriesInFlight()} slots;
     * 0 for a resolver that has no such bound ({@link TransportShare}).
     */
    default int queriesInFlight() {
        return 0;
    }

    /**
     * The most queries this resolver sends at once; past it a query fails at once as a local overload
     * ({@link DnsLookup#localOverload()}). {@link Integer#MAX_VALUE}: no such bound.
     */
    default int maxQueriesInFlight() {
        return Integer.MAX_VALUE;
    }
}
