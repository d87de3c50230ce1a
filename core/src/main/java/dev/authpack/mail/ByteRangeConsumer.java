package dev.authpack.mail;

/**
 * Receives a range of a message's bytes without a copy (like {@code MessageDigest.update(byte[], int, int)}).
 * The array is the message's own storage: implementations read it and must neither modify it nor keep it.
 */
@FunctionalInterface
public interface ByteRangeConsumer {
    void accept(byte[] bytes, int offset, int length);
}
