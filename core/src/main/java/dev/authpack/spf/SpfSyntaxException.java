package dev.authpack.spf;

/** A syntax error in an SPF record or macro string; {@code check_host()} turns it into {@code permerror}. */
final class SpfSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SpfSyntaxException(String message) {
        super(message, null, false, false);
    }
}
