package dev.authpack.james;

import java.io.File;
import java.lang.reflect.Field;
import java.util.Optional;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.BufferedDeferredFileOutputStream;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;

/**
 * What a James message holds its octets in, for the tests of where {@link MimeMessageBytes#set} puts a message: the
 * wrapper's source (a protected field, read by reflection), and the temporary file of James' own source when it spooled
 * the message to one. Shared with the mailets' tests (test-jar).
 */
public final class JamesSources {
    /** James' in-memory threshold in these tests: its default, {@code james.message.memory.threshold} unset. */
    public static final int JAMES_DEFAULT_THRESHOLD = 102_400;

    private JamesSources() {
    }

    /** The source a James message reads its octets from. */
    public static MimeMessageSource sourceOf(MimeMessage message) throws ReflectiveOperationException {
        Field source = MimeMessageWrapper.class.getDeclaredField("source");
        source.setAccessible(true);
        return (MimeMessageSource) source.get(message);
    }

    /** The temporary file James' own source keeps its octets in; empty for a source in memory or not James' own. */
    public static Optional<File> spoolFile(MimeMessageSource source) {
        if (!(source instanceof MimeMessageInputStreamSource james)) {
            return Optional.empty();
        }
        return Optional.ofNullable(((BufferedDeferredFileOutputStream) james.getWritableOutputStream()).getFile());
    }

    /** Fails the test unless the property the threshold is read from is unset (its default applies). */
    public static void jamesDefaultThreshold() {
        if (System.getProperty("james.message.memory.threshold") != null) {
            throw new IllegalStateException("these tests assume james.message.memory.threshold unset");
        }
    }
}
