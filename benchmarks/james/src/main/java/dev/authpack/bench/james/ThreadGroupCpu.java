package dev.authpack.bench.james;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A server JVM's CPU time by thread group, read from {@code /proc/PID/task/TID/{comm,stat}} (Linux): a group is a
 * thread name without its number ({@code spooler-3} and {@code spooler-7} are {@code spooler}), so GC and JIT
 * compiler threads, which JMX does not list, are counted too. The per-group share per message tells where a server
 * spends what another does not (docs/benchmarks.md, "James end to end"). Empty where there is no {@code /proc}.
 *
 * <p>A group's total is that of every thread of it seen so far, not only of the threads alive now: a thread that
 * has ended (the DNS client's I/O threads end after 30 s idle) keeps the last reading taken of it ({@link Totals}),
 * so a group's total never falls between two readings. {@link #sample()} every {@link #SAMPLE_EVERY} (the driver
 * does, {@link BenchServer}) makes that last reading the thread's whole CPU: a pool thread idles longer than that
 * before it ends.
 */
final class ThreadGroupCpu {
    /** Linux's clock ticks a second for utime/stime ({@code USER_HZ}): 100 on every architecture James runs on. */
    static final long TICKS_PER_SECOND = 100;
    /** Shorter than the 30-s keep-alive of the pools whose threads end (core's DnsTransport I/O threads). */
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    /** At most this many threads read in one sample (a JVM under the benchmark has a few hundred). */
    static final int MAX_THREADS = 10_000;
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern TRAILING_NUMBER = Pattern.compile("[#\\-_ ]?\\d+$");

    private final Path tasks;
    private final Totals cpu = new Totals();
    private final Totals runs = new Totals();

    /** The threads of process {@code pid}. */
    ThreadGroupCpu(long pid) {
        this(Path.of("/proc", Long.toString(pid), "task"));
    }

    /** The threads listed in {@code tasks} (a {@code /proc/PID/task} folder; tests: a folder of their own). */
    ThreadGroupCpu(Path tasks) {
        this.tasks = tasks;
    }

    /** CPU milliseconds by group, of the threads alive now and of those that ended since the first reading. */
    synchronized Map<String, Long> cpu() {
        sample();
        return cpu.totals();
    }

    /**
     * How many times the threads of each group have been put on a CPU ({@code /proc/PID/task/TID/schedstat}, its
     * third field, "timeslices"): every wake-up of a thread that waited (a hand-off, an answer, a lock) is one, and
     * so is every return after a preemption. Per message, the difference between servers counts the thread
     * wake-ups one adds. Ended threads count as in {@link #cpu()}. Empty where the kernel keeps no such file.
     */
    synchronized Map<String, Long> runs() {
        sample();
        return runs.totals();
    }

    /** Reads every thread listed now once. Never throws: without {@code /proc} nothing is counted. */
    synchronized void sample() {
        Map<String, Reading> cpuNow = new HashMap<>();
        Map<String, Reading> runsNow = new HashMap<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            int read = 0;
            for (Path thread : threads) {
                if (++read > MAX_THREADS) {
                    break;
                }
                String tid = thread.getFileName().toString();
                cpuNow.put(tid, null); // listed: alive, even if a file below cannot be read
                runsNow.put(tid, null);
                try {
                    String group = group(Files.readString(thread.resolve("comm")).strip());
                    String stat = Files.readString(thread.resolve("stat"));
                    long start = startTime(stat);
                    cpuNow.put(tid, new Reading(start, group, ticks(stat) * 1000 / TICKS_PER_SECOND));
                    runsNow.put(tid, new Reading(start, group, slices(Files.readString(thread.resolve("schedstat")))));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read, or the kernel keeps no schedstat: its last reading stays
                }
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        cpu.update(cpuNow);
        runs.update(runsNow);
    }

    /** One thread's reading: its start time (with its TID, who it is), its group when first seen, the counter. */
    record Reading(long start, String group, long value) {
    }

    /**
     * Per-group totals of a per-thread counter that only grows (CPU time, timeslices), over every thread seen: a
     * live thread counts its latest reading, an ended one (no longer listed, or its TID reused by a thread started
     * later) the last reading taken of it. A thread stays in the group it was first seen in, so a group's total
     * never falls.
     */
    static final class Totals {
        private final Map<String, Reading> live = new HashMap<>();
        private final Map<String, Long> ended = new TreeMap<>();

        /**
         * @param now the threads listed now by TID, each with its reading, or null when it could not be read (it
         *            keeps its last reading)
         */
        void update(Map<String, Reading> now) {
            for (Iterator<Map.Entry<String, Reading>> it = live.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Reading> thread = it.next();
                if (!now.containsKey(thread.getKey())) {
                    end(thread.getValue());
                    it.remove();
                }
            }
            now.forEach((tid, reading) -> {
                if (reading == null) {
                    return;
                }
                Reading last = live.get(tid);
                if (last != null && last.start() != reading.start()) {
                    end(last); // the TID of an ended thread, reused
                    last = null;
                }
                live.put(tid, last == null ? reading
                        : new Reading(last.start(), last.group(), Math.max(last.value(), reading.value())));
            });
        }

        private void end(Reading last) {
            ended.merge(last.group(), last.value(), Long::sum);
        }

        Map<String, Long> totals() {
            Map<String, Long> totals = new TreeMap<>(ended);
            live.values().forEach(r -> totals.merge(r.group(), r.value(), Long::sum));
            return totals;
        }
    }

    /** The third field of a {@code schedstat} line: {@code <ns on CPU> <ns waiting to run> <timeslices>}. */
    static long slices(String schedstat) {
        return Long.parseLong(schedstat.trim().split("\\s+")[2]);
    }

    /** A thread's name without its number: {@code GC Thread#1} → {@code GC_Thread}, {@code spooler-12} → {@code spooler}. */
    static String group(String comm) {
        return NUMBER.matcher(TRAILING_NUMBER.matcher(comm).replaceFirst("")).replaceAll("N").replace(' ', '_');
    }

    /**
     * utime + stime of a {@code /proc/PID/task/TID/stat} line (fields 14 and 15, counted after the command name in
     * parentheses, which may itself hold spaces and parentheses).
     */
    static long ticks(String stat) {
        String[] fields = fieldsAfterName(stat);
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The thread's start time, in ticks after boot (field 22 of a {@code stat} line). */
    static long startTime(String stat) {
        return Long.parseLong(fieldsAfterName(stat)[19]);
    }

    /** A {@code stat} line's fields from field 3 ({@code state}) on. */
    private static String[] fieldsAfterName(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    }

    /** {@code after - before} by group (a group absent before counts from zero). */
    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((group, ms) -> delta.put(group, ms - before.getOrDefault(group, 0L)));
        return delta;
    }
}
