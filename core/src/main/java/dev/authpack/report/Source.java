package dev.authpack.report;

/** Where a {@link DeliveryReport} was read from. */
public enum Source {
    /** A {@code message/delivery-status} or {@code message/global-delivery-status} part (RFC 3464, RFC 6533). */
    RFC3464("rfc3464"),
    /** The human-readable text of a non-standard bounce (or {@code X-Failed-Recipients}). */
    TEXT("text");

    private final String label;

    Source(String label) {
        this.label = label;
    }

    /** The name used in logs and the CLI output. */
    public String label() {
        return label;
    }
}
