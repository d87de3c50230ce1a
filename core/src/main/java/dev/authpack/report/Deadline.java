package dev.authpack.report;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The end of one parse ({@link ReportLimits#maxParseTime()}), checked between the steps of the scan (each MIME token,
 * each line of a text bounce, each field group of a DSN), so that no input costs a thread more than the bound plus
 * one step. The bound is the parsing thread's CPU time, read only once the same span of wall-clock time has passed:
 * a machine loaded far past its cores (a load of 28 on 2 cores, review s23) stretches a parse's wall-clock time
 * without the input being any harder, and a report then taken for {@code unparseable} would go on unlogged; the work an
 * input can cost stays bounded all the same. Where the JVM cannot measure a thread's CPU time, wall-clock time is the
 * bound. Past it, {@link #check()} throws {@link Exceeded}, which {@link ReportParser} turns into a
 * {@link NotAReport} of kind UNPARSEABLE. One parse, one thread: not thread-safe.
 */
final class Deadline {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = cpuTimeMeasured();

    /** Thrown past the deadline; caught by {@link ReportParser#parse(byte[], String)} only. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("parse time bound exceeded", null, false, false);
        }
    }

    /** No bound (for the package's own helpers used outside a parse). */
    static final Deadline NONE = new Deadline(Long.MAX_VALUE, Long.MAX_VALUE, -1);

    private final long boundNanos;
    /** The thread's CPU time when the parse began; -1 when not measured. */
    private final long startCpuNanos;
    /** The wall-clock time at which the CPU time is read next: no sooner could the bound be spent. */
    private long nextLookNanos;

    private Deadline(long boundNanos, long nextLookNanos, long startCpuNanos) {
        this.boundNanos = boundNanos;
        this.nextLookNanos = nextLookNanos;
        this.startCpuNanos = startCpuNanos;
    }

    /** A deadline after {@code nanos} of this thread's CPU time. */
    static Deadline in(long nanos) {
        long now = System.nanoTime();
        long next = nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
        return new Deadline(nanos, next, CPU_TIME ? threadCpu() : -1);
    }

    void check() {
        if (nextLookNanos == Long.MAX_VALUE || System.nanoTime() - nextLookNanos <= 0) {
            return;
        }
        long used = startCpuNanos < 0 ? -1 : threadCpu() - startCpuNanos;
        if (used < 0 || used >= boundNanos) {
            throw new Exceeded();
        }
        // the rest of the bound cannot be spent in less wall-clock time than this
        nextLookNanos = System.nanoTime() + (boundNanos - used);
    }

    private static long threadCpu() {
        try {
            return THREADS.getCurrentThreadCpuTime();
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    private static boolean cpuTimeMeasured() {
        try {
            if (THREADS.isCurrentThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
                THREADS.setThreadCpuTimeEnabled(true);
            }
            return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled()
                    && THREADS.getCurrentThreadCpuTime() >= 0;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
