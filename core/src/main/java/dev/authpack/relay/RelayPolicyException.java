package dev.authpack.relay;

/**
 * A relay policy file that cannot be used. The message reads {@code FILE:LINE: what is wrong}, ready for a
 * startup error. Callers must refuse to start rather than fall back to anything more permissive.
 */
public final class RelayPolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String detail;

    /**
     * @param source the file name or other source description
     * @param line   1-based line number, or 0 when the problem concerns the whole file
     * @param detail what is wrong, for an administrator
     */
    public RelayPolicyException(String source, int line, String detail) {
        super(source + (line > 0 ? ":" + line : "") + ": " + detail);
        this.source = source;
        this.line = line;
        this.detail = detail;
    }

    public RelayPolicyException(String source, int line, String detail, Throwable cause) {
        this(source, line, detail);
        initCause(cause);
    }

    public String source() {
        return source;
    }

    /** 1-based, or 0 for the whole file. */
    public int line() {
        return line;
    }

    public String detail() {
        return detail;
    }
}
