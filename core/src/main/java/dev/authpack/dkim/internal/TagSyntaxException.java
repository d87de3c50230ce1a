package dev.authpack.dkim.internal;

/** A tag-list (RFC 6376 §3.2) that does not follow the grammar; the message says what and where. */
public final class TagSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    TagSyntaxException(String message) {
        super(message);
    }
}
