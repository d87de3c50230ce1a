package dev.authpack.spf;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link SpfChecker}. Immutable; start from {@link #defaults()} and use the {@code with...} methods.
 *
 * @param maxDnsMechanisms   DNS-querying terms per evaluation (RFC 7208 §4.6.4: 10); more gives permerror
 * @param maxVoidLookups     terms whose lookup found nothing (§4.6.4: 2); more gives permerror
 * @param maxMxNames         MX names looked up per {@code mx} term (§4.6.4: 10); more gives permerror
 * @param maxPtrNames        PTR names looked at per {@code ptr} term or {@code %{p}} (§4.6.4: 10); the rest
 *                           are ignored
 * @param receiver           this host's name, the {@code %{r}} macro of explanations (§7.2: "unknown" if not
 *                           known)
 * @param defaultExplanation a macro string used as explanation of a {@code fail} when the record has no usable
 *                           {@code exp=}; null for none
 * @param timeout            the longest one evaluation may take before it ends in temperror (§4.6.4: at least
 *                           20 seconds)
 * @param prefetch           start the lookups of the next DNS terms of a record concurrently (results are still
 *                           taken strictly left to right)
 * @param clock              the time of {@code %{t}}
 */
public record SpfOptions(int maxDnsMechanisms, int maxVoidLookups, int maxMxNames, int maxPtrNames,
                         String receiver, String defaultExplanation, Duration timeout, boolean prefetch,
                         Clock clock) {

    public static final int DEFAULT_MAX_DNS_MECHANISMS = 10;
    public static final int DEFAULT_MAX_VOID_LOOKUPS = 2;
    public static final int DEFAULT_MAX_MX_NAMES = 10;
    public static final int DEFAULT_MAX_PTR_NAMES = 10;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /** Bounds any configured limit, so a typo cannot turn the checker into a DNS amplifier. */
    private static final int LIMIT_CEILING = 100;

    public SpfOptions {
        requireRange("maxDnsMechanisms", maxDnsMechanisms, 1);
        requireRange("maxVoidLookups", maxVoidLookups, 0);
        requireRange("maxMxNames", maxMxNames, 1);
        requireRange("maxPtrNames", maxPtrNames, 1);
        receiver = receiver == null || receiver.isBlank() ? "unknown" : receiver.strip();
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        Objects.requireNonNull(clock, "clock");
        if (defaultExplanation != null) {
            try {
                MacroString.parse(defaultExplanation, MacroString.Kind.EXPLANATION);
            } catch (SpfSyntaxException e) {
                throw new IllegalArgumentException("defaultExplanation: " + e.getMessage(), e);
            }
        }
    }

    private static void requireRange(String name, int value, int min) {
        if (value < min || value > LIMIT_CEILING) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + LIMIT_CEILING);
        }
    }

    /** RFC 7208 limits, receiver "unknown", no default explanation, 20 s timeout, prefetch on. */
    public static SpfOptions defaults() {
        return new SpfOptions(DEFAULT_MAX_DNS_MECHANISMS, DEFAULT_MAX_VOID_LOOKUPS, DEFAULT_MAX_MX_NAMES,
                DEFAULT_MAX_PTR_NAMES, "unknown", null, DEFAULT_TIMEOUT, true, Clock.systemUTC());
    }

    public SpfOptions withReceiver(String name) {
        return new SpfOptions(maxDnsMechanisms, maxVoidLookups, maxMxNames, maxPtrNames, name, defaultExplanation,
                timeout, prefetch, clock);
    }

    public SpfOptions withDefaultExplanation(String macroString) {
        return new SpfOptions(maxDnsMechanisms, maxVoidLookups, maxMxNames, maxPtrNames, receiver, macroString,
                timeout, prefetch, clock);
    }

    public SpfOptions withLimits(int dnsMechanisms, int voidLookups, int mxNames, int ptrNames) {
        return new SpfOptions(dnsMechanisms, voidLookups, mxNames, ptrNames, receiver, defaultExplanation,
                timeout, prefetch, clock);
    }

    public SpfOptions withTimeout(Duration limit) {
        return new SpfOptions(maxDnsMechanisms, maxVoidLookups, maxMxNames, maxPtrNames, receiver,
                defaultExplanation, limit, prefetch, clock);
    }

    public SpfOptions withPrefetch(boolean enabled) {
        return new SpfOptions(maxDnsMechanisms, maxVoidLookups, maxMxNames, maxPtrNames, receiver,
                defaultExplanation, timeout, enabled, clock);
    }

    public SpfOptions withClock(Clock time) {
        return new SpfOptions(maxDnsMechanisms, maxVoidLookups, maxMxNames, maxPtrNames, receiver,
                defaultExplanation, timeout, prefetch, time);
    }
}
