package dev.authpack.james.smtp;

import dev.authpack.check.ClientQuota;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * How far {@link SessionAuthCheck} may hold James' SMTP I/O threads and the heap (docs/SessionAuthCheck.md,
 * "Limits"):
 * <ul>
 *   <li>{@code maxWaiting} (the number of available processors, that is half of James 3.8.1's default
 *       {@code ioWorkerCount} of two per processor): how many of the hook's waits (SPF at MAIL FROM, the checks at
 *       the end of DATA, the body of a message over {@code maxCheckedSize} streamed for its signatures) may block
 *       I/O threads at once, across all connections of the SMTP server the hook belongs
 *       to (each SMTP server has its own). A wait that finds them all taken does not happen: MAIL FROM goes on without an SPF verdict (SPF is
 *       then decided, and refused, at the end of DATA), and an end of DATA whose reply depends on the checks is
 *       answered {@code 451 4.7.1} (try again later). Set it below {@code ioWorkerCount} so that the other I/O
 *       threads stay free whatever the senders' DNS does.</li>
 *   <li>{@code maxWaitingPerClient} (half of {@code maxWaiting}, at least 1): how many of those waits the
 *       connections of one client (an IPv4 address, or an IPv6 /64) may hold at once; a wait beyond it does not
 *       happen, as above. So one client, however many connections it opens, leaves the other waits to the others.
 *       A value of {@code maxWaiting} or more: no bound per client. The waits a client holds are counted over
 *       every hook instance of the JVM ({@link SessionCounts}): its waits on port 25 count on port 587 too.</li>
 *   <li>{@code maxWaitingPerNetwork} (the same default): the same for all clients of one network (an IPv4 /24, an
 *       IPv6 /48): a sender with many addresses of one allocation is one sender here. An IPv4 client behind a
 *       SIIT or NAT64 translator ({@code 64:ff9b::/96}, {@code 64:ff9b:1::/96}, and any prefix of
 *       {@code translatorPrefixes}) is its IPv4 address and /24 ({@link dev.authpack.check.ClientQuota}).</li>
 *   <li>{@code waitYieldAfter} (2000 ms): a wait held this long yields to a message that finds no wait it may take
 *       ({@link Waits}): the slowest check is answered as if no wait had been free, instead of the newcomer. Shorter
 *       than {@code dataWait} and {@code mailFromWait}, or refused; unset with either at 2000 ms or less, a fifth of
 *       the shorter (review s22).</li>
 *   <li>{@code dataWait} (10000 ms): the longest wait at the end of DATA, shorter than the checks' deadline (40 s);
 *       past it that message gets {@code 451 4.7.1} and the wait is free again. Answers that came meanwhile are
 *       cached, so the sender's retry finds more of them.</li>
 *   <li>{@code maxQueriesPerClient} (32): how many DNS queries started by the sessions of one client may be in
 *       flight at once, over all its connections (to every SMTP server of the JVM: {@link SessionCounts}), out of
 *       the DNS transport's 256: an early lookup beyond it is
 *       not started (the end of DATA asks it, as {@code MailAuthCheck} does: later, never a failure), and a
 *       label-only hook does not hand over a message of a client at it ({@code MailAuthCheck} checks it from the
 *       spool). At most {@link #MAX_CLIENTS_TRACKED} clients are tracked at once: a new client beyond them starts
 *       no early lookup either.</li>
 *   <li>{@code maxQueriesPerNetwork} (64): the same for all clients of one network; and whatever the clients, no
 *       early lookup is sent while the DNS transport has three quarters of its slots in flight
 *       ({@link dev.authpack.dns.TransportShare#EARLY}).</li>
 *   <li>{@code mailFromWait} (5000 ms): the longest wait for SPF at MAIL FROM ({@code refuseSpfFail=mailfrom});
 *       past it, as when no wait was possible, SPF is decided at the end of DATA.</li>
 *   <li>{@code handOverMaxSize} (James' own in-memory threshold, {@code james.message.memory.threshold}, 102400
 *       octets when unset): the largest message a
 *       label-only hook checks in the session and hands over to {@code MailAuthCheck}; a larger one is left
 *       to {@code MailAuthCheck}, which checks it from the spool. An enforcing hook checks every message it waits
 *       for, whatever its size.</li>
 * </ul>
 *
 * @param maxWaiting           the waits allowed at once (at least 1)
 * @param maxWaitingPerClient  the waits one client may hold at once (at least 1)
 * @param maxWaitingPerNetwork the waits the clients of one network may hold at once (at least 1)
 * @param waitYieldAfter       how long a wait is held before it yields to a message that finds none
 * @param dataWait             the longest wait at the end of DATA
 * @param maxQueriesPerClient  the session-started DNS queries one client may have in flight (at least 1)
 * @param maxQueriesPerNetwork the same for the clients of one network (at least 1)
 * @param mailFromWait         the longest SPF wait at MAIL FROM
 * @param handOverMaxSize      the largest message handed over, in octets
 */
record SessionLimits(int maxWaiting, int maxWaitingPerClient, int maxWaitingPerNetwork, Duration waitYieldAfter,
                     Duration dataWait, int maxQueriesPerClient, int maxQueriesPerNetwork, Duration mailFromWait,
                     long handOverMaxSize) {
    static final Set<String> PARAMETERS = Set.of("maxWaiting", "maxWaitingPerClient", "maxWaitingPerNetwork",
            "waitYieldAfter", "dataWait", "maxQueriesPerClient", "maxQueriesPerNetwork", "mailFromWait",
            "handOverMaxSize");
    static final int MAX_WAITING_CEILING = 1024;
    /** A fraction of the DNS transport's 256 queries in flight: eight clients at their quota fill it. */
    static final int DEFAULT_MAX_QUERIES_PER_CLIENT = 32;
    /**
     * Twice a client's: a network's clients together have a quarter of the transport's 256, so that three networks
     * never take the early share ({@link dev.authpack.dns.TransportShare#EARLY}: 192) alone.
     */
    static final int DEFAULT_MAX_QUERIES_PER_NETWORK = 64;
    /**
     * Checks whose answers are in take milliseconds; one whose DNS takes seconds is the kind a sender controls.
     * Honest cold mail (answers over the Internet, the lookups started early) is done well within it.
     */
    static final Duration DEFAULT_WAIT_YIELD_AFTER = Duration.ofSeconds(2);
    /**
     * Two DNS timeouts (5 s each) and more than any SPF chain of honest round trips; rspamd's whole task timeout is
     * 8 s. The checks' deadline (40 s) held an I/O thread, and every connection it serves, four times as long.
     */
    static final Duration DEFAULT_DATA_WAIT = Duration.ofSeconds(10);
    static final Duration WAIT_CEILING = Duration.ofMinutes(2);
    /**
     * The shortest bound of a wait ({@code dataWait}, {@code mailFromWait}, {@code RelayPolicyRcptHook}'s
     * {@code nameLookupTimeout}), in milliseconds: the shortest that leaves a {@code waitYieldAfter} (at least 1 ms)
     * shorter than it (review s22, reviewA: at 1 ms the default was the bound itself, never yielding, and a set one
     * had "from 1 to 0" to choose from).
     */
    static final long MIN_WAIT_MS = 2;
    static final int MAX_QUERIES_CEILING = 65536;
    /**
     * Clients tracked at once for {@code maxQueriesPerClient} (about 100 octets each). Each holds a query in flight,
     * so this many are far more than the connections a server keeps open at once.
     */
    static final int MAX_CLIENTS_TRACKED = 16384;
    static final Duration MAIL_FROM_WAIT_CEILING = Duration.ofMinutes(2);
    /** James' in-memory threshold ({@code james.message.memory.threshold}): above it, James spools to disk. */
    static final long DEFAULT_HAND_OVER_MAX_SIZE = dev.authpack.james.MimeMessageBytes.jamesMemoryThreshold();
    /**
     * The largest {@code handOverMaxSize}: a byte array cannot hold more. (What the hook reads whole is bounded by
     * {@code maxCheckedSize}, MailAuthCheck's parameter: a larger message is checked from its header section.)
     */
    static final long MAX_READABLE = Integer.MAX_VALUE - 1024;

    /**
     * The ratio of the default {@code waitYieldAfter} to the default {@code dataWait} (2 s of 10 s): a wait bounded by
     * less than five times {@link #DEFAULT_WAIT_YIELD_AFTER} yields after this fraction of its bound
     * ({@link #yieldAfter}).
     */
    private static final int YIELD_FRACTION = (int) (DEFAULT_DATA_WAIT.toMillis() / DEFAULT_WAIT_YIELD_AFTER.toMillis());

    static SessionLimits defaults() {
        int waiting = defaultMaxWaiting();
        return new SessionLimits(waiting, perClient(waiting), perClient(waiting), DEFAULT_WAIT_YIELD_AFTER,
                DEFAULT_DATA_WAIT, DEFAULT_MAX_QUERIES_PER_CLIENT, DEFAULT_MAX_QUERIES_PER_NETWORK,
                Duration.ofSeconds(5), DEFAULT_HAND_OVER_MAX_SIZE);
    }

    /** Reads the parameters ({@code parameter} gives null when one is not set); errors name what is accepted. */
    static SessionLimits read(Function<String, String> parameter) {
        SessionLimits d = defaults();
        int waiting = (int) number(parameter, "maxWaiting", d.maxWaiting, 1, MAX_WAITING_CEILING);
        int waitingPerClient = (int) number(parameter, "maxWaitingPerClient", perClient(waiting), 1,
                MAX_WAITING_CEILING);
        int waitingPerNetwork = (int) number(parameter, "maxWaitingPerNetwork", perClient(waiting), 1,
                MAX_WAITING_CEILING);
        long dataWait = number(parameter, "dataWait", d.dataWait.toMillis(), MIN_WAIT_MS, WAIT_CEILING.toMillis());
        int queries = (int) number(parameter, "maxQueriesPerClient", d.maxQueriesPerClient, 1, MAX_QUERIES_CEILING);
        int networkQueries = (int) number(parameter, "maxQueriesPerNetwork", d.maxQueriesPerNetwork, 1,
                MAX_QUERIES_CEILING);
        long wait = number(parameter, "mailFromWait", d.mailFromWait.toMillis(), MIN_WAIT_MS,
                MAIL_FROM_WAIT_CEILING.toMillis());
        long yieldAfter = waitYieldAfter(parameter, dataWait, wait);
        long size = number(parameter, "handOverMaxSize", d.handOverMaxSize, 0, MAX_READABLE);
        return new SessionLimits(waiting, waitingPerClient, waitingPerNetwork, Duration.ofMillis(yieldAfter),
                Duration.ofMillis(dataWait), queries, networkQueries, Duration.ofMillis(wait), size);
    }

    /**
     * {@code waitYieldAfter}, shorter than the longest wait, the shorter of {@code dataWait} and {@code mailFromWait}
     * (review s22: a wait never held that long never yielded, so a sender whose DNS never answers kept its waits for
     * their whole bound). Set: refused unless shorter, the error naming what is accepted. Not set:
     * {@link #DEFAULT_WAIT_YIELD_AFTER}, or, for a shorter bound, a fifth of it ({@link #yieldAfter}).
     */
    private static long waitYieldAfter(Function<String, String> parameter, long dataWait, long mailFromWait) {
        long longest = Math.min(dataWait, mailFromWait);
        long set = number(parameter, "waitYieldAfter", -1, 1, WAIT_CEILING.toMillis());
        if (set < 0) {
            return longest > DEFAULT_WAIT_YIELD_AFTER.toMillis() ? DEFAULT_WAIT_YIELD_AFTER.toMillis()
                    : yieldAfter(Duration.ofMillis(longest)).toMillis();
        }
        if (set >= longest) {
            throw new IllegalArgumentException("waitYieldAfter must be shorter than dataWait (" + dataWait
                    + " ms) and mailFromWait (" + mailFromWait + " ms), the longest a wait lasts, or no wait ever"
                    + " yields: a whole number from 1 to " + (longest - 1) + " here (or raise those), not '" + set
                    + "'");
        }
        return set;
    }

    /**
     * The default {@code maxWaiting}, of this hook and of {@code RelayPolicyRcptHook}: the number of available
     * processors, half of James 3.8.1's default {@code ioWorkerCount}.
     */
    static int defaultMaxWaiting() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * How long a wait that never lasts longer than {@code longest} is held before it yields to one that finds none
     * ({@link Waits}): {@link #DEFAULT_WAIT_YIELD_AFTER}, or, for a shorter bound, the same fraction of it as the
     * default {@code waitYieldAfter} is of the default {@code dataWait} (a fifth; at least a millisecond), so that a
     * wait always yields well before its own end (review s21 final: {@code RelayPolicyRcptHook}'s waits, bounded by
     * its {@code nameLookupTimeout} of 2 s, never did).
     */
    static Duration yieldAfter(Duration longest) {
        Duration fraction = longest.dividedBy(YIELD_FRACTION);
        Duration yieldAfter = fraction.compareTo(DEFAULT_WAIT_YIELD_AFTER) < 0 ? fraction : DEFAULT_WAIT_YIELD_AFTER;
        return yieldAfter.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : yieldAfter;
    }

    /** Half of the waits, at least one: a client can never hold them all unless there is only one. */
    private static int perClient(int maxWaiting) {
        return Math.max(1, maxWaiting / 2);
    }

    /**
     * The waits of {@code maxWaiting}, one per hook instance (per SMTP server), and its shares per client and per
     * network, applied to {@code counts} (JVM-wide: {@link SessionCounts}).
     */
    Waits waits(SessionCounts counts) {
        return new Waits(maxWaiting, new ClientQuota(maxWaitingPerClient, maxWaitingPerNetwork, counts.waits()),
                waitYieldAfter);
    }

    /** {@code maxQueriesPerClient} and {@code maxQueriesPerNetwork} applied to {@code counts} (JVM-wide). */
    ClientQuota queries(SessionCounts counts) {
        return new ClientQuota(maxQueriesPerClient, maxQueriesPerNetwork, counts.queries());
    }

    /**
     * The whole number {@code parameter} gives for {@code name}, from {@code min} to {@code max}; {@code otherwise}
     * when it gives null or blank. The parsing of these limits and of {@code RelayPolicyRcptHook}'s.
     *
     * @throws IllegalArgumentException naming the parameter and what is accepted
     */
    static long number(Function<String, String> parameter, String name, long otherwise, long min, long max) {
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
