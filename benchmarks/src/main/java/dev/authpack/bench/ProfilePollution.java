package dev.authpack.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The JDK's shared generic code run with many lambdas and key types, as a large application (James) runs it in the
 * same JVM as the pack: the JIT profiles each call site inside that code (a stream stage calling its lambda, a hash
 * map comparing keys, a future running its function) across every caller, so in such a JVM the sites are
 * megamorphic when the pack's code is compiled with them inlined. {@code MailetPathBenchmark
 * -Dauthpack.bench.pollute=profiles}: docs/benchmarks.md, session 13.
 */
final class ProfilePollution {
    private record Key(int a, String b) {
    }

    private enum Kind { ONE, TWO, THREE }

    private static final List<Function<Object, Object>> FUNCTIONS = List.of(
            o -> o.toString(), o -> o.hashCode(), o -> Optional.of(o), o -> List.of(o), o -> String.valueOf(o).length(),
            o -> new Key(o.hashCode(), "k"), o -> o.getClass(), o -> Map.entry(o, o));
    private static final List<Object> KEYS = List.of("text", 42, 42L, UUID.nameUUIDFromBytes(new byte[] {1}),
            new Key(1, "a"), Kind.TWO, Duration.ofSeconds(3), new BigDecimal("1.5"), 'c', 2.5d);

    private ProfilePollution() {
    }

    static int run(int round) {
        int n = 0;
        Function<Object, Object> f = FUNCTIONS.get(round % FUNCTIONS.size());
        Function<Object, Object> g = FUNCTIONS.get((round + 3) % FUNCTIONS.size());
        // streams: map, filter, collect with other lambdas and element types
        n += KEYS.stream().map(f).filter(o -> o.hashCode() != round).map(g).collect(Collectors.toList()).size();
        n += KEYS.stream().map(String::valueOf).collect(Collectors.joining(",")).length();
        n += (int) KEYS.stream().filter(o -> !(o instanceof String)).count();
        // hash maps with other key types
        Map<Object, Object> map = new HashMap<>();
        Map<Object, Object> concurrent = new ConcurrentHashMap<>();
        for (Object k : KEYS) {
            map.put(k, f.apply(k));
            concurrent.computeIfAbsent(k, g);
        }
        for (Object k : KEYS) {
            n += map.get(k) == null ? 0 : 1;
            n += concurrent.getOrDefault(k, "") == null ? 0 : 1;
        }
        // Optional and futures with other functions
        n += Optional.of(KEYS.get(round % KEYS.size())).map(f).map(g).orElse("").hashCode() & 1;
        CompletableFuture<Object> future = CompletableFuture.completedFuture(KEYS.get(round % KEYS.size()))
                .thenApply(f).thenCompose(o -> CompletableFuture.completedFuture(g.apply(o)));
        future.whenComplete((o, e) -> { });
        n += future.join() == null ? 0 : 1;
        List<Object> list = new ArrayList<>(KEYS);
        list.forEach(o -> map.merge(o, 1, (a, b) -> b));
        list.sort((a, b) -> Integer.compare(a.hashCode(), b.hashCode()));
        return n + list.size();
    }
}
