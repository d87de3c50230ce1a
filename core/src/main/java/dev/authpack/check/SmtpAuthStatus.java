package dev.authpack.check;

import java.util.Locale;

/** The results of the RFC 8601 {@code auth} method (§2.7.4); the check gives {@code pass} or {@code none}. */
public enum SmtpAuthStatus {
    /** The client authenticated (RFC 4954). */
    PASS,
    /** The client did not authenticate. */
    NONE,
    FAIL,
    TEMPERROR,
    PERMERROR;

    /** Made once: {@link #word()} is read for every message. */
    private final String word = name().toLowerCase(Locale.ROOT);

    /** The lower-case result word of RFC 8601, e.g. {@code "pass"}. */
    public String word() {
        return word;
    }
}
