package dev.authpack.bench.james;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code --mailet-cpu}: the thread CPU time the sample's {@code MailAuthCheck} takes inside James, measured by two
 * mailets put around it in the pack server's {@code mailetcontainer.xml} ({@link Start} before, {@link End} after;
 * James runs a mail's mailets one after the other on its spool thread). What {@code MailetPathBenchmark} measures
 * alone, measured where James' own threads and data share the cores: docs/benchmarks.md, session 13. Each mark
 * costs the mail one reading of the thread's CPU clock, outside the interval measured.
 */
public final class MailetCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final LongAdder NANOS = new LongAdder();
    private static final LongAdder MAILS = new LongAdder();
    private static final LongAdder UNPAIRED = new LongAdder();
    /** The mail whose interval the thread is in, and the thread's CPU time at its start. */
    private static final ThreadLocal<Object[]> STARTED = ThreadLocal.withInitial(() -> new Object[2]);

    private MailetCpu() {
    }

    /** Thread CPU nanoseconds in the measured mailet so far, over all mails. */
    static long nanos() {
        return NANOS.sum();
    }

    /** Mails measured so far. */
    static long mails() {
        return MAILS.sum();
    }

    /** Ends seen without their start on the same thread for the same mail (not counted; 0 when James behaves). */
    static long unpaired() {
        return UNPAIRED.sum();
    }

    /** Put before the measured mailet. */
    public static final class Start extends GenericMailet {
        @Override
        public void service(Mail mail) {
            Object[] started = STARTED.get();
            started[0] = mail;
            started[1] = THREADS.getCurrentThreadCpuTime();
        }
    }

    /** Put after the measured mailet. */
    public static final class End extends GenericMailet {
        @Override
        public void service(Mail mail) {
            long now = THREADS.getCurrentThreadCpuTime();
            Object[] started = STARTED.get();
            if (started[0] != mail) {
                UNPAIRED.increment();
                return;
            }
            NANOS.add(now - (Long) started[1]);
            MAILS.increment();
            started[0] = null;
        }
    }
}
