package dev.authpack.spf;

/** Which identity an SPF check authorised (RFC 7208 §2.3 HELO, §2.4 MAIL FROM). */
public enum SpfIdentity {
    MAILFROM("mailfrom"), HELO("helo");

    private final String word;

    SpfIdentity(String word) {
        this.word = word;
    }

    /** {@code "mailfrom"} or {@code "helo"}, as used in Received-SPF and RFC 8601 {@code smtp.*} properties. */
    public String word() {
        return word;
    }
}
