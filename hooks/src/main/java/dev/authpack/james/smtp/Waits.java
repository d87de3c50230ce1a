package dev.authpack.james.smtp;

import dev.authpack.check.ClientQuota;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The waits that may block James' I/O threads ({@link SessionLimits}): {@code maxWaiting} for the SMTP server, of
 * which at most {@code maxWaitingPerClient} for the connections of one client and {@code maxWaitingPerNetwork} for
 * those of one network ({@link ClientQuota}). Never blocks: a wait is had at once or not at all.
 *
 * <p>A wait held for {@code yieldAfter} or longer yields to a message that finds none it may take: that one gets
 * the wait, and the holder is told ({@link Wait#awaitDone}) and ends its wait at once, as if none had been free.
 * The oldest yields first. Checks whose DNS answers are in take a few milliseconds, so a wait held for seconds is
 * one whose sender's DNS is slow, the kind a sender can make as slow as it likes; without yielding, two or three
 * such messages at a time would answer everyone else "busy" for the whole checker deadline. Yielding turns no
 * acceptance into a refusal: the one message that gets no wait is answered {@code 451} either way, only it is the
 * slowest instead of the newest. Between the newcomer taking the wait and the holder's thread waking, one more
 * I/O thread than {@code maxWaiting} may be blocked, for microseconds.
 *
 * <p>Work done on the I/O thread that blocks it as long as a wait (a large message's body streamed for its hashes at
 * the end of DATA) takes a wait too ({@link #tryTakeForWork}): {@code maxWaiting} bounds the I/O threads the hook
 * blocks at once, whatever blocks them. Such a wait does not yield while the work lasts (it cannot stop halfway; the
 * work is bounded by the octets the client sent), and becomes an ordinary wait, youngest, when it is done.
 *
 * <p>The per-client and per-network counts are shared by every hook instance of the JVM ({@link SessionCounts}):
 * a client's waits on one SMTP server count against its share on the others, each instance applying its own
 * shares; they track only clients holding a wait. A wait yields only to a message of the same instance (its I/O
 * threads): {@link #tryTake} looks at this instance's waits, whose giving back lets the newcomer in.
 */
final class Waits {
    private final int max;
    private final ClientQuota shares;
    private final long yieldAfterNanos;
    /** The waits held, the oldest first. */
    private final Set<Wait> held = new LinkedHashSet<>();

    /**
     * @param shares the per-client and per-network shares, over counts shared with other hook instances (JVM-wide,
     *               {@link SessionCounts}); their waits count, not their {@code maxWaiting}
     */
    Waits(int maxWaiting, ClientQuota shares, Duration yieldAfter) {
        max = maxWaiting;
        this.shares = shares;
        yieldAfterNanos = yieldAfter.toNanos();
    }

    /**
     * A wait for a connection of {@code client}: a free one within the client's and its network's shares, else
     * the oldest held for at least {@code yieldAfter} whose giving back lets this client in; null when there is
     * neither.
     */
    synchronized Wait tryTake(InetAddress client) {
        return tryTake(client, false);
    }

    /**
     * {@link #tryTake}, for work done on the I/O thread itself (a large message's body streamed for its hashes), not
     * a wait for answers: the wait does not yield while the work lasts (it cannot stop halfway, and the work is
     * bounded by the message the client sent); {@link Wait#workDone} makes it an ordinary wait from then on.
     */
    synchronized Wait tryTakeForWork(InetAddress client) {
        return tryTake(client, true);
    }

    private Wait tryTake(InetAddress client, boolean working) {
        ClientQuota.Client mine = shares.client(client);
        if (held.size() < max) {
            ClientQuota.Permit permit = mine.tryAcquire();
            if (permit != null) {
                return hold(permit, working);
            }
        }
        long now = System.nanoTime();
        for (Wait old : held) {
            if (old.working) {
                continue;   // never yields while working; taken at any age, so the rest may be older
            }
            if (now - old.since < yieldAfterNanos) {
                break;   // the rest are younger
            }
            ClientQuota.Permit permit = mine.tryReplace(old.permit);
            if (permit != null) {
                held.remove(old);
                old.yielded.complete(null);
                return hold(permit, working);
            }
        }
        return null;
    }

    private Wait hold(ClientQuota.Permit permit, boolean working) {
        Wait wait = new Wait(permit, System.nanoTime(), working);
        held.add(wait);
        return wait;
    }

    /** The work of {@code wait} is done: it waits from now on, and may yield as any wait, last in line. */
    private synchronized void workDone(Wait wait) {
        if (wait.working && held.remove(wait)) {
            wait.working = false;
            wait.since = System.nanoTime();
            held.add(wait);
        }
    }

    /** Waits free now, for any client. */
    synchronized int free() {
        return max - held.size();
    }

    private synchronized void release(Wait wait) {
        if (held.remove(wait)) {
            wait.permit.close();
        }
    }

    /** One wait held; {@link #close} frees it (unless it yielded, which freed it already). */
    final class Wait implements AutoCloseable {
        private final ClientQuota.Permit permit;
        /** When it was taken, or its work done (guarded by the {@link Waits}' lock). */
        private long since;
        /** Taken for work on the thread ({@link #tryTakeForWork}) not done yet: does not yield (the same lock). */
        private boolean working;
        private final CompletableFuture<Void> yielded = new CompletableFuture<>();

        private Wait(ClientQuota.Permit permit, long since, boolean working) {
            this.permit = permit;
            this.since = since;
            this.working = working;
        }

        /** The work it was taken for ({@link #tryTakeForWork}) is done: an ordinary wait from now on. */
        void workDone() {
            Waits.this.workDone(this);
        }

        /**
         * Blocks until {@code work} is done, the wait yields to another message, or {@code bound} has passed,
         * whichever comes first.
         *
         * @return whether {@code work} is done
         */
        boolean awaitDone(CompletableFuture<?> work, Duration bound) throws InterruptedException {
            try {
                CompletableFuture.anyOf(work, yielded).get(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not done in time, or done with an error: the caller reads work itself
            }
            return work.isDone();
        }

        /** Whether this wait was given to another message. */
        boolean yielded() {
            return yielded.isDone();
        }

        @Override
        public void close() {
            release(this);
        }
    }
}
