package dev.authpack.james.smtp;

import dev.authpack.check.ClientQuota;
import dev.authpack.dns.Deadlines;
import dev.authpack.dns.DnsResolver;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.iprev.IprevResult;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The client-name lookups of the {@link RelayPolicyRcptHook}s in flight (review s22), one table for every relay hook
 * over the same {@link SessionCounts} (the JVM's: James' SMTP servers, ports 25, 465, 587). A lookup holds a unit of its
 * client's and its network's share ({@link ClientQuota}: {@value #PER_CLIENT} per client, an IPv4 address or an
 * IPv6 /64; {@value #PER_NETWORK} per network, an IPv4 /24 or an IPv6 /48) from its start until it finishes,
 * whatever becomes of the connection that started it: a client that drops the connection when its RCPT is
 * answered {@code 451} and reconnects at once finds its share still held by the lookup that goes on, instead of
 * starting one more each time (every connection's lookup went on after the connection, only the waits on the I/O
 * threads were bounded). A connection of an address whose lookup is in flight through the same resolver joins that
 * lookup (the same PTR and A/AAAA questions) and takes nothing more, so an honest client's retry after a
 * {@code 451}, to the same SMTP server or another of the JVM, gets the answer the first lookup brings (review s22,
 * reviewA: a table per hook left a connection to another server with the share held and no lookup to join). Hooks
 * with the same {@code dnsServers} share their resolver; one of another resolver does not join, and finds the
 * client's share held.
 *
 * <p>Bounded: at most the quota's tracked clients hold a lookup, each at most its share; a lookup that has not
 * finished after {@link #CEILING} (the resolver's own timeouts end it long before) ends with a timeout and gives
 * its unit back, so no unit is held for good.
 */
final class NameLookups {
    /** Far longer than any lookup the resolver lets run (its timeouts and retries): only a safety net. */
    static final Duration CEILING = SessionLimits.WAIT_CEILING;
    /** One lookup answers every connection of an address; an IPv6 /64 is one client, as for the waits. */
    static final int PER_CLIENT = 1;
    /**
     * The DNS queries a network's sessions may have in flight for {@code SessionAuthCheck} (64), in lookups of at
     * most 11 queries (a PTR, then A or AAAA for each of at most 10 names): 5. More than one, so that a slow
     * lookup of one address does not hold up its neighbours' (a partner's MX in the attacker's /24), and few enough
     * that a /24 or /48 cannot fill the DNS transport's 256 queries in flight.
     */
    static final int PER_NETWORK = SessionLimits.DEFAULT_MAX_QUERIES_PER_NETWORK
            / (1 + IprevChecker.DEFAULT_MAX_NAMES);

    private final ClientQuota shares;
    /** The lookups in flight, by resolver and client address (each holds a unit of {@link #shares}). */
    private final Map<Key, CompletableFuture<IprevResult>> inFlight = new HashMap<>();

    /** A resolver (by identity: one per DNS settings) and the client address it looks up. */
    private record Key(DnsResolver resolver, InetAddress client) {
    }

    /** @param counts what clients and networks hold of the lookups, shared with the other relay hooks of the JVM */
    NameLookups(ClientQuota.Counts counts) {
        this.shares = new ClientQuota(PER_CLIENT, PER_NETWORK, counts);
    }

    /**
     * The lookup in flight for {@code client} through {@code resolver}, or one started by {@code lookup} (which
     * asks {@code resolver}) when the client and its network are within their shares; null when they are not
     * (nothing is started).
     */
    synchronized CompletableFuture<IprevResult> join(DnsResolver resolver, InetAddress client,
                                                     Function<InetAddress, CompletableFuture<IprevResult>> lookup) {
        Key key = new Key(resolver, client);
        CompletableFuture<IprevResult> running = inFlight.get(key);
        if (running != null) {
            return running;
        }
        ClientQuota.Permit permit = shares.client(client).tryAcquire();
        if (permit == null) {
            return null;
        }
        CompletableFuture<IprevResult> started;
        try {
            started = Deadlines.orTimeout(lookup.apply(client), CEILING);
        } catch (RuntimeException | Error e) {
            permit.close();
            throw e;
        }
        inFlight.put(key, started);
        // runs at once when the answer is in already (a cached one): the unit is given back before we return
        started.whenComplete((result, error) -> finished(key, started, permit));
        return started;
    }

    private synchronized void finished(Key key, CompletableFuture<IprevResult> lookup, ClientQuota.Permit permit) {
        inFlight.remove(key, lookup);
        permit.close();
    }

    /** Lookups in flight (tests). */
    synchronized int inFlight() {
        return inFlight.size();
    }
}
