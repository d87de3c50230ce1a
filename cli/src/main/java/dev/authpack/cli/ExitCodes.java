package dev.authpack.cli;

/** Exit statuses of {@code authpack} (CLI.md "Exit status"). */
public final class ExitCodes {
    /** The command ran, whatever the authentication results. */
    public static final int OK = 0;
    /** {@code fix} found a check failure. */
    public static final int CHECK_FAILED = 1;
    /** Usage error or unreadable input; a one-line reason is on standard error. */
    public static final int USAGE = 2;
    /** A bug in authpack (sysexits EX_SOFTWARE); never caused by input. */
    public static final int INTERNAL_ERROR = 70;

    private ExitCodes() {
    }
}
