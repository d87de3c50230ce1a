package dev.authpack.dkim;

import java.util.Locale;

/**
 * The result of verifying one signature, as RFC 8601 §2.7.1 names it for {@code dkim=}. ({@code none}, "no
 * signature", is a property of the message: see {@link DkimReport#signed()}.)
 */
public enum DkimStatus {
    /** The signature verified. */
    PASS,
    /** The signature or the body hash did not verify (RFC 6376 PERMFAIL with a cryptographic cause). */
    FAIL,
    /** Not used by this verifier itself; kept for callers that map other results onto it. */
    NEUTRAL,
    /** Verified or not, the signature is not acceptable here (rsa-sha1, weak key, partial body, over the cap). */
    POLICY,
    /** The key could not be fetched for now (DNS error or timeout): try again later. */
    TEMPERROR,
    /** The signature or its key record is unusable (syntax, missing tags, revoked or unsuitable key, expired). */
    PERMERROR;

    /** The lower-case RFC 8601 word, e.g. {@code "permerror"}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
