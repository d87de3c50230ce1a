package dev.authpack.bench.james;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

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
        Map<String, Long> runs = new ThreadGroupCpu(ProcessHandle.current().pid()).runs();
        measured.countDown();
        sleeper.join();
        assertThat(runs).as("this kernel keeps /proc/PID/task/TID/schedstat").isNotEmpty();
        assertThat(runs.get("bench-sleeper")).isGreaterThanOrEqualTo(20);
    }

    @Test
    void thisJvmHasCpuTimeByGroupAndDifferencesSubtract() {
        ThreadGroupCpu thisJvm = new ThreadGroupCpu(ProcessHandle.current().pid());
        Map<String, Long> before = thisJvm.cpu();
        long spin = 0;
        for (int i = 0; i < 50_000_000; i++) {
            spin += i ^ (spin >>> 3);
        }
        Map<String, Long> after = thisJvm.cpu();
        assertThat(spin).isNotZero();
        assertThat(after).isNotEmpty();
        Map<String, Long> delta = ThreadGroupCpu.minus(after, before);
        assertThat(delta.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        assertThat(ThreadGroupCpu.minus(Map.of("a", 30L, "b", 5L), Map.of("a", 10L)))
                .isEqualTo(Map.of("a", 20L, "b", 5L));
    }

    @Test
    void aThreadThatEndsBetweenTwoReadingsKeepsItsCpuInItsGroup() throws Exception {
        // a DNS reader thread of core's DnsTransport ends after 30 s idle: its CPU must not leave the group's sum
        Thread spinner = new Thread(() -> {
            long end = System.nanoTime() + 300_000_000L;
            long spin = 0;
            while (System.nanoTime() < end) {
                spin += spin >>> 3 ^ 7;
            }
            if (spin == 42) {
                System.err.println(spin);
            }
        }, "bench-ender-1");
        spinner.start();
        spinner.join(100);
        ThreadGroupCpu thisJvm = new ThreadGroupCpu(ProcessHandle.current().pid());
        Map<String, Long> before = thisJvm.cpu();
        spinner.join();
        Map<String, Long> after = thisJvm.cpu();
        assertThat(before.get("bench-ender")).as("seen while it ran").isPositive();
        assertThat(ThreadGroupCpu.minus(after, before).get("bench-ender")).as("its group after it ended")
                .isNotNull().isNotNegative();
    }

    @Test
    void endedThreadsKeepTheirLastReadingAndNoGroupEverFalls() {
        ThreadGroupCpu.Totals totals = new ThreadGroupCpu.Totals();
        totals.update(Map.of("10", reading(1, "dns-io", 40), "11", reading(1, "dns-io", 25),
                "12", reading(1, "spooler", 100)));
        assertThat(totals.totals()).isEqualTo(Map.of("dns-io", 65L, "spooler", 100L));
        // 11 ended between the readings; 10 went on
        totals.update(Map.of("10", reading(1, "dns-io", 50), "12", reading(1, "spooler", 120)));
        assertThat(totals.totals()).isEqualTo(Map.of("dns-io", 75L, "spooler", 120L));
        // a new thread of the group, and the TID of the ended 10 reused by a thread started later
        totals.update(Map.of("10", reading(9, "dns-io", 3), "12", reading(1, "spooler", 120),
                "13", reading(9, "dns-io", 7)));
        assertThat(totals.totals()).isEqualTo(Map.of("dns-io", 85L, "spooler", 120L));
        // every thread gone: the groups keep what they had
        totals.update(Map.of());
        assertThat(totals.totals()).isEqualTo(Map.of("dns-io", 85L, "spooler", 120L));
    }

    @Test
    void aListedThreadThatCannotBeReadKeepsItsReadingAndARenamedOneItsGroup() {
        ThreadGroupCpu.Totals totals = new ThreadGroupCpu.Totals();
        totals.update(Map.of("10", reading(1, "spooler", 40)));
        Map<String, ThreadGroupCpu.Reading> unreadable = new HashMap<>();
        unreadable.put("10", null);
        totals.update(unreadable);
        assertThat(totals.totals()).isEqualTo(Map.of("spooler", 40L));
        totals.update(Map.of("10", reading(1, "renamed", 55)));
        assertThat(totals.totals()).as("no CPU moves between groups").isEqualTo(Map.of("spooler", 55L));
    }

    @Test
    void aThreadWhoseFolderGoesKeepsItsCpuRead(@TempDir Path tasks) throws Exception {
        thread(tasks, "101", "authpack-dns-io-1", 7, 250, 50, 30);
        thread(tasks, "102", "spooler-1", 7, 100, 0, 12);
        ThreadGroupCpu cpu = new ThreadGroupCpu(tasks);
        assertThat(cpu.cpu()).isEqualTo(Map.of("authpack-dns-io", 3000L, "spooler", 1000L));
        thread(tasks, "101", "authpack-dns-io-1", 7, 260, 50, 31);
        cpu.sample();
        try (Stream<Path> files = Files.list(tasks.resolve("101"))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(tasks.resolve("101"));
        assertThat(cpu.cpu()).isEqualTo(Map.of("authpack-dns-io", 3100L, "spooler", 1000L));
        assertThat(cpu.runs()).isEqualTo(Map.of("authpack-dns-io", 31L, "spooler", 12L));
        assertThat(new ThreadGroupCpu(tasks.resolve("none")).cpu()).as("no /proc").isEmpty();
    }

    private static ThreadGroupCpu.Reading reading(long start, String group, long value) {
        return new ThreadGroupCpu.Reading(start, group, value);
    }

    /** A /proc/PID/task/TID folder: comm, stat (utime, stime, starttime) and schedstat (timeslices). */
    private static void thread(Path tasks, String tid, String comm, long start, long utime, long stime, long slices)
            throws Exception {
        Path dir = Files.createDirectories(tasks.resolve(tid));
        Files.writeString(dir.resolve("comm"), comm + "\n");
        Files.writeString(dir.resolve("stat"), tid + " (" + comm + ") S 1 2 3 4 5 6 7 8 9 10 " + utime + " " + stime
                + " 0 0 20 0 1 0 " + start + " 0 0\n");
        Files.writeString(dir.resolve("schedstat"), "1000 2000 " + slices + "\n");
    }
}
