package dev.authpack.dns;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The time budgets of the checks and their lookups: what {@link CompletableFuture#completeOnTimeout} and
 * {@link CompletableFuture#orTimeout} do, on a timer of the pack's own that a busy server rarely wakes.
 *
 * <p><b>Why not the JDK's.</b> Those share one timer, the JDK's, whose thread wakes whenever a new task is due
 * sooner than the earliest queued one. A mail's checks set budgets of different lengths (a DKIM key lookup, SPF,
 * DMARC, each check), and a budget is cancelled as soon as its work ends (in milliseconds, against budgets of
 * seconds), so nearly every new budget became the earliest: 0.8 timer wake-ups a mail with cold DNS, each putting a
 * thread on a CPU that SMTP and spool threads wanted (docs/benchmarks.md, session 11). Here, as for the DNS
 * transport's deadlines, a no-op task every {@link #TICK_MILLIS} keeps the queue's earliest task less than a tick
 * away, so a budget longer than a tick is queued without waking the thread; a budget whose work ends in time is
 * taken out of the queue ({@code removeOnCancel}), whatever way it ends.
 *
 * <p><b>Threads.</b> One daemon thread for the JVM. A budget that runs out completes its future there, so what
 * depends on it runs on that thread, as with the JDK's timer (the checks' fallbacks are short).
 */
public final class Deadlines {
    /** The timer's idle tick: budgets longer than this never wake it when they are set. */
    static final long TICK_MILLIS = 1_000;
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private Deadlines() {
    }

    /**
     * Completes {@code future} with {@code value} when {@code budget} has passed, unless it has completed by then.
     *
     * @return {@code future}
     */
    public static <T> CompletableFuture<T> completeOnTimeout(CompletableFuture<T> future, T value, Duration budget) {
        return completeOnTimeout(TIMER, future, value, budget);
    }

    /**
     * Completes {@code future} exceptionally with a {@link TimeoutException} when {@code budget} has passed, unless
     * it has completed by then.
     *
     * @return {@code future}
     */
    public static <T> CompletableFuture<T> orTimeout(CompletableFuture<T> future, Duration budget) {
        return orTimeout(TIMER, future, budget);
    }

    /** {@link #completeOnTimeout(CompletableFuture, Object, Duration)} on {@code timer} (tests: a timer of their own). */
    static <T> CompletableFuture<T> completeOnTimeout(ScheduledThreadPoolExecutor timer, CompletableFuture<T> future,
                                                      T value, Duration budget) {
        if (!future.isDone()) {
            stopWhenDone(future, timer.schedule(() -> future.complete(value), nanos(budget), TimeUnit.NANOSECONDS));
        }
        return future;
    }

    /** {@link #orTimeout(CompletableFuture, Duration)} on {@code timer} (tests: a timer of their own). */
    static <T> CompletableFuture<T> orTimeout(ScheduledThreadPoolExecutor timer, CompletableFuture<T> future,
                                              Duration budget) {
        if (!future.isDone()) {
            stopWhenDone(future, timer.schedule(() -> future.completeExceptionally(new TimeoutException()),
                    nanos(budget), TimeUnit.NANOSECONDS));
        }
        return future;
    }

    /** Budgets set on {@code timer} and not yet run out or taken back (tests). */
    static int pending(ScheduledThreadPoolExecutor timer) {
        return (int) timer.getQueue().stream()
                .filter(task -> !((RunnableScheduledFuture<?>) task).isPeriodic()).count();
    }

    private static void stopWhenDone(CompletableFuture<?> future, ScheduledFuture<?> task) {
        // every way the future ends takes the task out of the queue, not only a normal completion
        future.whenComplete((value, error) -> task.cancel(false));
    }

    private static long nanos(Duration budget) {
        try {
            return Math.max(0, budget.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2; // centuries: never, in effect
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        return tickingTimer("authpack-deadlines", TICK_MILLIS);
    }

    /**
     * A timer of one daemon thread that takes cancelled tasks out of its queue and runs a no-op task every
     * {@code tickMillis}, so that a task due later than the next tick is queued without waking its thread (also
     * the DNS transport's deadlines, {@link DnsTransport}).
     */
    static ScheduledThreadPoolExecutor tickingTimer(String threadName, long tickMillis) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleWithFixedDelay(() -> { }, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        return timer;
    }
}
