package dev.authpack.james.smtp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * How far {@link SessionAuthCheck} may hold James' SMTP I/O threads and the heap (docs/SessionAuthCheck.md,
 * "Limits"):
 * <ul>
 *   <li>{@code maxWaiting} (the number of available processors, that is half of James 3.8.1's default
 *       {@code ioWorkerCount} of two per processor): how many of the hook's waits (SPF at MAIL FROM, the checks at
 *       the end of DATA) may block I/O threads at once, across all connections of the SMTP server the hook belongs
 *       to. A wait that finds them all taken does not happen: MAIL FROM goes on without an SPF verdict (SPF is
 *       then decided, and refused, at the end of DATA), and an end of DATA whose reply depends on the checks is
 *       answered {@code 451 4.7.1} (try again later). Set it below {@code ioWorkerCount} so that the other I/O
 *       threads stay free whatever the senders' DNS does.</li>
 *   <li>{@code mailFromWait} (5000 ms): the longest wait for SPF at MAIL FROM ({@code refuseSpfFail=mailfrom});
 *       past it, as when no wait was possible, SPF is decided at the end of DATA.</li>
 *   <li>{@code handOverMaxSize} (James' own in-memory threshold, {@code james.message.memory.threshold}, 102400
 *       octets when unset): the largest message a
 *       label-only hook checks in the session and hands over to {@code MailAuthCheck}; a larger one is left
 *       to {@code MailAuthCheck}, which checks it from the spool. An enforcing hook checks every message it waits
 *       for, whatever its size.</li>
 * </ul>
 *
 * @param maxWaiting      the waits allowed at once (at least 1)
 * @param mailFromWait    the longest SPF wait at MAIL FROM
 * @param handOverMaxSize the largest message handed over, in octets
 */
record SessionLimits(int maxWaiting, Duration mailFromWait, long handOverMaxSize) {
    static final Set<String> PARAMETERS = Set.of("maxWaiting", "mailFromWait", "handOverMaxSize");
    static final int MAX_WAITING_CEILING = 1024;
    static final Duration MAIL_FROM_WAIT_CEILING = Duration.ofMinutes(2);
    /** James' in-memory threshold ({@code james.message.memory.threshold}): above it, James spools to disk. */
    static final long DEFAULT_HAND_OVER_MAX_SIZE = dev.authpack.james.MimeMessageBytes.jamesMemoryThreshold();
    /**
     * The largest message ever read into memory by the hook: a byte array cannot hold more (an enforcing hook
     * treats a larger one as unreadable, as {@code MailAuthCheck} does, instead of failing with an error).
     */
    static final long MAX_READABLE = Integer.MAX_VALUE - 1024;

    static SessionLimits defaults() {
        return new SessionLimits(Math.max(1, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(5),
                DEFAULT_HAND_OVER_MAX_SIZE);
    }

    /** Reads the parameters ({@code parameter} gives null when one is not set); errors name what is accepted. */
    static SessionLimits read(Function<String, String> parameter) {
        SessionLimits d = defaults();
        int waiting = (int) number(parameter, "maxWaiting", d.maxWaiting, 1, MAX_WAITING_CEILING);
        long wait = number(parameter, "mailFromWait", d.mailFromWait.toMillis(), 1,
                MAIL_FROM_WAIT_CEILING.toMillis());
        long size = number(parameter, "handOverMaxSize", d.handOverMaxSize, 0, MAX_READABLE);
        return new SessionLimits(waiting, Duration.ofMillis(wait), size);
    }

    /** The permits of {@code maxWaiting}: one semaphore per hook instance, that is per SMTP server. */
    Semaphore waits() {
        return new Semaphore(maxWaiting);
    }

    private static long number(Function<String, String> parameter, String name, long otherwise, long min,
                               long max) {
        String v = parameter.apply(name);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", not '"
                + v.trim() + "'");
    }
}
