package dev.authpack.james;

import dev.authpack.check.CheckTimer;
import dev.authpack.authres.MethodResult;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pack's metrics, published through James' {@link MetricFactory} so that they show where James' own do (JMX,
 * the web admin's metrics, Prometheus or Elasticsearch reporters). Names and meanings: docs/metrics.md.
 *
 * <ul>
 *   <li>{@value #CHECK_TIMER} (timer): one {@code MailAuthCheck} check of one mail, from reading the message to
 *       the report (the time the mail thread waited);</li>
 *   <li>{@value #CHECK_TIMER}{@code .METHOD} (timer): one check of one mail, from its start to its result,
 *       METHOD one of {@code dkim}, {@code spf}, {@code spf-helo}, {@code iprev}, {@code arc}, {@code dmarc};</li>
 *   <li>{@value #RESULT_PREFIX}{@code METHOD.RESULT} (counter): one per result written, e.g.
 *       {@code authpack.result.spf.pass}, {@code authpack.result.dmarc.fail} (METHOD and RESULT as in the
 *       {@code Authentication-Results} field);</li>
 *   <li>{@value #NOT_CHECKED} (counter): mails that could not be checked (no usable client address, an error).</li>
 * </ul>
 *
 * Without a MetricFactory ({@link #NONE}: a mailet made outside Guice) nothing is recorded. Thread-safe.
 */
public final class AuthpackMetrics {
    public static final String CHECK_TIMER = "authpack.check";
    public static final String RESULT_PREFIX = "authpack.result.";
    public static final String NOT_CHECKED = "authpack.check.not-checked";
    /** Counted instead of a method or result word that is not a short token (never seen from our own engines). */
    static final String OTHER = "other";
    /** Bound on the counters kept: methods times results is a few dozen; the rest go to {@value #OTHER}. */
    static final int MAX_COUNTERS = 200;
    private static final int MAX_WORD = 32;

    /** Records nothing. */
    public static final AuthpackMetrics NONE = new AuthpackMetrics(null);

    private final MetricFactory factory;
    private final Map<String, Metric> counters = new ConcurrentHashMap<>();
    /**
     * The counters by the method and result words as the engines spell them, so that a mail's counts need no
     * name built and no case folded (bounded by {@link #MAX_COUNTERS} pairs; past it, the names are built).
     */
    private final Map<String, Map<String, Metric>> countersByWords = new ConcurrentHashMap<>();
    private final AtomicInteger wordPairs = new AtomicInteger();
    /** {@value #CHECK_TIMER}{@code .METHOD} by the method word as the engine spells it (bounded likewise). */
    private final Map<String, String> timerNames = new ConcurrentHashMap<>();
    private final CheckTimer checkTimer;

    private AuthpackMetrics(MetricFactory factory) {
        this.factory = factory;
        this.checkTimer = factory == null ? CheckTimer.NONE
                : method -> factory.timer(timerName(method))::stopAndPublish;
    }

    public static AuthpackMetrics of(MetricFactory factory) {
        return factory == null ? NONE : new AuthpackMetrics(factory);
    }

    /** A running timer of one check; {@link Timing#stop()} publishes it. */
    public Timing startCheck() {
        if (factory == null) {
            return () -> { };
        }
        TimeMetric timer = factory.timer(CHECK_TIMER);
        return timer::stopAndPublish;
    }

    /** Times each check of one mail as {@value #CHECK_TIMER}{@code .METHOD} (see {@link CheckTimer}). */
    public CheckTimer checkTimer() {
        return checkTimer;
    }

    private String timerName(String method) {
        String known = method == null ? null : timerNames.get(method);
        if (known != null) {
            return known;
        }
        String name = CHECK_TIMER + "." + word(method);
        if (method != null && timerNames.size() < MAX_COUNTERS) {
            timerNames.putIfAbsent(method, name);
        }
        return name;
    }

    /**
     * Counts each result of one check: one update per counter, so a result written twice (SPF {@code pass} for
     * MAIL FROM and for HELO) adds 2 in one step.
     */
    public void count(List<MethodResult> results) {
        if (factory == null || results.isEmpty()) {
            return;
        }
        Metric[] metrics = new Metric[results.size()];
        int[] amounts = new int[results.size()];
        int distinct = 0;
        for (MethodResult result : results) {
            Metric metric = counter(result.method(), result.result());
            int i = 0;
            while (i < distinct && metrics[i] != metric) {
                i++;
            }
            if (i == distinct) {
                metrics[distinct++] = metric;
            }
            amounts[i]++;
        }
        for (int i = 0; i < distinct; i++) {
            if (amounts[i] == 1) {
                metrics[i].increment();
            } else {
                metrics[i].add(amounts[i]);
            }
        }
    }

    private Metric counter(String method, String result) {
        Map<String, Metric> byResult = countersByWords.get(method);
        Metric known = byResult == null ? null : byResult.get(result);
        if (known != null) {
            return known;
        }
        Metric metric = counter(RESULT_PREFIX + word(method) + "." + word(result));
        if (wordPairs.get() < MAX_COUNTERS
                && countersByWords.computeIfAbsent(method, m -> new ConcurrentHashMap<>()).putIfAbsent(result, metric)
                == null) {
            wordPairs.incrementAndGet();
        }
        return metric;
    }

    /** Counts a mail that could not be checked. */
    public void notChecked() {
        if (factory != null) {
            counter(NOT_CHECKED).increment();
        }
    }

    private Metric counter(String name) {
        Metric known = counters.get(name);
        if (known != null) {
            return known;
        }
        String kept = counters.size() < MAX_COUNTERS ? name : RESULT_PREFIX + OTHER;
        return counters.computeIfAbsent(kept, factory::generate);
    }

    /** A method or result word as part of a metric name: a lower-case token, else {@value #OTHER}. */
    static String word(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_WORD) {
            return OTHER;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return OTHER;
            }
        }
        return lower;
    }

    /** A check being timed. */
    @FunctionalInterface
    public interface Timing {
        void stop();
    }
}
