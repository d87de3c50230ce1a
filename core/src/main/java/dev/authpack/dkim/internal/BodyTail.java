package dev.authpack.dkim.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a message read again from its start is written to ({@code MailAuthChecker#hashBody},
 * {@code TableSigner#signStreamed}): its first octets must be the header section read before (else the message
 * changed between the reads, and the hashes would be of another message's body), and what follows the header
 * section's end is fed to the body hashes as it comes. Nothing is kept.
 */
public final class BodyTail extends OutputStream {
    private final byte[] header;
    private final int bodyOffset;
    private final BodyHasher.Streaming hashes;
    /** Octets of the message written so far. */
    private long position;

    /**
     * @param header     the octets read before from the message's start (the header section, maybe a little more)
     * @param bodyOffset where the body starts, at most {@code header.length}
     */
    public BodyTail(byte[] header, int bodyOffset, BodyHasher.Streaming hashes) {
        if (bodyOffset < 0 || bodyOffset > header.length) {
            throw new IllegalArgumentException("body offset " + bodyOffset + " outside the header octets");
        }
        this.header = header;
        this.bodyOffset = bodyOffset;
        this.hashes = hashes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int i = off;
        int end = off + len;
        while (i < end && position < header.length) {
            if (b[i] != header[(int) position]) {
                throw new IOException("the message changed between its reads (octet " + position + ")");
            }
            if (position >= bodyOffset) {
                hashes.update(b, i, 1);
            }
            i++;
            position++;
        }
        if (i < end) {
            hashes.update(b, i, end - i);
            position += end - i;
        }
    }

    /** Whether the whole header section came again (a message shorter than that changed between the reads). */
    public void checkComplete() throws IOException {
        if (position < header.length) {
            throw new IOException("the message changed between its reads (" + position + " octets, its header"
                    + " section was " + header.length + ")");
        }
    }
}
