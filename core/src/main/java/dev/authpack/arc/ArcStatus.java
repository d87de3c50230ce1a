package dev.authpack.arc;

/**
 * The Chain Validation Status of RFC 8617 §4.4: the {@code cv=} value of an ARC-Seal and the result word of
 * {@code arc=} in Authentication-Results (the only three results RFC 8617 §10.1 registers for the method).
 */
public enum ArcStatus {
    /** No ARC header field in the message. */
    NONE("none"),
    /** Every check of RFC 8617 §5.2 succeeded. */
    PASS("pass"),
    /** The chain is broken, malformed or could not be validated (RFC 8617 §5.2.1: all failures are permanent). */
    FAIL("fail");

    private final String word;

    ArcStatus(String word) {
        this.word = word;
    }

    /** {@code none}, {@code pass} or {@code fail}, as written in {@code cv=} and {@code arc=}. */
    public String word() {
        return word;
    }

    /** The status for a {@code cv=} value (exact, lower case as RFC 8617 writes it), or null. */
    static ArcStatus fromCv(String value) {
        for (ArcStatus s : values()) {
            if (s.word.equals(value)) {
                return s;
            }
        }
        return null;
    }
}
