package dev.authpack.report;

/**
 * The wall-clock end of one parse ({@link ReportLimits#maxParseTime()}), checked between the steps of the scan
 * (each MIME token, each line of a text bounce, each field group of a DSN), so that no input keeps a thread
 * longer than the bound plus one step. Past it, {@link #check()} throws {@link Exceeded}, which
 * {@link ReportParser} turns into a {@link NotAReport} of kind UNPARSEABLE.
 */
final class Deadline {
    /** Thrown past the deadline; caught by {@link ReportParser#parse(byte[], String)} only. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("parse time bound exceeded", null, false, false);
        }
    }

    /** No bound (for the package's own helpers used outside a parse). */
    static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    /** A deadline {@code nanos} from now. */
    static Deadline in(long nanos) {
        long now = System.nanoTime();
        return new Deadline(nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos);
    }

    void check() {
        if (endNanos != Long.MAX_VALUE && System.nanoTime() - endNanos > 0) {
            throw new Exceeded();
        }
    }
}
