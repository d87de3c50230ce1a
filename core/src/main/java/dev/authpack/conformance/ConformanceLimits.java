package dev.authpack.conformance;

/**
 * Bounds of the conformance check and of a rebuild, so that a hostile message cannot make either do unbounded
 * work. Past a bound the check stops looking (its report says so, {@link ConformanceReport#complete()} false) and
 * the fixer does not rebuild (a rebuild of a tree it could not read whole would lose parts).
 *
 * @param maxParts        the most MIME entities (the message itself, multiparts and leaves) walked
 * @param maxDepth        the deepest multipart nesting walked (the message is depth 0)
 * @param maxHeaderFields the most header fields in one entity
 * @param maxHeaderBytes  the largest header section of one entity, in octets
 */
public record ConformanceLimits(int maxParts, int maxDepth, int maxHeaderFields, int maxHeaderBytes) {
    public static final int DEFAULT_MAX_PARTS = 500;
    public static final int DEFAULT_MAX_DEPTH = 20;
    public static final int DEFAULT_MAX_HEADER_FIELDS = 1000;
    /** 1 MiB, as {@link dev.authpack.mail.MessageLimits#DEFAULT_MAX_HEADER_BYTES}. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 1 << 20;
    public static final ConformanceLimits DEFAULT = new ConformanceLimits(DEFAULT_MAX_PARTS, DEFAULT_MAX_DEPTH,
            DEFAULT_MAX_HEADER_FIELDS, DEFAULT_MAX_HEADER_BYTES);

    public ConformanceLimits {
        if (maxParts < 1 || maxDepth < 0 || maxHeaderFields < 1 || maxHeaderBytes < 1) {
            throw new IllegalArgumentException("conformance limits must be positive (maxDepth may be 0)");
        }
    }
}
