package dev.authpack.dkim;

import dev.authpack.dkim.internal.TagList;

/**
 * A DKIM-Signature field that cannot be verified (RFC 6376 §6.1.1: PERMFAIL). Carries the tags that could be read,
 * so the result can still name the signer.
 */
final class InvalidSignatureException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient TagList tags;

    InvalidSignatureException(String reason, TagList tags) {
        super(reason);
        this.tags = tags;
    }

    /** The parsed tags, or null when the tag-list itself did not parse. */
    TagList tags() {
        return tags;
    }
}
