package dev.authpack.bench.james;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadGroupCpuTest {
    @Test
    void threadsOfOnePoolFallIntoOneGroup() {
        assertThat(ThreadGroupCpu.group("spooler-12")).isEqualTo("spooler");
        assertThat(ThreadGroupCpu.group("GC Thread#1")).isEqualTo("GC_Thread");
        assertThat(ThreadGroupCpu.group("C2 CompilerThre")).isEqualTo("CN_CompilerThre");
        assertThat(ThreadGroupCpu.group("smtpserver-io-3")).isEqualTo("smtpserver-io");
    }

    @Test
    void cpuTicksAreReadAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (weird (name) 1) S 1 2 3 4 5 6 7 8 9 10 250 75 0 0 20 0 1 0";
        assertThat(ThreadGroupCpu.ticks(stat)).isEqualTo(325);
    }

    @Test
    void timeslicesAreTheThirdFieldOfSchedstat() {
        assertThat(ThreadGroupCpu.slices("265432748 222844752 801\n")).isEqualTo(801);
    }

    @Test
    void aThreadThatSleepsAndWakesIsPutOnACpuEachTime() throws Exception {
        CountDownLatch slept = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread sleeper = new Thread(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    Thread.sleep(1);
                }
                slept.countDown();
                measured.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-sleeper-1");
        sleeper.start();
        slept.await();
        Map<String, Long> runs = ThreadGroupCpu.runs(ProcessHandle.current().pid());
        measured.countDown();
        sleeper.join();
        assertThat(runs).as("this kernel keeps /proc/PID/task/TID/schedstat").isNotEmpty();
        assertThat(runs.get("bench-sleeper")).isGreaterThanOrEqualTo(20);
    }

    @Test
    void thisJvmHasCpuTimeByGroupAndDifferencesSubtract() {
        Map<String, Long> before = ThreadGroupCpu.read(ProcessHandle.current().pid());
        long spin = 0;
        for (int i = 0; i < 50_000_000; i++) {
            spin += i ^ (spin >>> 3);
        }
        Map<String, Long> after = ThreadGroupCpu.read(ProcessHandle.current().pid());
        assertThat(spin).isNotZero();
        assertThat(after).isNotEmpty();
        Map<String, Long> delta = ThreadGroupCpu.minus(after, before);
        assertThat(delta.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        assertThat(ThreadGroupCpu.minus(Map.of("a", 30L, "b", 5L), Map.of("a", 10L)))
                .isEqualTo(Map.of("a", 20L, "b", 5L));
    }
}
