package dev.authpack.dmarc;

/** {@code adkim} / {@code aspf} (RFC 9989 §4.7, §3.2.10): relaxed (same organizational domain) or strict (equal). */
public enum AlignmentMode {
    RELAXED, STRICT;

    /** {@code r} or {@code s}. */
    public String letter() {
        return this == RELAXED ? "r" : "s";
    }
}
