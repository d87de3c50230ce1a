package dev.authpack.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * A Domain Owner Assessment Policy ({@code p}, {@code sp}, {@code np}; RFC 9989 §4.7) and, with the same three
 * words, the disposition a receiver is asked to give a message. Declared from mildest to strictest, so
 * {@link #compareTo} orders them by strictness.
 */
public enum DmarcPolicy {
    NONE, QUARANTINE, REJECT;

    /** Made once: {@link #word()} is read for every message. */
    private final String word = name().toLowerCase(Locale.ROOT);

    /** The lower-case word of the record and of {@code policy.dmarc} (RFC 9989 §9.1). */
    public String word() {
        return word;
    }

    /** One level milder: what {@code t=y} asks for (RFC 9989 §4.7) and what {@code pct} leaves (RFC 7489 §6.6.4). */
    public DmarcPolicy oneLevelDown() {
        return this == REJECT ? QUARANTINE : NONE;
    }

    /** The stricter of the two. */
    public DmarcPolicy stricter(DmarcPolicy other) {
        return other.compareTo(this) > 0 ? other : this;
    }

    /** {@code none}, {@code quarantine} or {@code reject}, case-insensitive (RFC 5234 literals); else empty. */
    public static Optional<DmarcPolicy> parse(String word) {
        for (DmarcPolicy p : values()) {
            if (p.name().equalsIgnoreCase(word)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
