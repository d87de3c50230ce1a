package dev.authpack.james;

import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.mail.RawMessage;
import org.apache.james.server.core.MimeMessageSource;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test seam of the large-message bounds: messages that count every octet read from them, so a test can assert that
 * a mailet or hook did not read a message over its limit whole, without needing gigabytes. Shared with the mailets'
 * and hooks' tests (test-jar).
 */
public final class CountingMessages {
    private CountingMessages() {
    }

    /**
     * A plain javax.mail message over {@code octets} (the way {@code FakeMail} holds one): parsed from a
     * {@link javax.mail.internet.SharedInputStream}, its body is a stream made from it, read only when asked for;
     * {@code read} counts the octets read from it and every stream made from it.
     */
    public record Counted(MimeMessage message, AtomicLong read, AtomicLong largestRead) {
    }

    /**
     * {@code largestRead}: the most octets one read gave (a bound on what a reader copying through its buffer holds
     * of the message at once).
     */
    public static Counted message(byte[] octets) throws Exception {
        return message(octets, false);
    }

    /** {@link #message(byte[])}; {@code sizeUnknown}: its size is -1, as a message that cannot say (review s18 L2). */
    public static Counted message(byte[] octets, boolean sizeUnknown) throws Exception {
        AtomicLong read = new AtomicLong();
        AtomicLong largest = new AtomicLong();
        CountingStream in = new CountingStream(octets, 0, octets.length, read, largest);
        MimeMessage message = sizeUnknown ? new MimeMessage(Session.getInstance(new Properties()), in) {
            @Override
            public int getSize() {
                return -1;
            }
        } : new MimeMessage(Session.getInstance(new Properties()), in);
        read.set(0);
        largest.set(0);
        return new Counted(message, read, largest);
    }

    /** {@code header} (ending with its empty line) followed by a body of {@code bodyOctets} octets of text lines. */
    public static byte[] withBody(String header, int bodyOctets) {
        byte[] head = header.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + bodyOctets];
        System.arraycopy(head, 0, out, 0, head.length);
        fill(out, head.length, bodyOctets, 0);
        return out;
    }

    /** The body octets at {@code position} of a body made by {@link #fill}: lines of 64 octets, CRLF-ended. */
    private static void fill(byte[] out, int offset, int length, long position) {
        for (int i = 0; i < length; i++) {
            out[offset + i] = bodyOctet(position + i);
        }
    }

    /**
     * {@code header} with a DKIM-Signature of {@code signer} on top, over the body of {@code bodyOctets} octets that
     * {@link #withBody} and {@link GeneratedSource} make: its body hash computed as the body is generated, in 64 KiB
     * chunks, so a body of any size can be signed without being held.
     */
    public static String signedHeader(String header, long bodyOctets, DkimSigner signer) throws Exception {
        BodyHasher.Streaming hashes = BodyHasher.streaming(List.of(signer.bodyKey()));
        byte[] chunk = new byte[64 * 1024];
        for (long position = 0; position < bodyOctets; position += chunk.length) {
            int n = (int) Math.min(chunk.length, bodyOctets - position);
            for (int i = 0; i < n; i++) {
                chunk[i] = bodyOctet(position + i);
            }
            hashes.update(chunk, 0, n);
        }
        RawMessage parsed = RawMessage.parse(header.getBytes(StandardCharsets.ISO_8859_1));
        return signer.signatureField(parsed, hashes.finish()) + header;
    }

    static byte bodyOctet(long position) {
        int column = (int) (position % 64);
        return column == 62 ? (byte) '\r' : column == 63 ? (byte) '\n' : (byte) ('a' + (position / 64 + column) % 26);
    }

    /** A {@link SharedByteArrayInputStream} counting what is read through it and every stream made from it. */
    static final class CountingStream extends SharedByteArrayInputStream {
        private final AtomicLong read;
        private final AtomicLong largest;

        CountingStream(byte[] octets, int offset, int length, AtomicLong read, AtomicLong largest) {
            super(octets, offset, length);
            this.read = read;
            this.largest = largest;
        }

        private void counted(long n) {
            read.addAndGet(n);
            largest.accumulateAndGet(n, Math::max);
        }

        @Override
        public synchronized int read() {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public synchronized byte[] readAllBytes() {
            byte[] all = super.readAllBytes();
            counted(all.length);
            return all;
        }

        @Override
        public int readNBytes(byte[] b, int off, int len) {
            int n = super.readNBytes(b, off, len);
            counted(Math.max(n, 0));
            return n;
        }

        @Override
        public synchronized long transferTo(OutputStream out) throws IOException {
            long n = super.transferTo(out);
            counted(n);
            return n;
        }

        @Override
        public InputStream newStream(long start, long end) {
            if (start < 0) {
                throw new IllegalArgumentException("start < 0");
            }
            long to = end == -1 ? count - this.start : end;
            return new CountingStream(buf, this.start + (int) start, (int) (to - start), read, largest);
        }
    }

    /**
     * A James message source of {@code header} and a body of {@code bodyOctets} generated as it is read: nothing of
     * it is held in memory, so its size can be what no test heap could hold. {@link #read()} counts the octets read
     * from all its streams, {@link #largestRead()} the most any one stream gave.
     */
    public static final class GeneratedSource implements MimeMessageSource {
        private final byte[] header;
        private final long size;
        private final AtomicLong read = new AtomicLong();
        private final AtomicLong largest = new AtomicLong();

        /** The body octet at this position has its lowest bit flipped (a body changed after signing); -1: none. */
        private final long tampered;

        public GeneratedSource(String header, long bodyOctets) {
            this(header, bodyOctets, -1);
        }

        public GeneratedSource(String header, long bodyOctets, long tamperedAt) {
            this.header = header.getBytes(StandardCharsets.ISO_8859_1);
            this.size = this.header.length + bodyOctets;
            this.tampered = tamperedAt;
        }

        public long read() {
            return read.get();
        }

        public long largestRead() {
            return largest.get();
        }

        @Override
        public String getSourceId() {
            return "generated-" + System.identityHashCode(this);
        }

        @Override
        public long getMessageSize() {
            return size;
        }

        @Override
        public InputStream getInputStream() {
            return new InputStream() {
                private long position;

                @Override
                public int read() {
                    if (position >= size) {
                        return -1;
                    }
                    int b = octet(position++) & 0xff;
                    counted(1);
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (position >= size) {
                        return -1;
                    }
                    int n = (int) Math.min(len, size - position);
                    for (int i = 0; i < n; i++) {
                        b[off + i] = octet(position + i);
                    }
                    position += n;
                    counted(n);
                    return n;
                }

                private void counted(int n) {
                    read.addAndGet(n);
                    largest.accumulateAndGet(position, Math::max);
                }
            };
        }

        private byte octet(long position) {
            if (position < header.length) {
                return header[(int) position];
            }
            byte b = bodyOctet(position - header.length);
            return position - header.length == tampered ? (byte) (b ^ 1) : b;
        }
    }
}
