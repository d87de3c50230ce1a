package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The parse bound is the parsing thread's CPU time (review s23: at a load of 28 on 2 cores a report passed a
 * wall-clock bound and was taken for {@code unparseable}).
 */
class DeadlineTest {
    @Test
    void wallClockTimeWithoutWorkDoesNotSpendTheBound() throws Exception {
        assumeThat(ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported()).isTrue();
        Deadline deadline = Deadline.in(TimeUnit.MILLISECONDS.toNanos(50));
        // a parse thread the machine does not run (descheduled): 200 ms pass, next to no CPU time is spent
        Thread.sleep(200);
        assertThatCode(deadline::check).doesNotThrowAnyException();
    }

    @Test
    void workPastTheBoundEndsTheParse() {
        Deadline deadline = Deadline.in(TimeUnit.MILLISECONDS.toNanos(50));
        long start = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long wallEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        assertThatThrownBy(() -> {
            long x = 0;
            // spin until the bound has been spent (CPU time, or wall clock where CPU time is not measured)
            while (System.nanoTime() < wallEnd) {
                x += Long.numberOfTrailingZeros(x + System.nanoTime());
                deadline.check();
            }
            throw new AssertionError("not ended after 30 s: " + x + ", cpu " + start);
        }).isInstanceOf(Deadline.Exceeded.class);
    }

    @Test
    void noBoundNeverEnds() throws Exception {
        Thread.sleep(5);
        assertThatCode(Deadline.NONE::check).doesNotThrowAnyException();
    }
}
