package dev.authpack.check;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How much of something shared (waits on I/O threads, DNS queries in flight) each SMTP client holds, so that one
 * client cannot take it all: at most {@code perClient} at once per client, where a client is an IPv4 address or an
 * IPv6 /64 (one site's prefix: a host choosing another address of its /64 is the same client). An IPv4-mapped IPv6
 * address is its IPv4 address.
 *
 * <p>Bounded: a client is tracked only while it holds something (its entry goes at zero), and at most
 * {@code maxClients} at once. A new client when that many are tracked gets nothing from {@link Client#tryAcquire}
 * (refused as if at its quota: callers refuse only what has a safe fallback), and an untracked permit from
 * {@link Client#acquire} (what must go on regardless goes on, uncounted). Thread-safe: one lock, held for a map
 * operation only.
 */
public final class ClientQuota {
    /** No per-client bound (tests, tools): every acquisition succeeds and nothing is tracked. */
    public static final ClientQuota UNLIMITED = new ClientQuota(Integer.MAX_VALUE, 0);

    private final int perClient;
    private final int maxClients;
    private final Map<Key, int[]> held = new HashMap<>();

    /**
     * @param perClient  most held at once by one client (at least 1)
     * @param maxClients most clients tracked at once
     */
    public ClientQuota(int perClient, int maxClients) {
        if (perClient < 1 || maxClients < 0) {
            throw new IllegalArgumentException("perClient must be at least 1, maxClients at least 0");
        }
        this.perClient = perClient;
        this.maxClients = maxClients;
    }

    public int perClient() {
        return perClient;
    }

    /** The client {@code address} belongs to; null: an unknown address, one client for all such. */
    public Client client(InetAddress address) {
        return new Client(Key.of(address));
    }

    /** Clients holding something now. */
    public synchronized int clients() {
        return held.size();
    }

    private boolean unlimited() {
        return this == UNLIMITED;
    }

    private synchronized boolean take(Key key, boolean anyway) {
        int[] n = held.get(key);
        if (n == null) {
            if (held.size() >= maxClients) {
                return false;
            }
            n = new int[1];
            held.put(key, n);
        } else if (n[0] >= perClient && !anyway) {
            return false;
        }
        n[0]++;
        return true;
    }

    private synchronized void give(Key key) {
        int[] n = held.get(key);
        if (n != null && --n[0] <= 0) {
            held.remove(key);
        }
    }

    private synchronized int count(Key key) {
        int[] n = held.get(key);
        return n == null ? 0 : n[0];
    }

    /** An IPv4 address, or the first 64 bits of an IPv6 one, in the IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}). */
    private record Key(long high, long low) {
        private static final Key UNKNOWN = new Key(-1, -1);

        static Key of(InetAddress address) {
            if (address == null) {
                return UNKNOWN;
            }
            byte[] b = address.getAddress();
            if (b.length == 4) {
                return new Key(0, 0xffff_0000_0000L | (bits(b, 0, 4) & 0xffff_ffffL));
            }
            long high = bits(b, 0, 8);
            long low = bits(b, 8, 8);
            if (high == 0 && (low >>> 32) == 0xffff) {
                return new Key(0, low);   // IPv4-mapped: Java makes these Inet4Address, unless built on purpose
            }
            return new Key(high, 0);
        }

        private static long bits(byte[] b, int from, int count) {
            long v = 0;
            for (int i = from; i < from + count; i++) {
                v = v << 8 | (b[i] & 0xff);
            }
            return v;
        }
    }

    /** One client of this quota. */
    public final class Client {
        private final Key key;

        private Client(Key key) {
            this.key = key;
        }

        /** One more for this client, unless it holds its quota already (or too many clients are tracked). */
        public Permit tryAcquire() {
            if (unlimited()) {
                return Permit.UNTRACKED;
            }
            return take(key, false) ? new Permit(ClientQuota.this, key) : null;
        }

        /**
         * One more for this client whatever it holds: what must go on regardless is counted, so that the client's
         * {@link #tryAcquire} sees it; untracked when too many clients are tracked.
         */
        public Permit acquire() {
            if (unlimited() || !take(key, true)) {
                return Permit.UNTRACKED;
            }
            return new Permit(ClientQuota.this, key);
        }

        /** Whether the client holds its quota (or more) now. */
        public boolean atQuota() {
            return !unlimited() && count(key) >= perClient;
        }

        /** What the client holds now. */
        public int held() {
            return unlimited() ? 0 : count(key);
        }
    }

    /** One unit held by a client; {@link #close} gives it back (once, whatever the number of calls). */
    public static final class Permit implements AutoCloseable {
        static final Permit UNTRACKED = new Permit(null, null);
        private final ClientQuota quota;
        private final Key key;
        private final AtomicBoolean given = new AtomicBoolean();

        private Permit(ClientQuota quota, Key key) {
            this.quota = quota;
            this.key = key;
        }

        @Override
        public void close() {
            if (quota != null && given.compareAndSet(false, true)) {
                quota.give(key);
            }
        }
    }
}
