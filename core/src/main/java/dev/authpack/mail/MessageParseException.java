package dev.authpack.mail;

/** A message whose header section cannot be read (malformed or over a {@link MessageLimits} bound). */
public final class MessageParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public MessageParseException(String message) {
        super(message);
    }
}
