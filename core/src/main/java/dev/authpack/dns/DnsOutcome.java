package dev.authpack.dns;

/** How a DNS query ended. Only {@link #RECORDS} carries data. */
public enum DnsOutcome {
    /** The name exists and has records of the queried type. */
    RECORDS,
    /** RCODE 3: the name does not exist. */
    NXDOMAIN,
    /** The name exists but has no records of the queried type (NOERROR, empty answer). */
    NO_DATA,
    /** SERVFAIL, REFUSED, a malformed answer, an unusable name or any other error that may go away. */
    TEMP_FAILURE,
    /** No answer within the configured time. */
    TIMEOUT;

    /** RFC 7208 §4.6.4: a lookup that returned no records at all (NXDOMAIN or no data). */
    public boolean isVoid() {
        return this == NXDOMAIN || this == NO_DATA;
    }

    /** A failure that should produce {@code temperror}. */
    public boolean isError() {
        return this == TEMP_FAILURE || this == TIMEOUT;
    }
}
