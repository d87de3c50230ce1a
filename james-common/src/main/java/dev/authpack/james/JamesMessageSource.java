package dev.authpack.james;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.SharedInputStream;
import javax.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The James 3.8/3.9 server classes {@link MimeMessageBytes} uses when it runs inside James, kept in this one class:
 * James' {@link MimeMessageWrapper} keeps the octets received ({@link MimeMessageSource}) until a mailet changes
 * the message, and a message set with {@link MailImpl#setMessageNoCopy} over our own octets is again such a
 * wrapper, with nothing parsed and nothing marked modified. Loaded only when the message is James' own, so the
 * pack also runs where these classes are absent (tests with {@code FakeMail}).
 */
final class JamesMessageSource {
    private JamesMessageSource() {
    }

    /**
     * The octets James holds for this message when it has not been parsed or changed since it was received
     * ({@link MimeMessageWrapper#getMessageInputStream} then streams the source as is); empty otherwise.
     */
    static Optional<byte[]> unchangedOctets(MimeMessage message) throws IOException, MessagingException {
        if (!(message instanceof MimeMessageWrapper wrapper) || wrapper.isModified()) {
            return Optional.empty();
        }
        try (InputStream in = wrapper.getMessageInputStream()) {
            return Optional.of(in.readAllBytes());
        }
    }

    /**
     * Makes {@code octets} the mail's message without a copy: a fresh {@link MimeMessageWrapper} over them, as
     * James makes for a message it receives. False when the mail is not James' own {@link MailImpl}.
     */
    static boolean setWithoutCopy(Mail mail, byte[] octets) throws MessagingException {
        if (!(mail instanceof MailImpl impl)) {
            return false;
        }
        impl.setMessageNoCopy(new MimeMessageWrapper(new OctetsSource(octets)));
        return true;
    }

    /**
     * A message source over octets in memory, never changed, so nothing to dispose. Its stream is a
     * {@link SharedInputStream}, as James' own sources give: a message parsed from it keeps its content as a view
     * of these octets instead of copying it, and so do the body parts of a multipart parsed from that. Its id is
     * unique in the JVM and costs no random bits (a UUID a mail drew from the system's SecureRandom).
     */
    private static final class OctetsSource implements MimeMessageSource {
        private static final String PREFIX = "authpack-" + Long.toHexString(System.nanoTime()) + "-";
        private static final AtomicLong SOURCES = new AtomicLong();
        private final byte[] octets;
        private final String id = PREFIX + SOURCES.incrementAndGet();

        OctetsSource(byte[] octets) {
            this.octets = octets;
        }

        @Override
        public String getSourceId() {
            return id;
        }

        @Override
        public InputStream getInputStream() {
            return new SharedByteArrayInputStream(octets);
        }

        @Override
        public long getMessageSize() {
            return octets.length;
        }
    }
}
