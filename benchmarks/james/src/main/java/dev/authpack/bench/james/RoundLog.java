package dev.authpack.bench.james;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the measured rounds of one variant gave, per server, and its summary: the medians, the ratios to the
 * reference with their intervals ({@link MedianInterval}), CPU by thread group. Rounds of several JVM pairs
 * ({@code --forks}) are pooled with {@link #addAll}: part of what differs between two servers is the JIT's choices
 * in one JVM, which only new JVMs vary.
 */
final class RoundLog {
    private final Map<String, List<Double>> rates = new LinkedHashMap<>();
    private final Map<String, List<Double>> ratios = new LinkedHashMap<>();
    /** Per round, the reference's CPU per message over each server's, measured in the same round. */
    private final Map<String, List<Double>> cpuRatios = new LinkedHashMap<>();
    /** CPU milliseconds of the server JVM per accepted message: far less dependent on the machine's load. */
    private final Map<String, List<Double>> cpu = new LinkedHashMap<>();
    /** How long a message was in flight (MAIL FROM until the driver saw it delivered), Little's law. */
    private final Map<String, List<Double>> inFlightMillis = new LinkedHashMap<>();
    /** CPU by thread group (spool, SMTP IO, mailbox delivery, GC, JIT...): where one server spends more. */
    private final Map<String, Map<String, List<Double>>> groups = new LinkedHashMap<>();
    /** How often each group's threads were put on a CPU (wake-ups, hand-offs) per accepted message. */
    private final Map<String, Map<String, List<Double>>> runs = new LinkedHashMap<>();
    private int rounds;

    /** One server's round. */
    void add(String server, JamesEndToEnd.Measured m) {
        list(rates, server).add(m.result().rate());
        list(cpu, server).add(m.cpuPerMessage());
        list(inFlightMillis, server).add(m.result().millisInFlight());
        Map<String, List<Double>> byGroup = groups.computeIfAbsent(server, k -> new LinkedHashMap<>());
        m.cpuByGroup().forEach((group, ms) -> list(byGroup, group).add(ms));
        Map<String, List<Double>> runsByGroup = runs.computeIfAbsent(server, k -> new LinkedHashMap<>());
        m.runsByGroup().forEach((group, n) -> list(runsByGroup, group).add(n));
    }

    /** One round's ratios of a server to the reference. */
    void addRatios(String server, double rateRatio, double cpuRatio) {
        list(ratios, server).add(rateRatio);
        list(cpuRatios, server).add(cpuRatio);
    }

    void roundDone() {
        rounds++;
    }

    int rounds() {
        return rounds;
    }

    List<Double> rateRatios(String server) {
        return ratios.getOrDefault(server, List.of());
    }

    List<Double> cpuRatios(String server) {
        return cpuRatios.getOrDefault(server, List.of());
    }

    /** Another run's rounds (another pair of JVMs), pooled with these. */
    void addAll(RoundLog other) {
        merge(rates, other.rates);
        merge(ratios, other.ratios);
        merge(cpuRatios, other.cpuRatios);
        merge(cpu, other.cpu);
        merge(inFlightMillis, other.inFlightMillis);
        other.groups.forEach((server, byGroup) -> merge(groups.computeIfAbsent(server, k -> new LinkedHashMap<>()),
                byGroup));
        other.runs.forEach((server, byGroup) -> merge(runs.computeIfAbsent(server, k -> new LinkedHashMap<>()),
                byGroup));
        rounds += other.rounds;
    }

    /** The summary lines, each starting with {@code title}; {@code reference} null: no ratios. */
    void print(String title, String reference, int window) {
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "%s median:", title));
        rates.forEach((name, list) -> summary.append(String.format(Locale.ROOT, "  %s %6.1f msg/s", name,
                JamesEndToEnd.median(list))));
        System.out.println(summary);
        // the rounds' ratios with a distribution-free interval for their median: whether a goal is met says the
        // interval, not one run's median
        ratios.forEach((name, list) -> System.out.printf(Locale.ROOT, "%s %s ÷ %s: rate ratio %s; cpu ratio %s%n",
                title, name, reference, MedianInterval.of(list).describe(),
                MedianInterval.of(cpuRatios.get(name)).describe()));
        StringBuilder cpuSummary = new StringBuilder(String.format(Locale.ROOT, "%s cpu per message (median):",
                title));
        cpu.forEach((name, list) -> cpuSummary.append(String.format(Locale.ROOT, "  %s %.3f ms", name,
                JamesEndToEnd.median(list))));
        System.out.println(cpuSummary);
        StringBuilder latency = new StringBuilder(String.format(Locale.ROOT,
                "%s time a message is in flight (median ms, MAIL FROM to seen delivered; window %d):", title,
                window));
        inFlightMillis.forEach((name, list) -> latency.append(String.format(Locale.ROOT, "  %s %.1f", name,
                JamesEndToEnd.median(list))));
        System.out.println(latency);
        JamesEndToEnd.printThreadGroups(title + " cpu by thread group (median ms/msg", groups, reference, 0.01,
                "%.3f");
        JamesEndToEnd.printThreadGroups(title + " threads put on a CPU by thread group (median per msg", runs,
                reference, 0.1, "%.1f");
    }

    private static List<Double> list(Map<String, List<Double>> map, String key) {
        return map.computeIfAbsent(key, k -> new ArrayList<>());
    }

    private static void merge(Map<String, List<Double>> into, Map<String, List<Double>> from) {
        from.forEach((key, values) -> list(into, key).addAll(values));
    }
}
