package dev.authpack.check;

import dev.authpack.dns.TranslatorPrefixes;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How much of something shared (waits on I/O threads, DNS queries in flight) each SMTP client holds, so that one
 * client cannot take it all: at most {@code perClient} at once per client, where a client is an IPv4 address or an
 * IPv6 /64 (one site's prefix: a host choosing another address of its /64 is the same client), and at most
 * {@code perNetwork} at once per network, an IPv4 /24 or an IPv6 /48 (one hoster's or one site's allocation: an
 * attacker with a /48 has 65536 /64s, one with a rented server often several addresses of its /24). A unit is
 * counted against both. An IPv4-mapped IPv6 address is its IPv4 address.
 *
 * <p>So is an IPv4-embedded IPv6 address of a translator's /96 prefix (review s18): the well-known prefix
 * {@code 64:ff9b::/96} (RFC 6052 §2.1, which allows it only with /96 embedding) and {@code 64:ff9b:1::/96}, the /96
 * of the local-use prefix {@code 64:ff9b:1::/48} (RFC 8215), each IPv4 address in its last 32 bits (RFC 6052 §2.2).
 * Behind a SIIT or NAT64 front end every IPv4 client arrives in such a prefix: read as IPv6 they were all one /48
 * network with one quota, so one IPv4 client's flood starved every other. Only /96 embedding is read: the local-use
 * prefix's operator may embed at /32 to /64 within its /48 instead (RFC 6052 §2.2), which cannot be told from the
 * address; such an address, and any other of {@code 64:ff9b:1::/48}, stays an IPv6 /64 of the /48
 * {@code 64:ff9b:1::/48}. ({@link TranslatorPrefixes#WELL_KNOWN_96} reads them; the checks translate only the
 * prefixes an operator lists, {@code translatorPrefixes}, and a hook given those hands the quota the IPv4 address
 * already.) Sources in these prefixes come only from the operator's own translator (they are not
 * routed on the Internet, and a TCP connection needs the answer to reach the source).
 *
 * <p>The counts are a {@link Counts} table, which several quotas may share: each applies its own {@code perClient}
 * and {@code perNetwork} to what every quota over that table holds (review s18: the hook instances of the SMTP
 * servers of one James share theirs, so that an attacker reaching two servers does not get twice its share). A
 * quota made without a table has one of its own.
 *
 * <p>Bounded: a client or network is tracked only while it holds something (its entry goes at zero), and at most
 * the table's {@code maxClients} clients at once (so at most as many networks). A new client when that many are
 * tracked gets nothing from {@link Client#tryAcquire} (refused as if at its quota: callers refuse only what has a
 * safe fallback), and an untracked permit from {@link Client#acquire} (what must go on regardless goes on,
 * uncounted). Thread-safe: one lock per table, held for a few map operations only.
 */
public final class ClientQuota {
    /** No per-client bound (tests, tools): every acquisition succeeds and nothing is tracked. */
    public static final ClientQuota UNLIMITED = new ClientQuota(Integer.MAX_VALUE, 0);

    private final int perClient;
    private final int perNetwork;
    private final Counts counts;

    /**
     * No bound per network, a table of its own.
     *
     * @param perClient  most held at once by one client (at least 1)
     * @param maxClients most clients tracked at once
     */
    public ClientQuota(int perClient, int maxClients) {
        this(perClient, Integer.MAX_VALUE, maxClients);
    }

    /**
     * A table of its own.
     *
     * @param perClient  most held at once by one client (at least 1)
     * @param perNetwork most held at once by the clients of one network (at least 1; {@link Integer#MAX_VALUE}: no
     *                   bound per network)
     * @param maxClients most clients tracked at once
     */
    public ClientQuota(int perClient, int perNetwork, int maxClients) {
        this(perClient, perNetwork, new Counts(maxClients));
    }

    /**
     * Over {@code counts}, shared with other quotas: this quota's bounds apply to what all of them hold.
     *
     * @param perClient  most held at once by one client (at least 1)
     * @param perNetwork most held at once by the clients of one network (at least 1; {@link Integer#MAX_VALUE}: no
     *                   bound per network)
     * @param counts     the table of what clients and networks hold
     */
    public ClientQuota(int perClient, int perNetwork, Counts counts) {
        if (perClient < 1 || perNetwork < 1) {
            throw new IllegalArgumentException("perClient and perNetwork must be at least 1");
        }
        this.perClient = perClient;
        this.perNetwork = perNetwork;
        this.counts = counts;
    }

    public int perClient() {
        return perClient;
    }

    public int perNetwork() {
        return perNetwork;
    }

    /** The client {@code address} belongs to; null: an unknown address, one client for all such. */
    public Client client(InetAddress address) {
        Key key = Key.of(address);
        return new Client(key, key.network());
    }

    /** Clients holding something now, in the table (through any quota over it). */
    public int clients() {
        return counts.clients();
    }

    private boolean unlimited() {
        return this == UNLIMITED;
    }

    private boolean networks() {
        return perNetwork != Integer.MAX_VALUE;
    }

    /** Whether one more for {@code c} fits, {@code old} (held by any client, or null) given back first. */
    private boolean fits(Client c, Permit old) {
        int n = counts.count(c.key) - (old != null && c.key.equals(old.key) ? 1 : 0);
        int g = networks() ? counts.count(c.network) - (old != null && c.network.equals(old.network) ? 1 : 0) : 0;
        return n < perClient && g < perNetwork;
    }

    private boolean take(Client c, boolean anyway) {
        synchronized (counts) {
            if (!anyway && !fits(c, null)) {
                return false;
            }
            return counts.take(c.key, c.network);
        }
    }

    /**
     * One more for {@code c} in place of {@code old}, if it fits once {@code old} is given back; else nothing and
     * {@code old} still held. Everything is checked before {@code old} is given back (review s18: a new client when
     * the table is full got nothing, old given back all the same), all under the table's lock.
     */
    private Permit replace(Client c, Permit old) {
        synchronized (counts) {
            if (old.counts != counts || old.given.get() || !fits(c, old) || !counts.room(c.key, old.key)) {
                return null;
            }
            old.close();
            counts.take(c.key, c.network);  // room checked above, under the same lock: it is taken
            return new Permit(counts, c.key, c.network);
        }
    }

    /**
     * What clients and networks hold, for the quotas made over it ({@link ClientQuota#ClientQuota(int, int,
     * Counts)}): networks are counted whatever a quota's {@code perNetwork}, so that quotas with and without a
     * bound per network share one table. At most {@code maxClients} clients are tracked at once, whichever quota
     * took them.
     */
    public static final class Counts {
        private final int maxClients;
        /** Client keys and network keys, each with what it holds. */
        private final Map<Key, int[]> held = new HashMap<>();
        /** Client entries in {@link #held} ({@link #maxClients}). */
        private int clients;

        /** @param maxClients most clients tracked at once (at least 0) */
        public Counts(int maxClients) {
            if (maxClients < 0) {
                throw new IllegalArgumentException("maxClients must be at least 0");
            }
            this.maxClients = maxClients;
        }

        /** Clients holding something now. */
        public synchronized int clients() {
            return clients;
        }

        /** One more for the client {@code key} of {@code network}, unless it is new and the table is full. */
        private synchronized boolean take(Key key, Key network) {
            if (!held.containsKey(key) && clients >= maxClients) {
                return false;
            }
            add(key, 1);
            add(network, 1);
            return true;
        }

        /**
         * Whether the client {@code key} may take one more once the client {@code freed} has given one back: it is
         * tracked already, the table has room, or that unit was all {@code freed} held (its entry goes).
         */
        private synchronized boolean room(Key key, Key freed) {
            return held.containsKey(key) || clients < maxClients || count(freed) == 1;
        }

        private synchronized void give(Key key, Key network) {
            add(key, -1);
            add(network, -1);
        }

        private void add(Key key, int delta) {
            int[] n = held.get(key);
            if (n == null) {
                if (delta <= 0) {
                    return;
                }
                n = new int[1];
                held.put(key, n);
                if (!key.isNetwork()) {
                    clients++;
                }
            }
            n[0] += delta;
            if (n[0] <= 0) {
                held.remove(key);
                if (!key.isNetwork()) {
                    clients--;
                }
            }
        }

        private synchronized int count(Key key) {
            int[] n = held.get(key);
            return n == null ? 0 : n[0];
        }
    }

    /**
     * An IPv4 address (also one embedded in a /96 translator prefix), or the first 64 bits of an IPv6 one, in the
     * IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d});
     * or, {@code prefix} > 0, the network of that many bits it belongs to (IPv4 /24, IPv6 /48).
     */
    private record Key(long high, long low, int prefix) {
        private static final Key UNKNOWN = new Key(-1, -1, 0);
        private static final int V4_NETWORK = 24;
        private static final int V6_NETWORK = 48;
        static Key of(InetAddress address) {
            if (address == null) {
                return UNKNOWN;
            }
            // IPv4-mapped (Java makes these Inet4Address, unless built on purpose), and RFC 6052 /96 embedding in
            // 64:ff9b::/96 or 64:ff9b:1::/96: the IPv4 client, a non-global one too (RFC 6052 §3.1 forbids those
            // under 64:ff9b::/96, and the checks do not read them: a key costs fairness only, never trust)
            byte[] b = TranslatorPrefixes.WELL_KNOWN_96.embeddedClient(address).getAddress();
            if (b.length == 4) {
                return new Key(0, 0xffff_0000_0000L | (bits(b, 0, 4) & 0xffff_ffffL), 0);
            }
            return new Key(bits(b, 0, 8), 0, 0);
        }

        boolean isNetwork() {
            return prefix > 0;
        }

        /** The network of this client; an unknown address is a network of its own. */
        Key network() {
            if (this.equals(UNKNOWN)) {
                return new Key(-1, -1, V4_NETWORK);
            }
            if (high == 0 && (low >>> 32) == 0xffff) {
                return new Key(0, low & ~0xffL, V4_NETWORK);
            }
            return new Key(high & ~0xffffL, 0, V6_NETWORK);
        }

        private static long bits(byte[] b, int from, int count) {
            long v = 0;
            for (int i = from; i < from + count; i++) {
                v = v << 8 | (b[i] & 0xff);
            }
            return v;
        }
    }

    /** One client of this quota (and its network). */
    public final class Client {
        private final Key key;
        private final Key network;

        private Client(Key key, Key network) {
            this.key = key;
            this.network = network;
        }

        /** One more for this client, unless it or its network holds its quota already (or too many are tracked). */
        public Permit tryAcquire() {
            if (unlimited()) {
                return Permit.UNTRACKED;
            }
            return take(this, false) ? new Permit(counts, key, network) : null;
        }

        /**
         * One more for this client whatever it holds: what must go on regardless is counted, so that the client's
         * {@link #tryAcquire} sees it; untracked when too many clients are tracked.
         */
        public Permit acquire() {
            if (unlimited() || !take(this, true)) {
                return Permit.UNTRACKED;
            }
            return new Permit(counts, key, network);
        }

        /**
         * One for this client in place of {@code old} (another client's, or its own): when this client and its
         * network are within their quotas once {@code old} is given back, {@code old} is given back and the new
         * permit returned; otherwise null and {@code old} stays held. Atomic.
         */
        public Permit tryReplace(Permit old) {
            if (unlimited()) {
                return Permit.UNTRACKED;
            }
            return replace(this, old);
        }

        /** Whether the client, or its network, holds its quota (or more) now. */
        public boolean atQuota() {
            return !unlimited() && (counts.count(key) >= perClient
                    || networks() && counts.count(network) >= perNetwork);
        }

        /** What the client holds now (through any quota over the table). */
        public int held() {
            return unlimited() ? 0 : counts.count(key);
        }

        /** What the clients of its network hold now (0 when this quota has no bound per network). */
        public int networkHeld() {
            return unlimited() || !networks() ? 0 : counts.count(network);
        }
    }

    /** One unit held by a client; {@link #close} gives it back (once, whatever the number of calls). */
    public static final class Permit implements AutoCloseable {
        static final Permit UNTRACKED = new Permit(null, null, null);
        private final Counts counts;
        private final Key key;
        private final Key network;
        private final AtomicBoolean given = new AtomicBoolean();

        private Permit(Counts counts, Key key, Key network) {
            this.counts = counts;
            this.key = key;
            this.network = network;
        }

        @Override
        public void close() {
            if (counts != null && given.compareAndSet(false, true)) {
                counts.give(key, network);
            }
        }
    }
}
