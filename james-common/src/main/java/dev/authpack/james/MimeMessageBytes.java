package dev.authpack.james;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Properties;

/**
 * A mail's message as octets and back, for mailets that sign: the engine works on the bytes the message is
 * sent as, and the signed bytes become the mail's new message.
 */
public final class MimeMessageBytes {
    /** Our own: signed bytes are read back with no system-wide mail.mime.* property in the way. */
    private static final Session SESSION = Session.getInstance(new Properties());

    private MimeMessageBytes() {
    }

    /** The message as James would send it: for a message not modified since it was read, the octets received. */
    public static byte[] of(MimeMessage message) throws IOException, MessagingException {
        int size = message.getSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream(size > 0 ? size + 1024 : 8192);
        message.writeTo(out);
        return out.toByteArray();
    }

    /**
     * A message over these octets. A MimeMessage parsed from bytes writes them back unchanged (header fields as
     * read, body not decoded); James copies it into its own MimeMessageWrapper the same way.
     */
    public static MimeMessage from(byte[] octets) throws MessagingException {
        return new MimeMessage(SESSION, new SharedByteArrayInputStream(octets));
    }
}
