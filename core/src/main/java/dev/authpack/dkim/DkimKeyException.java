package dev.authpack.dkim;

/** A signing key that cannot be read or used; the message says why, for an administrator. */
public final class DkimKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    public DkimKeyException(String message) {
        super(message);
    }

    public DkimKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
