package dev.authpack.iprev;

import java.util.Locale;

/** The results of the iprev method (RFC 8601 §2.7.3, §3). */
public enum IprevStatus {
    /** A PTR name of the client resolves back to the client's address. */
    PASS,
    /** PTR names exist but none resolves back to the address. */
    FAIL,
    /** A lookup failed for a reason that may go away (time-out, SERVFAIL). */
    TEMPERROR,
    /** No PTR data is published for the address. */
    PERMERROR;

    /** Made once: {@link #word()} is read for every message. */
    private final String word = name().toLowerCase(Locale.ROOT);

    /** The lower-case result word of RFC 8601, e.g. {@code "temperror"}. */
    public String word() {
        return word;
    }
}
