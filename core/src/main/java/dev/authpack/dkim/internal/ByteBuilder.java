package dev.authpack.dkim.internal;

import java.util.Arrays;

/** A growable byte array (not synchronized), capped so hostile input cannot grow it without bound. */
public final class ByteBuilder implements CanonicalSink {
    private final int max;
    private byte[] buffer;
    private int length;

    public ByteBuilder(int initialCapacity, int max) {
        this.buffer = new byte[initialCapacity];
        this.max = max;
    }

    @Override
    public void write(byte[] bytes, int offset, int count) {
        ensure(count);
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
    }

    /** Writes {@code count} octets with the ASCII upper-case letters made lower case. */
    public void writeLowerCase(byte[] bytes, int offset, int count) {
        ensure(count);
        for (int i = 0; i < count; i++) {
            byte ch = bytes[offset + i];
            buffer[length + i] = ch >= 'A' && ch <= 'Z' ? (byte) (ch + 32) : ch;
        }
        length += count;
    }

    public void append(byte b) {
        ensure(1);
        buffer[length++] = b;
    }

    public void append(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            buffer[length++] = (byte) ascii.charAt(i);
        }
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            if ((long) length + more > max) {
                throw new IllegalStateException("more than " + max + " octets");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.min(max, Math.max((long) buffer.length * 2, length + more)));
        }
    }

    public int length() {
        return length;
    }

    /** The internal array; only the first {@link #length()} octets are meaningful. */
    public byte[] array() {
        return buffer;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }
}
