package dev.authpack.james;

import dev.authpack.mail.MessageStream;
import dev.authpack.mail.OctetSlice;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * A mail's message as octets and back, for the mailets that check, sign or edit header fields: the engine works
 * on the octets the message is sent as, and changed octets become the mail's new message.
 *
 * <p>Inside James both directions avoid work James would not do itself (docs/benchmarks.md, "James end to end"):
 * {@link #of} reads the octets James received straight from its message source instead of having the message
 * parse and re-serialize its header section, and {@link #set} hands James a message over our octets that James
 * does not copy, parse or mark modified (James' {@code Mail.setMessage} copies the whole message into a new buffer
 * and parses its header fields again). A message larger than James' in-memory threshold
 * ({@code james.message.memory.threshold}, 100 KiB by default) is written once into James' own source instead, a
 * temporary file, where James keeps any message that large (review s15 M3). Elsewhere (another {@code Mail}
 * implementation, a message already changed by an earlier mailet) both fall back to the plain JavaMail way.
 */
public final class MimeMessageBytes {
    private static final Logger LOGGER = LoggerFactory.getLogger(MimeMessageBytes.class);
    /** Our own: signed bytes are read back with no system-wide mail.mime.* property in the way. */
    private static final Session SESSION = Session.getInstance(new Properties());
    /**
     * Whether James' server classes ({@link JamesMessageSource}) are there to use; turned off for good if they turn
     * out not to link (another James version), so the JavaMail way is taken and no error leaves a mailet.
     */
    private static volatile boolean jamesServer = jamesServerClassesPresent();

    private MimeMessageBytes() {
    }

    /**
     * The message as James would send it: for a message neither parsed nor modified since it was read, the octets
     * received (once parsed, James re-serializes its header section). Not to be changed: the array may be the
     * message's own.
     */
    public static byte[] of(MimeMessage message) throws IOException, MessagingException {
        if (jamesServer) {
            try {
                Optional<byte[]> received = JamesMessageSource.unchangedOctets(message);
                if (received.isPresent()) {
                    return received.get();
                }
            } catch (LinkageError e) {
                notLinked(e);
            }
        }
        int size = message.getSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream(size > 0 ? size + 1024 : 8192);
        message.writeTo(out);
        return out.toByteArray();
    }

    /**
     * {@link #of} for a message whose size is not known beforehand (-1 from {@link #size}): its octets when there are
     * at most {@code maxOctets} of them, else empty, the message read no further than {@code maxOctets} and one
     * buffer (never held whole): for a bound such as {@code maxCheckedSize} when the size cannot say.
     */
    public static Optional<byte[]> ofAtMost(MimeMessage message, long maxOctets)
            throws IOException, MessagingException {
        BoundedCapture capture = new BoundedCapture(maxOctets);
        writeUntilStopped(message, capture, capture::exceeded);
        return capture.exceeded() ? Optional.empty() : Optional.of(capture.toByteArray());
    }

    /**
     * {@link #writeTo}, to an {@code out} that ends the writing by an exception of its own once {@code stopped} says
     * so (it has what it needs): that exception, however the writer wraps it, is not an error.
     */
    private static void writeUntilStopped(MimeMessage message, OutputStream out, BooleanSupplier stopped)
            throws IOException, MessagingException {
        try {
            writeTo(message, out);
        } catch (IOException | MessagingException | RuntimeException e) {
            if (!stopped.getAsBoolean()) {
                throw e;
            }
        }
    }

    /**
     * The message as a {@link MessageStream}, for a message too large to hold whose body is hashed as it is read
     * ({@code MailAuthChecker#hashBody}): each {@code writeTo} writes what {@link #writeTo} writes, streamed (James'
     * own source copied through a buffer), the octets {@link #of} would give.
     */
    public static MessageStream stream(MimeMessage message) {
        return out -> {
            try {
                writeTo(message, out);
            } catch (MessagingException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
    }

    /**
     * Writes what {@link #of} gives to {@code out}, streamed: in James, the source of a message not modified since it
     * was received, as it is, without parsing its header section (James' own {@code writeTo} parses and
     * re-serializes it on every call); otherwise {@code message.writeTo(out)}.
     */
    public static void writeTo(MimeMessage message, OutputStream out) throws IOException, MessagingException {
        if (jamesServer) {
            try {
                if (JamesMessageSource.transferUnchanged(message, out)) {
                    return;
                }
            } catch (LinkageError e) {
                notLinked(e);
            }
        }
        message.writeTo(out);
    }

    /**
     * Makes {@code octets} the mail's message. In James: a new message, not parsed or marked modified, exactly as
     * James holds a message it has just received: over these octets, not copied, up to James' in-memory threshold;
     * above it, over a temporary file they are written to, as James keeps a message that large. Otherwise
     * {@code mail.setMessage(}{@link #from}{@code (octets))}. {@code octets} must not change afterwards.
     */
    public static void set(Mail mail, byte[] octets) throws MessagingException {
        set(mail, List.of(OctetSlice.of(octets)));
    }

    /**
     * {@link #set(Mail, byte[])} with the message in slices, one after the other (our field on top of the octets
     * received, say): in James they are not joined into one array (the message is read slice by slice, or written to
     * James' temporary file slice by slice) until a reader asks for one ({@link #of}); elsewhere they are joined. The
     * arrays must not change afterwards.
     */
    public static void set(Mail mail, List<OctetSlice> octets) throws MessagingException {
        if (jamesServer) {
            try {
                if (JamesMessageSource.setWithoutCopy(mail, octets)) {
                    return;
                }
            } catch (LinkageError e) {
                notLinked(e);
            }
        }
        mail.setMessage(from(OctetSlice.join(octets)));
    }

    /**
     * The mail's size in octets, known without reading its message: for James' own message its source's size
     * ({@code Mail.getMessageSize}, James' own); otherwise the larger of that and the size javax.mail gives for the
     * message's body. -1 when neither is known. What the large-message bounds ({@link MessageSizeLimit}) compare.
     */
    public static long size(Mail mail) {
        long size = -1;
        try {
            size = mail.getMessageSize();
        } catch (MessagingException | RuntimeException e) {
            LOGGER.debug("{}: size unknown to the mail: {}", mail.getName(), e.toString());
        }
        try {
            MimeMessage message = mail.getMessage();
            if (message != null && !jamesMessage(message)) {
                // not James': its body's size (James' own would parse its header section for it)
                size = Math.max(size, message.getSize());
            }
        } catch (MessagingException | RuntimeException e) {
            LOGGER.debug("{}: body size unknown: {}", mail.getName(), e.toString());
        }
        return size;
    }

    private static boolean jamesMessage(MimeMessage message) {
        if (jamesServer) {
            try {
                return JamesMessageSource.isJames(message);
            } catch (LinkageError e) {
                notLinked(e);
            }
        }
        return false;
    }

    /**
     * A message's header section as {@link #readHeaderSection} reads it.
     *
     * @param octets the octets from the message's start up to the later end of its header section
     * @param clean  whether both readings' ends were found within the bound and the header section is CRLF lines
     *               alone (no bare LF, no lone CR): only then is what is read here what every reader reads as the
     *               header section; otherwise a check from these octets must count on fields it did not see
     */
    public record HeaderSection(byte[] octets, boolean clean) {
    }

    /**
     * {@link #readHeaderSection}'s octets.
     */
    public static byte[] headerSection(MimeMessage message, int maxOctets) throws IOException, MessagingException {
        return readHeaderSection(message, maxOctets).octets();
    }

    /**
     * The message's header section, read from its start and no further: the octets up to and including the empty
     * line that ends it for every reader ({@link HeaderCapture}: the first empty line of an LF-only reader and the
     * first CR LF CR LF of a CRLF-only one, whichever is later; all of a message without one), or, when no end comes
     * within {@code maxOctets}, the first {@code maxOctets + 1} octets (which {@code RawMessage.parse} refuses as too
     * large), not {@link HeaderSection#clean() clean}. The octets are those {@link #of} would begin with; at most
     * {@code maxOctets + 1} of them are kept, and the message is read no further than that and one buffer: a message
     * of any size can be read so.
     */
    public static HeaderSection readHeaderSection(MimeMessage message, int maxOctets)
            throws IOException, MessagingException {
        HeaderCapture capture = new HeaderCapture(maxOctets);
        writeUntilStopped(message, capture, capture::done);
        return new HeaderSection(capture.octets(), capture.clean());
    }

    /**
     * The first {@code maxOctets} octets of what {@link #of} gives (all of a shorter message), read no further than
     * that and one buffer: for a reader that looks at no more (the report parser), so a message of any size is never
     * held whole (review s19).
     */
    public static byte[] prefix(MimeMessage message, int maxOctets) throws IOException, MessagingException {
        BoundedCapture capture = new BoundedCapture(Math.max(maxOctets, 0));
        writeUntilStopped(message, capture, capture::exceeded);
        return capture.toByteArray();
    }

    /**
     * Replaces the mail's header section, the first {@code headerLength} octets of what {@link #of} gives, by
     * {@code header} (whole fields, each with its line ending, and the empty line), without reading the message into
     * memory: in James the new header and the rest of the message (as received, or as James writes it once another
     * mailet changed it) are streamed into James' own source (a temporary file past James' threshold, as James keeps
     * any message that large), not parsed, not marked modified; elsewhere the message's fields are replaced through
     * javax.mail ({@link HeaderSectionFields}), its body left where it is.
     */
    public static void replaceHeaderSection(Mail mail, int headerLength, List<OctetSlice> header)
            throws IOException, MessagingException {
        if (jamesServer) {
            try {
                if (JamesMessageSource.replaceHeaderStreamed(mail, headerLength, header)) {
                    return;
                }
            } catch (LinkageError e) {
                notLinked(e);
            }
        }
        HeaderSectionFields.replace(mail.getMessage(), OctetSlice.join(header));
    }

    /**
     * James' in-memory threshold in octets ({@code james.message.memory.threshold}, read as James reads it; 100 KiB
     * when unset): James keeps a larger message in a temporary file, and so does {@link #set}.
     */
    public static int jamesMemoryThreshold() {
        return JamesMessageSource.MEMORY_THRESHOLD;
    }

    /**
     * A message over these octets. A MimeMessage parsed from bytes writes them back unchanged (header fields as
     * read, body not decoded); James copies it into its own MimeMessageWrapper the same way.
     */
    public static MimeMessage from(byte[] octets) throws MessagingException {
        return new MimeMessage(SESSION, new SharedByteArrayInputStream(octets));
    }

    private static void notLinked(LinkageError e) {
        jamesServer = false;
        LOGGER.warn("James' message classes do not link ({}): messages are copied the JavaMail way", e.toString());
    }

    private static boolean jamesServerClassesPresent() {
        try {
            Class.forName("org.apache.james.server.core.MailImpl", false, MimeMessageBytes.class.getClassLoader());
            Class.forName("org.apache.james.server.core.MimeMessageWrapper", false,
                    MimeMessageBytes.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            LOGGER.debug("James server classes not present: messages are copied the JavaMail way");
            return false;
        }
    }
}
