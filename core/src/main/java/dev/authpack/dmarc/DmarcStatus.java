package dev.authpack.dmarc;

import java.util.Locale;

/** The {@code dmarc=} result words (RFC 9989 §9.2). */
public enum DmarcStatus {
    /** A record applies and an authenticated identifier is aligned with the author domain. */
    PASS,
    /** A record applies and no authenticated identifier is aligned. */
    FAIL,
    /** No DMARC record applies to the author domain. */
    NONE,
    /** A DNS query needed for the evaluation failed for now; a later attempt may give a final result. */
    TEMPERROR,
    /** The evaluation cannot be done: no usable From domain, an unusable record. */
    PERMERROR;

    /** Made once: {@link #word()} is read for every message. */
    private final String word = name().toLowerCase(Locale.ROOT);

    public String word() {
        return word;
    }
}
