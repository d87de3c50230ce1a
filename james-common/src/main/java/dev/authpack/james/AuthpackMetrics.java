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

    private AuthpackMetrics(MetricFactory factory) {
        this.factory = factory;
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
        if (factory == null) {
            return CheckTimer.NONE;
        }
        return method -> factory.timer(CHECK_TIMER + "." + word(method))::stopAndPublish;
    }

    /** Counts each result of one check. */
    public void count(List<MethodResult> results) {
        if (factory == null) {
            return;
        }
        for (MethodResult result : results) {
            counter(RESULT_PREFIX + word(result.method()) + "." + word(result.result())).increment();
        }
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
