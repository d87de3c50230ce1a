package dev.authpack.james;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Keeps what is written up to a bound, and ends the writing (an exception of its own) at the first octet past it,
 * having kept the octets up to the bound: a message of unknown size read whole only when it is within the bound
 * ({@link MimeMessageBytes#ofAtMost}), or a message's first octets ({@link MimeMessageBytes#prefix}).
 */
final class BoundedCapture extends OutputStream {
    /** Thrown to stop the writer: the bound is passed. */
    static final class TooLarge extends IOException {
        TooLarge(long bound) {
            super("more than " + bound + " octets");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private final long bound;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream(8192);
    private boolean exceeded;

    BoundedCapture(long bound) {
        this.bound = bound;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (exceeded || kept.size() + (long) len > bound) {
            if (!exceeded) {
                kept.write(b, off, (int) (bound - kept.size()));
            }
            exceeded = true;
            throw new TooLarge(bound);
        }
        kept.write(b, off, len);
    }

    boolean exceeded() {
        return exceeded;
    }

    byte[] toByteArray() {
        return kept.toByteArray();
    }
}
