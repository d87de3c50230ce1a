package dev.authpack.cli;

/**
 * A usage error or unreadable input: the command stops with exit status {@link ExitCodes#USAGE} and the message,
 * one line, on standard error (CLI.md "Exit status").
 */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
