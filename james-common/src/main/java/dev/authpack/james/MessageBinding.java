package dev.authpack.james;

import dev.authpack.mail.MessageStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a mail's message is still the one the SMTP session checked ({@link SessionCheckedMail}), two ways, both
 * over the octets {@link MimeMessageBytes#writeTo} streams (an unchanged message's source as it is, no parse; a
 * message James keeps in a file is streamed, never read into memory, and nothing is copied):
 * <ul>
 *   <li>{@link #sameOctets}: against the octets the check read, held in this JVM ({@link PendingChecks}): exact,
 *       octet for octet, stopping at the first difference;</li>
 *   <li>{@link #digest}: SHA-256, for results stored on the mail as an attribute, which outlives the JVM's memory
 *       (the spool, a restart, another node of a distributed James).</li>
 * </ul>
 * Not a checksum (review s18): a sender who chooses the octets of a message a mailet puts in place of the one
 * received (the decrypted content of an S/MIME message, say) matched a CRC's value and length at will, a CRC being
 * linear. Against SHA-256 that is a collision search, about 2<sup>128</sup> work, however much the sender knows of
 * both messages. Not keyed: a secret key makes no collision harder to find, and a key per JVM would make mail
 * spooled across a restart, or dequeued on another node, lose the results it carries.
 */
public final class MessageBinding {
    /** What {@link #digest} gives a message that cannot be read: it matches nothing. */
    public static final String UNREADABLE = "unreadable";
    private static final String PREFIX = "sha256:";
    private static final MessageDigest SHA_256 = sha256();

    private MessageBinding() {
    }

    /**
     * Whether the message, as {@link MimeMessageBytes#writeTo} writes it, is exactly {@code octets}; false for a null
     * or unreadable message. Streamed and compared chunk by chunk as written; stops at the first difference.
     */
    public static boolean sameOctets(MimeMessage message, byte[] octets) {
        Objects.requireNonNull(octets, "octets");
        if (message == null) {
            return false;
        }
        Comparing out = new Comparing(octets);
        try {
            MimeMessageBytes.writeTo(message, out);
        } catch (MessagingException | IOException | RuntimeException e) {
            // Differs (the first difference: nothing more is read), or the message unreadable
            return false;
        }
        return out.position == octets.length;
    }

    /**
     * {@code sha256:<hex>} of the message as {@link MimeMessageBytes#writeTo} writes it, streamed; {@link #UNREADABLE}
     * for a null or unreadable message.
     */
    public static String digest(MimeMessage message) {
        if (message == null) {
            return UNREADABLE;
        }
        MessageDigest sha = newSha256();
        try {
            MimeMessageBytes.writeTo(message, new Tee(null, sha));
        } catch (MessagingException | IOException | RuntimeException e) {
            return UNREADABLE;
        }
        return PREFIX + HexFormat.of().formatHex(sha.digest());
    }

    /** {@link #digest(MimeMessage)} of a message that is these octets. */
    public static String digest(byte[] octets) {
        MessageDigest sha = newSha256();
        sha.update(octets);
        return PREFIX + HexFormat.of().formatHex(sha.digest());
    }

    /**
     * {@code source}, digested as it is streamed: once a {@link MessageStream#writeTo} of it has written the whole
     * message without error, {@link Digesting#digest()} is its {@link #digest}. For a message too large to read
     * twice, whose body is streamed anyway (its DKIM and ARC body hashes): the results of that check are bound to it
     * in the same pass.
     */
    public static Digesting digesting(MessageStream source) {
        return new Digesting(Objects.requireNonNull(source, "source"));
    }

    /** Whether {@code bound} (what {@link #digest} gave earlier) is the digest of the message now. */
    public static boolean matches(String bound, MimeMessage message) {
        return bound.startsWith(PREFIX) && bound.equals(digest(message));
    }

    private static MessageDigest newSha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return sha256();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform has SHA-256 (MessageDigest's specification)
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    /** Compares what is written with the expected octets, keeping nothing; throws {@link Differs} at a difference. */
    private static final class Comparing extends OutputStream {
        private final byte[] expected;
        private int position;

        Comparing(byte[] expected) {
            this.expected = expected;
        }

        @Override
        public void write(int b) throws Differs {
            if (position == expected.length || expected[position] != (byte) b) {
                throw new Differs();
            }
            position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws Differs {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len > expected.length - position
                    || Arrays.mismatch(b, off, off + len, expected, position, position + len) >= 0) {
                throw new Differs();
            }
            position += len;
        }
    }

    /** Ends the writing at the first difference: nothing more to read. Without a stack trace (not an error). */
    private static final class Differs extends IOException {
        private static final long serialVersionUID = 1L;

        Differs() {
            super("the message differs");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** A message stream digested as it is written ({@link #digesting}). */
    public static final class Digesting implements MessageStream {
        private final MessageStream source;
        private volatile String digest;

        private Digesting(MessageStream source) {
            this.source = source;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            digest = null;
            MessageDigest sha = newSha256();
            source.writeTo(new Tee(out, sha));
            digest = PREFIX + HexFormat.of().formatHex(sha.digest());
        }

        /** The {@link MessageBinding#digest} of the message, once written whole without error; else empty. */
        public Optional<String> digest() {
            return Optional.ofNullable(digest);
        }
    }

    /** Digests what is written and passes it on to {@code out} (none when null), keeping nothing. */
    private static final class Tee extends OutputStream {
        private final OutputStream out;
        private final MessageDigest sha;

        Tee(OutputStream out, MessageDigest sha) {
            this.out = out;
            this.sha = sha;
        }

        @Override
        public void write(int b) throws IOException {
            sha.update((byte) b);
            if (out != null) {
                out.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sha.update(b, off, len);
            if (out != null) {
                out.write(b, off, len);
            }
        }
    }
}
