package dev.authpack.spf;

import java.util.Locale;

/** The seven results of {@code check_host()} (RFC 7208 §2.6). */
public enum SpfStatus {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

    /** Made once: {@link #word()} is read for every message. */
    private final String word = name().toLowerCase(Locale.ROOT);

    /** The lower-case result word of RFC 7208 §2.6 and RFC 8601 §2.7.2, e.g. {@code "softfail"}. */
    public String word() {
        return word;
    }
}
