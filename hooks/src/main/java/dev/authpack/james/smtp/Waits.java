package dev.authpack.james.smtp;

import dev.authpack.check.ClientQuota;

import java.net.InetAddress;
import java.util.concurrent.Semaphore;

/**
 * The waits that may block James' I/O threads ({@link SessionLimits}): {@code maxWaiting} for the SMTP server, of
 * which at most {@code maxWaitingPerClient} for the connections of one client. Never blocks: a wait is had at once
 * or not at all. The per-client count tracks only clients holding a wait, so at most {@code maxWaiting} of them.
 */
final class Waits {
    private final Semaphore all;
    private final ClientQuota perClient;

    Waits(int maxWaiting, int maxWaitingPerClient) {
        all = new Semaphore(maxWaiting);
        perClient = new ClientQuota(maxWaitingPerClient, maxWaiting);
    }

    /** A wait for a connection of {@code client}; null when every wait, or the client's share, is taken. */
    Wait tryTake(InetAddress client) {
        if (!all.tryAcquire()) {
            return null;
        }
        ClientQuota.Permit mine = perClient.client(client).tryAcquire();
        if (mine == null) {
            all.release();
            return null;
        }
        return new Wait(mine);
    }

    /** Waits free now, for any client. */
    int free() {
        return all.availablePermits();
    }

    /** One wait held; {@link #close} frees it. */
    final class Wait implements AutoCloseable {
        private final ClientQuota.Permit mine;

        private Wait(ClientQuota.Permit mine) {
            this.mine = mine;
        }

        @Override
        public void close() {
            mine.close();
            all.release();
        }
    }
}
