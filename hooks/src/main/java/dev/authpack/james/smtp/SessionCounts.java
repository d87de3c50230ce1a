package dev.authpack.james.smtp;

import dev.authpack.check.ClientQuota;

/**
 * What each client and network holds of the hooks' waits and of their DNS queries in flight, counted for every
 * {@link SessionAuthCheck} of the JVM together (review s18): one James runs several SMTP servers (ports 25, 465,
 * 587), each with a hook instance of its own, and an attacker reaching two of them must not get twice its share.
 * Each instance applies its own {@code maxWaitingPerClient}, {@code maxWaitingPerNetwork},
 * {@code maxQueriesPerClient} and {@code maxQueriesPerNetwork} to these counts; its {@code maxWaiting} stays its
 * own (its SMTP server's I/O threads). JVM-wide means per class loader: James loads its extension jars with one.
 *
 * @param waits       the waits held, by client and network
 * @param queries     the session-started DNS queries in flight, by client and network
 * @param nameLookups the relay hooks' client-name lookups in flight, which count in {@code queries} (review s22:
 *                    JVM-wide as the counts, so that a connection to another SMTP server joins a lookup in flight;
 *                    unused by {@link SessionAuthCheck})
 */
record SessionCounts(ClientQuota.Counts waits, ClientQuota.Counts queries, NameLookups nameLookups) {
    /** The counts of every hook made as James makes it ({@link SessionAuthCheck#SessionAuthCheck()}). */
    static final SessionCounts JVM = fresh();

    /**
     * New counts: for tests that want theirs apart. At most {@link SessionLimits#MAX_CLIENTS_TRACKED} clients are
     * tracked in each table: for the waits, more than all the waits 16 SMTP servers may have ({@link
     * SessionLimits#MAX_WAITING_CEILING} each), each held by one client.
     */
    static SessionCounts fresh() {
        ClientQuota.Counts queries = new ClientQuota.Counts(SessionLimits.MAX_CLIENTS_TRACKED);
        return new SessionCounts(new ClientQuota.Counts(SessionLimits.MAX_CLIENTS_TRACKED), queries,
                new NameLookups(queries));
    }
}
