package dev.authpack.it;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Thread dumps of this JVM (James runs in it), looking for threads in the pack's code: a frame of a class under
 * {@code dev.authpack.} other than the test harness ({@code dev.authpack.it.}) and the test kit's DNS server
 * ({@code dev.authpack.testkit.}). A James thread parked on one of our futures has such a frame below the park.
 *
 * <p>{@link #sample} is called during the soak and keeps, per thread, how long it has been seen in the pack's code
 * without a break (an upper bound: one thread may run several mails back to back).
 */
final class PackThreads {
    /** Frames shown per thread in a report. */
    static final int FRAMES_SHOWN = 25;

    private final Map<Long, Long> inPackSince = new HashMap<>();
    private long longestNanos;
    private int mostAtOnce;

    /** Threads in the pack's code now: thread id to a short stack. */
    static Map<Long, String> inPackCode() {
        Map<Long, String> found = new LinkedHashMap<>();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            if (t != null && Arrays.stream(t.getStackTrace()).anyMatch(PackThreads::isPackFrame)
                    && !waitsForDatagrams(t)) {
                found.put(t.getThreadId(), describe(t));
            }
        }
        return found;
    }

    /**
     * Threads in the pack's code in every one of {@code dumps} dumps taken {@code intervalMillis} apart: stuck,
     * not merely busy. Empty when all is well.
     */
    static Map<Long, String> stuck(int dumps, long intervalMillis) throws InterruptedException {
        Map<Long, String> stuck = inPackCode();
        for (int i = 1; i < dumps && !stuck.isEmpty(); i++) {
            Thread.sleep(intervalMillis);
            Map<Long, String> now = inPackCode();
            stuck.keySet().retainAll(now.keySet());
            stuck.replaceAll((id, old) -> now.get(id));
        }
        return stuck;
    }

    /** One sample during the run. */
    synchronized void sample() {
        long now = System.nanoTime();
        Map<Long, String> busy = inPackCode();
        inPackSince.keySet().retainAll(busy.keySet());
        busy.keySet().forEach(id -> inPackSince.putIfAbsent(id, now));
        inPackSince.values().forEach(since -> longestNanos = Math.max(longestNanos, now - since));
        mostAtOnce = Math.max(mostAtOnce, busy.size());
    }

    /** The longest a thread was seen in the pack's code in consecutive samples. */
    synchronized long longestMillis() {
        return longestNanos / 1_000_000;
    }

    /** The most threads seen in the pack's code in one sample. */
    synchronized int mostAtOnce() {
        return mostAtOnce;
    }

    /** The shared DNS socket's reader blocked in its read: the innermost frame of ours is the read loop. */
    static boolean waitsForDatagrams(ThreadInfo t) {
        return Arrays.stream(t.getStackTrace()).filter(PackThreads::isPackFrame).findFirst()
                .map(e -> e.getClassName().equals(READER_CLASS) && e.getMethodName().equals("read")).orElse(false);
    }

    /** The class of the shared DNS socket's reader loop (package-private in core, so named here). */
    static final String READER_CLASS = "dev.authpack.dns.LoopbackExchange";

    private static boolean isPackFrame(StackTraceElement e) {
        String c = e.getClassName();
        return c.startsWith("dev.authpack.") && !c.startsWith("dev.authpack.it.")
                && !c.startsWith("dev.authpack.testkit.");
    }

    private static String describe(ThreadInfo t) {
        return "\"" + t.getThreadName() + "\" " + t.getThreadState()
                + (t.getLockName() == null ? "" : " on " + t.getLockName()) + "\n\t"
                + Arrays.stream(t.getStackTrace()).limit(FRAMES_SHOWN).map(String::valueOf)
                .collect(Collectors.joining("\n\t"));
    }
}
