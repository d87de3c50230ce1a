package dev.authpack.james;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Checks started at the end of DATA by a label-only {@code SessionAuthCheck} hook and not awaited there, handed over
 * to {@code MailAuthCheck} in the same JVM (docs/SessionAuthCheck.md, "Label-only: no wait at DATA"). The hook
 * {@link #put puts} the message's {@link CheckRun} under a fresh random token, which it stores on the mail
 * ({@link SessionCheckedMail#PENDING}); when the spool reaches the mail, {@code MailAuthCheck} {@link #take takes}
 * it, usually finished meanwhile, and writes its field from the report without checking again.
 *
 * <p>Bounded and leak-free:
 * <ul>
 *   <li>at most {@link #MAX_PENDING} entries, and at most {@link #MAX_BYTES} octets of messages held: under
 *       unfinished runs, and the octets a run checked, which an entry handed over with them keeps until it leaves
 *       the table, to compare the mail's message with (a finished run otherwise keeps only its report): when either
 *       is full (after dropping expired entries),
 *       {@link #put} refuses and the hook awaits the checks in the session as an enforcing one does
 *       (back-pressure on the clients), or leaves the mail to {@code MailAuthCheck}, which checks it from the
 *       spool;</li>
 *   <li>an entry expires at the put time plus the limit given with it (the hook's {@code deadline + grace}): then
 *       it is dropped and its run {@link CheckRun#cutOff cut off}, so a mail that never reaches {@code MailAuthCheck}
 *       (refused by a later hook, dropped before the mailet, James stopped) costs nothing past its deadline;</li>
 *   <li>an entry is taken once: {@link #take} removes it.</li>
 * </ul>
 * A token that is not here (another JVM dequeued the mail in a distributed James, James restarted, the entry
 * expired) makes {@code MailAuthCheck} check the mail itself, as without the hook.
 *
 * <p>Safe against forgery: a client cannot set mail attributes, tokens are 128 random bits from {@link SecureRandom}
 * (guessing one, or two mails getting the same, has probability about 2<sup>-128</sup> per try), an entry is found
 * only with the same check key (serverId and checks) as the mailet's, and is taken once. Thread-safe: one lock
 * around the table, never held while waiting.
 */
public final class PendingChecks {
    private static final Logger LOG = LoggerFactory.getLogger(PendingChecks.class);
    /**
     * Most checks handed over and not yet taken: the spool's backlog of mail from label-only sessions. A finished
     * entry holds its report (a few KB) and the message its run checked, when handed over with it (to compare the
     * mail's message with when taken); an unfinished one also the message, as the spool does.
     */
    public static final int MAX_PENDING = 4096;
    /**
     * Most octets of messages held by the runs handed over and not taken (until the entry leaves the table when the
     * run came with its message, otherwise until the run finishes): 64 MiB, or an eighth of the largest heap where
     * that is less. {@code handOverMaxSize} bounds one message; this bounds them all (4096 messages of James'
     * 100 KiB threshold would be 400 MiB).
     */
    public static final long MAX_BYTES = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
    /** Tries for a token not in use (a repeat has probability about 2^-128; the bound only keeps the loop finite). */
    static final int TOKEN_TRIES = 3;
    /** Random octets per token: 128 bits. */
    static final int TOKEN_OCTETS = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PendingChecks SHARED = new PendingChecks(MAX_PENDING, MAX_BYTES, System::nanoTime,
            PendingChecks::randomToken);

    /**
     * One handed-over run: its check key, its deadline, the run until it finishes (then only its report), the
     * message the run read when it was handed over with it ({@link #message}: kept until the entry leaves the table,
     * to compare the mail's message with), and the octets of its message, counted in {@link #bytes} while the run
     * or the message is kept.
     */
    private static final class Entry {
        final String checksKey;
        final long deadline;
        final long octets;
        final java.util.concurrent.CompletableFuture<AuthCheckReport> report;
        /** The octets the run checked, never changed; null when not handed over with the run. */
        final byte[] message;
        volatile CheckRun run;
        /** Whether {@link #octets} are counted in the table's {@link #bytes} (guarded by the table). */
        boolean counted;

        Entry(String checksKey, long deadline, CheckRun run, long octets, byte[] message) {
            this.checksKey = checksKey;
            this.deadline = deadline;
            this.run = run;
            this.octets = octets;
            this.message = message;
            this.report = run.report();
        }
    }

    private final int capacity;
    private final long maxBytes;
    private final LongSupplier nanos;
    private final Supplier<String> tokens;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Octets of the messages of the runs kept ({@link Entry#counted}). */
    private long bytes;

    /**
     * @param capacity most entries
     * @param maxBytes most octets of messages under the runs kept
     * @param nanos    the clock of the deadlines ({@link System#nanoTime})
     * @param tokens   fresh tokens (128 random bits each in use)
     */
    PendingChecks(int capacity, long maxBytes, LongSupplier nanos, Supplier<String> tokens) {
        if (capacity < 1 || maxBytes < 0) {
            throw new IllegalArgumentException("capacity must be at least 1, maxBytes at least 0");
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.nanos = nanos;
        this.tokens = tokens;
    }

    /** {@link #PendingChecks(int, long, LongSupplier, Supplier)} without a bound on octets. */
    PendingChecks(int capacity, LongSupplier nanos, Supplier<String> tokens) {
        this(capacity, Long.MAX_VALUE, nanos, tokens);
    }

    /**
     * The one table of this class loader: James loads the pack's hooks and mailets with the same class loader, so
     * the hook and the mailet share it. (Where they do not, the mailet finds nothing and checks the mail itself.)
     */
    public static PendingChecks shared() {
        return SHARED;
    }

    /** {@link #put(String, CheckRun, Duration, long)} of a run over no message (none of its checks reads one). */
    Optional<String> put(String checksKey, CheckRun run, Duration limit) {
        return put(checksKey, run, limit, 0);
    }

    /**
     * Hands a run over.
     *
     * @param checksKey the serverId and checks the run was started with ({@link SessionCheckedMail})
     * @param limit     how long from now the run may be awaited; past it the entry expires
     * @param octets    the size of the message the run holds until it finishes
     * @return the token to store on the mail; empty when the table is full, by count or by octets (await the run
     *         yourself, or leave the mail to {@code MailAuthCheck})
     */
    public Optional<String> put(String checksKey, CheckRun run, Duration limit, long octets) {
        return put(checksKey, run, limit, Math.max(0, octets), null);
    }

    /**
     * Hands a run over with the octets of the message it checks ({@code message}, which must not change
     * afterwards): they stay in the entry until it is taken, dropped or expires, counted against {@link #maxBytes()}
     * all that time, so that the mail's message can be compared with them exactly when the run is taken
     * ({@link #message}).
     *
     * @return as {@link #put(String, CheckRun, Duration, long)}
     */
    public Optional<String> put(String checksKey, CheckRun run, Duration limit, byte[] message) {
        return put(checksKey, run, limit, message.length, message);
    }

    private Optional<String> put(String checksKey, CheckRun run, Duration limit, long octets, byte[] message) {
        long now = nanos.getAsLong();
        Entry entry = new Entry(checksKey, now + limit.toNanos(), run, octets, message);
        List<Entry> expired = new ArrayList<>();
        String token = null;
        synchronized (this) {
            dropExpired(now, expired, false);
            if (!room(entry)) {
                dropExpired(now, expired, true);
            }
            if (room(entry)) {
                for (int i = 0; i < TOKEN_TRIES && token == null; i++) {
                    String candidate = tokens.get();
                    if (candidate != null && !entries.containsKey(candidate)) {
                        token = candidate;
                    }
                }
                if (token != null) {
                    entries.put(token, entry);
                    entry.counted = true;
                    bytes += entry.octets;
                }
            }
        }
        cutOff(expired, "the session's checks were not taken before their deadline");
        if (token == null) {
            return Optional.empty();
        }
        // a finished run keeps only its report: the engines' state can go, and the message too unless the entry
        // keeps it to compare with (then it counts until the entry leaves the table)
        entry.report.whenComplete((report, error) -> {
            if (error == null) {
                entry.run = null;
                if (entry.message == null) {
                    uncount(entry);
                }
            }
        });
        return Optional.of(token);
    }

    /** Whether {@code entry} fits, by count and by octets. */
    private boolean room(Entry entry) {
        return entries.size() < capacity && entry.octets <= maxBytes - bytes;
    }

    /** Its run is gone (finished, or the entry left the table): its message no longer counts. */
    private synchronized void uncount(Entry entry) {
        if (entry.counted) {
            entry.counted = false;
            bytes -= entry.octets;
        }
    }

    /**
     * The octets of the message the run under {@code token} checked, when it was handed over with them
     * ({@link #put(String, CheckRun, Duration, byte[])}); empty when there is no such entry or it has none. Not to be
     * changed.
     */
    Optional<byte[]> message(String token) {
        Entry entry;
        synchronized (this) {
            entry = entries.get(token);
        }
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.message);
    }

    /**
     * Takes the run handed over under {@code token} with the same check key, waiting for its report until the
     * entry's deadline (then it is cut off: unfinished checks are {@code temperror}). Empty when there is no such
     * entry (never put here, taken already, expired, or another check key: then it stays for its own mailet).
     */
    public Optional<AuthCheckReport> take(String token, String checksKey) throws InterruptedException {
        Entry entry;
        long now = nanos.getAsLong();
        synchronized (this) {
            entry = entries.get(token);
            if (entry == null || !entry.checksKey.equals(checksKey)) {
                return Optional.empty();
            }
            entries.remove(token);
            uncount(entry);
        }
        CheckRun run = entry.run;
        if (run == null) {
            // finished (in time, as it could only end within its budget): only its report is left, good even when
            // taken after the deadline (a spool far behind) rather than checked all over again
            return Optional.of(entry.report.join());
        }
        if (entry.deadline - now <= 0) {
            cutOff(List.of(entry), "the session's checks were not taken before their deadline");
            return Optional.empty();
        }
        try {
            return Optional.of(run.await(Duration.ofNanos(entry.deadline - now)));
        } catch (InterruptedException e) {
            run.cutOff("interrupted");
            throw e;
        }
    }

    /**
     * Drops the run handed over under {@code token}, whatever its check key, cutting it off if unfinished (its
     * lookups end): its mail is to be checked again ({@link SessionCheckedMail}: the message changed since).
     */
    public void discard(String token) {
        Entry entry;
        synchronized (this) {
            entry = entries.remove(token);
            if (entry != null) {
                uncount(entry);
            }
        }
        if (entry != null) {
            cutOff(List.of(entry), "the session's checks are for another message");
        }
    }

    /** Entries in the table (tests, metrics). */
    public synchronized int size() {
        return entries.size();
    }

    /** Octets of the messages under the unfinished runs in the table (tests, metrics). */
    public synchronized long bytes() {
        return bytes;
    }

    /** The bound on {@link #bytes()}. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Drops expired entries: from the oldest on while expired, or ({@code all}) every one. */
    private void dropExpired(long now, List<Entry> dropped, boolean all) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.deadline - now <= 0) {
                it.remove();
                uncount(e);
                dropped.add(e);
            } else if (!all) {
                return;
            }
        }
    }

    private static void cutOff(List<Entry> dropped, String why) {
        for (Entry e : dropped) {
            CheckRun run = e.run;
            if (run != null) {
                try {
                    run.cutOff(why);
                } catch (RuntimeException ex) {
                    LOG.warn("pending checks not cut off: {}", ex.toString());
                }
            }
        }
        if (!dropped.isEmpty()) {
            LOG.debug("{} handed-over session check(s) expired untaken", dropped.size());
        }
    }

    private static String randomToken() {
        byte[] octets = new byte[TOKEN_OCTETS];
        RANDOM.nextBytes(octets);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(octets);
    }
}
