package dev.authpack.james;

import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Review s18: the binding of the session's results to the message, exact in the JVM, SHA-256 on the mail. */
class MessageBindingTest {
    private static final byte[] MESSAGE = "Subject: received\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A message that writes its octets in the chunks given, counting the chunks it was let write. */
    private static final class Chunked extends MimeMessage {
        private final byte[][] chunks;
        int written;

        Chunked(byte[]... chunks) {
            super(Session.getInstance(new Properties()));
            this.chunks = chunks;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            for (byte[] chunk : chunks) {
                out.write(chunk, 0, chunk.length);
                written++;
            }
        }
    }

    @Test
    void sameOctetsIsExactWhateverTheChunksAndStopsAtTheFirstDifference() throws Exception {
        assertThat(MessageBinding.sameOctets(MimeMessageBytes.from(MESSAGE.clone()), MESSAGE)).isTrue();
        byte[] head = Arrays.copyOfRange(MESSAGE, 0, 5);
        byte[] tail = Arrays.copyOfRange(MESSAGE, 5, MESSAGE.length);
        assertThat(MessageBinding.sameOctets(new Chunked(head, tail), MESSAGE)).isTrue();
        // octet by octet, as a writer of single octets
        MimeMessage single = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                for (byte b : MESSAGE) {
                    out.write(b);
                }
            }
        };
        assertThat(MessageBinding.sameOctets(single, MESSAGE)).isTrue();
        // a difference in the first chunk: nothing more is written
        byte[] changed = head.clone();
        changed[2] ^= 1;
        Chunked differs = new Chunked(changed, tail, tail);
        assertThat(MessageBinding.sameOctets(differs, MESSAGE)).isFalse();
        assertThat(differs.written).isZero();
        // shorter, longer: another message
        assertThat(MessageBinding.sameOctets(new Chunked(head), MESSAGE)).isFalse();
        Chunked longer = new Chunked(head, tail, new byte[] {'x'}, tail);
        assertThat(MessageBinding.sameOctets(longer, MESSAGE)).isFalse();
        assertThat(longer.written).isEqualTo(2);
        assertThat(MessageBinding.sameOctets(new Chunked(), new byte[0])).isTrue();
    }

    @Test
    void theDigestIsTheSha256OfTheOctetsWrittenAndMatchesOnlyThem() throws Exception {
        String digest = MessageBinding.digest(MimeMessageBytes.from(MESSAGE));
        assertThat(digest).isEqualTo("sha256:" + HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(MESSAGE)));
        assertThat(MessageBinding.digest(MESSAGE)).isEqualTo(digest);
        byte[] head = Arrays.copyOfRange(MESSAGE, 0, 5);
        byte[] tail = Arrays.copyOfRange(MESSAGE, 5, MESSAGE.length);
        assertThat(MessageBinding.matches(digest, new Chunked(head, tail))).isTrue();
        assertThat(MessageBinding.matches(digest, new Chunked(head, tail, new byte[] {'x'}))).isFalse();
        // what the binding was before session 18 (length and CRC-32C) matches nothing
        assertThat(MessageBinding.matches("27:1234abcd", MimeMessageBytes.from(MESSAGE))).isFalse();
    }

    @Test
    void anUnreadableOrMissingMessageMatchesNothing() throws Exception {
        MimeMessage unreadable = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            public void writeTo(OutputStream out) throws MessagingException {
                throw new MessagingException("broken");
            }
        };
        assertThat(MessageBinding.sameOctets(unreadable, new byte[0])).isFalse();
        assertThat(MessageBinding.sameOctets(null, MESSAGE)).isFalse();
        assertThat(MessageBinding.digest(unreadable)).isEqualTo(MessageBinding.UNREADABLE);
        assertThat(MessageBinding.digest((MimeMessage) null)).isEqualTo(MessageBinding.UNREADABLE);
        assertThat(MessageBinding.matches(MessageBinding.UNREADABLE, unreadable)).isFalse();
        assertThat(MessageBinding.matches(MessageBinding.UNREADABLE, null)).isFalse();
    }

    /**
     * A message streamed for another reader (the body hashes of a large message) is digested in the same pass: the
     * reader gets every octet, and the digest is the message's {@link MessageBinding#digest} once it was written
     * whole; a pass ended by an error (the reader's or the message's) gives none, and neither does a later pass that
     * fails after one that succeeded.
     */
    @Test
    void aMessageDigestedAsItIsStreamedForAnotherReaderIsBoundOnlyWhenWrittenWhole() throws Exception {
        MessageBinding.Digesting streamed = MessageBinding.digesting(
                MimeMessageBytes.stream(new Chunked(Arrays.copyOfRange(MESSAGE, 0, 5),
                        Arrays.copyOfRange(MESSAGE, 5, MESSAGE.length))));
        assertThat(streamed.digest()).isEmpty();
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        streamed.writeTo(read);
        assertThat(read.toByteArray()).isEqualTo(MESSAGE);
        assertThat(streamed.digest()).contains(MessageBinding.digest(MESSAGE));

        OutputStream stops = new OutputStream() {
            private int left = 10;

            @Override
            public void write(int b) throws IOException {
                if (left-- == 0) {
                    throw new IOException("the reader stops");
                }
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> streamed.writeTo(stops))
                .isInstanceOf(IOException.class);
        assertThat(streamed.digest()).isEmpty();
        MessageBinding.Digesting broken = MessageBinding.digesting(out -> {
            out.write(MESSAGE, 0, 5);
            throw new IOException("unreadable");
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.writeTo(OutputStream.nullOutputStream()))
                .isInstanceOf(IOException.class);
        assertThat(broken.digest()).isEmpty();
    }
}
