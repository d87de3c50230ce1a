package dev.authpack.bench.james;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One timed round against one server: {@code connections} SMTP clients send for {@code length}, each waiting while
 * {@code window} accepted messages are not yet delivered (so the spool stays saturated but bounded, and no backlog
 * spills into the next round), then the round waits until every accepted message is delivered. The rate is
 * accepted messages over the time from the first send to the last delivery seen.
 */
final class LoadRound {
    /** How often the delivered count is read. */
    static final Duration POLL = Duration.ofMillis(5);
    /** Longest wait for the spool to deliver what was accepted after the senders stop. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);

    /** What one round gave. */
    record Result(String server, long accepted, long refused, long errors, double seconds, double meanInFlight,
                  double millisInFlight) {
        double rate() {
            return accepted / seconds;
        }
    }

    private LoadRound() {
    }

    static Result run(BenchServer server, MessagePool pool, String helo, int connections,
                      int window, Duration length) throws Exception {
        BenchServer.Counts before = server.counts();
        List<SmtpConnection> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(new SmtpConnection(server.smtpPort(), helo));
        }
        Semaphore inFlight = new Semaphore(window);
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        InFlight inFlightOverTime = new InFlight(start);
        long deadline = start + length.toNanos();
        List<Thread> senders = new ArrayList<>();
        for (SmtpConnection client : clients) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline && failure.get() == null) {
                        if (!inFlight.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        MessagePool.Prepared m = pool.next();
                        int code = client.send(m.mailFrom(), m.recipient(), m.data());
                        if (code == 250) {
                            accepted.incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                            inFlight.release();
                        }
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-smtp-" + senders.size());
            t.setDaemon(true);
            senders.add(t);
            t.start();
        }
        long released = 0;
        long end = start;
        long drainDeadline = Long.MAX_VALUE;
        BenchServer.Counts now = before;
        while (true) {
            Thread.sleep(POLL.toMillis());
            now = server.counts();
            long done = now.done() - before.done();
            long seen = System.nanoTime();
            int inFlightBefore = window - inFlight.availablePermits();
            if (done > released) {
                inFlight.release((int) (done - released));
                released = done;
                end = seen;
            }
            // a message counts as in flight until a poll sees it delivered (POLL's lag, the same for every server)
            inFlightOverTime.poll(seen, inFlightBefore, window - inFlight.availablePermits());
            boolean sending = senders.stream().anyMatch(Thread::isAlive);
            if (!sending && drainDeadline == Long.MAX_VALUE) {
                drainDeadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            }
            if (!sending && done >= accepted.get()) {
                break;
            }
            if (System.nanoTime() > drainDeadline) {
                throw new IllegalStateException(server.name() + ": " + (accepted.get() - done)
                        + " accepted messages not delivered " + DRAIN_TIMEOUT.toSeconds() + " s after the round");
            }
        }
        clients.forEach(SmtpConnection::close);
        if (failure.get() != null) {
            throw new IllegalStateException(server.name() + ": SMTP client failed: " + failure.get(), failure.get());
        }
        return new Result(server.name(), accepted.get(), refused.get(), now.errors() - before.errors(),
                Math.max(1e-3, (end - start) / 1e9), inFlightOverTime.mean(),
                inFlightOverTime.millisEach(accepted.get()));
    }
}
