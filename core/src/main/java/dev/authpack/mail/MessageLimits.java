package dev.authpack.mail;

/**
 * Bounds of {@link RawMessage#parse(byte[], MessageLimits)}: a header section beyond them is a parse error, so a
 * hostile message cannot make the parser or the checks after it do unbounded work.
 *
 * @param maxHeaderBytes the largest header section, in octets, including the empty line that ends it
 * @param maxFields      the most header fields
 */
public record MessageLimits(int maxHeaderBytes, int maxFields) {
    /** 1 MiB. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_FIELDS = 1000;
    /** {@value #DEFAULT_MAX_HEADER_BYTES} octets and {@value #DEFAULT_MAX_FIELDS} fields. */
    public static final MessageLimits DEFAULT = new MessageLimits(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_FIELDS);

    public MessageLimits {
        if (maxHeaderBytes < 1) {
            throw new IllegalArgumentException("maxHeaderBytes must be positive");
        }
        if (maxFields < 1) {
            throw new IllegalArgumentException("maxFields must be positive");
        }
    }
}
