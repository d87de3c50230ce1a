package dev.authpack.it;

import java.io.UncheckedIOException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One SMTP client of the soak: connection after connection until the deadline or the message budget, each
 * connection carrying one to {@value #MAX_PER_CONNECTION} transactions, every message registered in the
 * {@link SoakLedger} before DATA. It waits while too many accepted messages are still unaccounted for, so the load
 * is what James sustains, not an ever-growing spool.
 */
final class SoakClient implements Runnable {
    /** Transactions on one connection, at most. */
    static final int MAX_PER_CONNECTION = 5;
    /** Percent of connections from 127.0.0.2 (iprev fail); the rest come from 127.0.0.1. */
    static final int SECOND_CLIENT_PERCENT = 20;
    private static final long BACKOFF_MILLIS = 20;

    private final AuthpackJames james;
    private final SoakLedger ledger;
    private final SoakMessages messages;
    private final AtomicLong ids;
    private final long maxMessages;
    private final long deadlineNanos;
    private final int maxInFlight;
    private final Random random;
    private final String helo;

    SoakClient(AuthpackJames james, SoakLedger ledger, SoakMessages messages, AtomicLong ids, long maxMessages,
               long deadlineNanos, int maxInFlight, long seed) {
        this.james = james;
        this.ledger = ledger;
        this.messages = messages;
        this.ids = ids;
        this.maxMessages = maxMessages;
        this.deadlineNanos = deadlineNanos;
        this.maxInFlight = maxInFlight;
        this.random = new Random(seed);
        this.helo = "client-" + seed + "." + SoakCategory.PARENT;
    }

    @Override
    public void run() {
        while (running()) {
            if (!roomForMore()) {
                return;
            }
            String client = random.nextInt(100) < SECOND_CLIENT_PERCENT ? "127.0.0.2" : "127.0.0.1";
            try (SmtpClient c = james.smtpFrom(client)) {
                ledger.connection();
                if (!c.ehlo(helo).isPositive()) {
                    throw new IllegalStateException("EHLO refused: " + c.transcriptText());
                }
                int count = 1 + random.nextInt(MAX_PER_CONNECTION);
                for (int i = 0; i < count && running(); i++) {
                    transaction(c);
                }
                c.quit();
            } catch (UncheckedIOException e) {
                // counted by transaction() when it matters (DATA); a failed QUIT or connect is retried
                backoff();
            }
        }
    }

    private boolean running() {
        return System.nanoTime() < deadlineNanos && ids.get() < maxMessages;
    }

    /** Waits, within the deadline, until fewer than the allowed number of accepted messages are unaccounted for. */
    private boolean roomForMore() {
        while (ledger.inFlight() >= maxInFlight) {
            if (!running()) {
                return false;
            }
            backoff();
        }
        return true;
    }

    private void transaction(SmtpClient c) {
        long id = ids.getAndIncrement();
        int n = SoakCategory.values().length;
        // the first messages go through every category once, the rest are drawn by weight
        SoakCategory category = id < n ? SoakCategory.values()[(int) id] : SoakCategory.draw(random.nextDouble());
        SoakMessages.Built built = messages.build(id, category, random);
        ledger.submitting(built.sent());
        SmtpReply mail = c.mailFrom(SoakMessages.sender(id, category));
        SmtpReply rcpt = mail.isPositive() ? c.rcptTo(JamesExtension.ALICE) : mail;
        if (!rcpt.isPositive()) {
            ledger.refused(id, rcpt.toString());
            c.rset();
            return;
        }
        SmtpReply data;
        try {
            data = c.data(built.text());
        } catch (UncheckedIOException e) {
            ledger.unknown(id, e.getMessage());
            throw e;
        }
        if (data.isPositive()) {
            ledger.accepted(id);
        } else {
            ledger.refused(id, data.toString());
        }
    }

    private static void backoff() {
        try {
            Thread.sleep(BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
