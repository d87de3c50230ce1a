package dev.authpack.arc;

/** What became of one ARC-Message-Signature or ARC-Seal during validation. */
public enum SignatureVerdict {
    /** The signature verified. */
    PASS,
    /** It did not verify, or could not be verified (syntax, key, DNS); the set's reason says why. */
    FAIL,
    /** Validation stopped before this signature was needed (RFC 8617 §5.2 stops at the first failure). */
    NOT_CHECKED
}
