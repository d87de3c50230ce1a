package dev.authpack.dns;

/** How a DNS query ended. Only {@link #RECORDS} carries data. */
public enum DnsOutcome {
    /** The name exists and has records of the queried type. */
    RECORDS,
    /** RCODE 3: the name does not exist. */
    NXDOMAIN,
    /** The name exists but has no records of the queried type (NOERROR, empty answer). */
    NO_DATA,
    /** SERVFAIL, REFUSED, a malformed answer or any other error that may go away. */
    TEMP_FAILURE,
    /** No answer within the configured time. */
    TIMEOUT,
    /**
     * The name cannot exist in the DNS (empty name or label, label over 63 octets, name over 255 octets on the
     * wire, RFC 1035 §2.3.4), so no query was sent. Permanent, like NXDOMAIN: asking again gives the same
     * answer. Not {@link #isError()} and not {@link #isVoid()} (no query was made, RFC 7208 §4.6.4).
     */
    INVALID_NAME;

    /** RFC 7208 §4.6.4: a lookup that returned no records at all (NXDOMAIN or no data). */
    public boolean isVoid() {
        return this == NXDOMAIN || this == NO_DATA;
    }

    /** A failure that should produce {@code temperror}. {@link #INVALID_NAME} is permanent, so not one. */
    public boolean isError() {
        return this == TEMP_FAILURE || this == TIMEOUT;
    }
}
