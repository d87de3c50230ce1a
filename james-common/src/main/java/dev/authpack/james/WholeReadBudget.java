package dev.authpack.james;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@code maxCheckedTotal}: the octets of messages that the pack's readers ({@code MailAuthCheck},
 * {@code SessionAuthCheck}, {@code AddAuthResults}, {@code ArcSeal}, {@code DkimSign}, {@code FixConformance} and
 * {@code FixConformanceHook}) hold read whole at once, counted JVM-wide (review s19 final: every reader).
 * {@code maxCheckedSize} bounds one message; this bounds them all: 20 spool threads and the SMTP I/O threads each
 * reading a 60 MiB message under that bound would hold gigabytes (review s19). A message that would take the total
 * over the budget is checked as one over {@code maxCheckedSize} is (from its header section, its body streamed once
 * for the DKIM and ARC body hashes: the same verdicts, bounded memory), signed or sealed with its body streamed, or
 * has our field written from its header section alone; it never waits for room. The conformance check, which has no
 * such path, defers it ({@code FixConformanceHook}: 451 4.3.1) or skips it, marked ({@code FixConformance}).
 *
 * <p>One count for the JVM (per class loader: James loads the pack's mailets and hooks with one), as
 * {@code PendingChecks.MAX_BYTES} is one bound for the hooks' hand-over table; each instance admits a message only
 * while the count stays within its own {@code maxCheckedTotal}, so the count never exceeds the largest value
 * configured (give every instance the same). A parameter, not a system property: it is set, read and validated where
 * {@code maxCheckedSize} is, and James refuses to start with a bad one.
 *
 * <p>What a reader holds is {@link #tryHold held} before it reads and {@link Hold#close released} once it no longer
 * keeps the octets, on every path (a {@code finally}); releasing twice is harmless. The count is of the message's
 * octets: reading James' temporary file whole makes a transient second copy, one reason the default is a quarter of
 * the heap.
 */
public final class WholeReadBudget {
    private static final Logger LOGGER = LoggerFactory.getLogger(WholeReadBudget.class);
    /** The parameter, of every reader above (in the checks read by {@link CheckSettings}). */
    public static final String PARAMETER = "maxCheckedTotal";
    /** 1 TiB: the largest value (no heap James runs with is larger). */
    public static final long MAX = 1L << 40;
    /** At most one INFO line about messages sent to the streamed path by the budget in this time. */
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    /** The count of every instance made as James makes them. */
    private static final Counter JVM = new Counter(System::nanoTime);

    private final Counter counter;
    private final long octets;

    WholeReadBudget(Counter counter, long octets) {
        this.counter = counter;
        this.octets = octets;
    }

    /**
     * The default: a quarter of the largest heap ({@link Runtime#maxMemory()}), at least {@code maxCheckedSize} (one
     * message within it can always be read whole when no other is held), at most {@link #MAX}.
     */
    public static long defaultOctets(MessageSizeLimit maxCheckedSize) {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        return Math.min(MAX, Math.max(maxCheckedSize.octets(), quarter));
    }

    /**
     * The budget {@code value} sets over the JVM's count: a size as {@code maxCheckedSize} takes it (octets, or with
     * {@code K}, {@code M}, {@code G}), from {@code maxCheckedSize} to {@link #MAX}; {@link #defaultOctets} when null
     * or blank.
     *
     * @throws IllegalArgumentException naming the parameter and what is accepted
     */
    public static WholeReadBudget read(String value, MessageSizeLimit maxCheckedSize) {
        return read(JVM, value, maxCheckedSize);
    }

    static WholeReadBudget read(Counter counter, String value, MessageSizeLimit maxCheckedSize) {
        if (value == null || value.isBlank()) {
            return new WholeReadBudget(counter, defaultOctets(maxCheckedSize));
        }
        try {
            return new WholeReadBudget(counter, MessageSizeLimit.octets(PARAMETER, value, maxCheckedSize.octets(),
                    MAX));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; at least " + maxCheckedSize.parameter()
                    + ", unset for a quarter of the heap", e);
        }
    }

    /**
     * {@link #tryHold(long)} for a message of {@code size} octets about to be read whole within {@code limit}: of
     * unknown size (-1), as much as the limit lets the read take.
     */
    public Hold tryHold(long size, MessageSizeLimit limit) {
        return tryHold(size < 0 ? limit.octets() : size);
    }

    /**
     * Holds {@code size} octets for a message about to be read whole, when they fit within the budget with what is
     * held already; else null (never waits): then check the message from its header section, its body streamed.
     */
    public Hold tryHold(long size) {
        long want = Math.max(0, size);
        for (long held = counter.held.get(); want <= octets - held; held = counter.held.get()) {
            if (counter.held.compareAndSet(held, held + want)) {
                return new Hold(counter, want);
            }
        }
        counter.refused(octets);
        return null;
    }

    /** Octets held now by every instance over this count (tests, the log). */
    public long held() {
        return counter.held.get();
    }

    /** The octets of the budget. */
    public long octets() {
        return octets;
    }

    /** Why a message of {@code size} octets (-1: unknown) was not read whole: for the log and the reasons written. */
    public String reason(long size) {
        return "message of " + (size < 0 ? "unknown size" : size + " octets") + " over what " + PARAMETER + " ("
                + octets + " octets) leaves of the messages read whole at once";
    }

    /** The JVM's count of octets held (tests). */
    public static long jvmHeld() {
        return JVM.held.get();
    }

    @Override
    public String toString() {
        return PARAMETER + "=" + octets;
    }

    /**
     * Octets held by one reader, until {@link #close}: at most once (a second close does nothing).
     */
    public static final class Hold implements AutoCloseable {
        /** Nothing held: for a reader that reads no message whole. */
        public static final Hold NONE = new Hold(null, 0);
        private final Counter counter;
        private final long octets;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Hold(Counter counter, long octets) {
            this.counter = counter;
            this.octets = octets;
        }

        /** The octets held. */
        public long octets() {
            return octets;
        }

        @Override
        public void close() {
            if (counter != null && open.compareAndSet(true, false)) {
                counter.held.addAndGet(-octets);
            }
        }
    }

    /**
     * One count of octets held, and of the messages sent to the streamed path since the last INFO line about them
     * (at most one every {@link #LOG_EVERY}).
     */
    static final class Counter {
        final AtomicLong held = new AtomicLong();
        private final AtomicLong refused = new AtomicLong();
        private final AtomicLong nextLog;
        private final LongSupplier nanos;

        Counter(LongSupplier nanos) {
            this.nanos = nanos;
            this.nextLog = new AtomicLong(nanos.getAsLong());
        }

        /** Counts a message sent to the streamed path; logs at INFO at most once every {@link #LOG_EVERY}. */
        void refused(long budget) {
            refused.incrementAndGet();
            long now = nanos.getAsLong();
            long next = nextLog.get();
            if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_EVERY.toNanos())) {
                long since = refused.getAndSet(0);
                LOGGER.info("{} ({} octets) reached: {} message(s) not read whole (checked, signed or sealed from"
                        + " their header section, their body streamed; conformance deferred or skipped) since the"
                        + " last such line ({} octets held now)", PARAMETER, budget,
                        since, held.get());
            }
        }

        /** Messages sent to the streamed path and not logged yet (tests). */
        long unlogged() {
            return refused.get();
        }
    }
}
