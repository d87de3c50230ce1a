package dev.authpack.dkim.sign;

/**
 * A key table, signing table or key that cannot be used. The message names the file and line when there is one
 * ({@code /etc/james/dkim/keytable:3: ...}), for an administrator.
 */
public final class KeyTableException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyTableException(String message) {
        super(message);
    }

    public KeyTableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code source:line: message}. */
    static KeyTableException at(String source, int line, String message) {
        return new KeyTableException(source + ":" + line + ": " + message);
    }
}
