package dev.authpack.bench.james;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A server JVM's CPU time by thread group, read from {@code /proc/PID/task/TID/{comm,stat}} (Linux): a group is a
 * thread name without its number ({@code spooler-3} and {@code spooler-7} are {@code spooler}), so GC and JIT
 * compiler threads, which JMX does not list, are counted too. The per-group share per message tells where a server
 * spends what another does not (docs/benchmarks.md, "James end to end"). Empty where there is no {@code /proc}.
 */
final class ThreadGroupCpu {
    /** Linux's clock ticks a second for utime/stime ({@code USER_HZ}): 100 on every architecture James runs on. */
    static final long TICKS_PER_SECOND = 100;
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern TRAILING_NUMBER = Pattern.compile("[#\\-_ ]?\\d+$");

    private ThreadGroupCpu() {
    }

    /**
     * CPU milliseconds by group of the threads alive now (threads that ended since an earlier reading are lost:
     * James' pools keep theirs, so their share is small).
     */
    static Map<String, Long> read(long pid) {
        return byGroup(pid, thread -> ticks(Files.readString(thread.resolve("stat"))) * 1000 / TICKS_PER_SECOND);
    }

    /**
     * How many times the threads of each group have been put on a CPU ({@code /proc/PID/task/TID/schedstat}, its
     * third field, "timeslices"): every wake-up of a thread that waited (a hand-off, an answer, a lock) is one, and
     * so is every return after a preemption. Per message, the difference between servers counts the thread
     * wake-ups one adds. Empty where the kernel keeps no such file.
     */
    static Map<String, Long> runs(long pid) {
        return byGroup(pid, thread -> slices(Files.readString(thread.resolve("schedstat"))));
    }

    /** The third field of a {@code schedstat} line: {@code <ns on CPU> <ns waiting to run> <timeslices>}. */
    static long slices(String schedstat) {
        return Long.parseLong(schedstat.trim().split("\\s+")[2]);
    }

    private interface ThreadReading {
        long of(Path thread) throws IOException;
    }

    private static Map<String, Long> byGroup(long pid, ThreadReading reading) {
        Map<String, Long> groups = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                try {
                    String comm = Files.readString(thread.resolve("comm")).strip();
                    groups.merge(group(comm), reading.of(thread), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read (or the file is missing): not counted
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return groups;
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
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** {@code after - before} by group (a group absent before counts from zero). */
    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((group, ms) -> delta.put(group, ms - before.getOrDefault(group, 0L)));
        return delta;
    }
}
