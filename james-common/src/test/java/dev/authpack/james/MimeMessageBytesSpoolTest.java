package dev.authpack.james;

import static dev.authpack.james.JamesSources.JAMES_DEFAULT_THRESHOLD;
import static dev.authpack.james.MimeMessageBytesTest.sameOctets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.authres.AuthResultsRewrite;
import dev.authpack.mail.OctetSlice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where {@link MimeMessageBytes#set} puts a message (review s15 M3): one larger than James' in-memory threshold
 * ({@code james.message.memory.threshold}, 100 KiB by default) goes where James keeps any such message, its own
 * source over a temporary file, not our octets on the heap for the rest of the mail's way; one of the threshold or
 * less stays our slices in memory, without a copy. Either reads back octet for octet, and the temporary file goes
 * when James disposes of the mail.
 */
class MimeMessageBytesSpoolTest {
    private static final String OURS = "Authentication-Results: mx.example.org; spf=pass";
    private static final String HEADER = "Received: from a by b; Sun, 6 Dec 2026 00:00:00 +0000\r\n"
            + "Authentication-Results: mx.example.org; dkim=pass header.d=paypal.com\r\n"
            + "From: a@example.org\r\nSubject: big\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";

    @BeforeAll
    static void defaultThreshold() {
        JamesSources.jamesDefaultThreshold();
    }

    /** A message of exactly {@code size} octets: {@link #HEADER}, then lines of text (the last one shorter). */
    static byte[] message(int size) {
        StringBuilder text = new StringBuilder(size).append(HEADER);
        for (int line = 0; text.length() < size; line++) {
            text.append(String.format("line %07d abcdefghijklmnopqrstuvwxyz 0123456789\r\n", line));
        }
        text.setLength(size - 2);
        return text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** A mail James did not copy, over a message received (James' own source; a file above the threshold). */
    static MailImpl received(byte[] octets) throws Exception {
        MailImpl mail = MailImpl.builder().name("m").build();
        mail.setMessageNoCopy(new MimeMessageWrapper(MimeMessageInputStreamSource.create("received",
                new ByteArrayInputStream(octets))));
        return mail;
    }

    @Test
    void aMessageAboveJamesThresholdSetThroughTheRewriteIsKeptInJamesOwnSourceInATemporaryFile() throws Exception {
        byte[] input = message(3 * JAMES_DEFAULT_THRESHOLD);
        MailImpl mail = received(input);
        File receivedFile = JamesSources.spoolFile(JamesSources.sourceOf(mail.getMessage())).orElseThrow();
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(MimeMessageBytes.of(mail.getMessage()),
                "mx.example.org", OURS);
        assertThat(result.removed()).isEqualTo(1);
        assertThat(result.slices()).hasSizeGreaterThan(2);
        byte[] expected = OctetSlice.join(result.slices());
        try {
            MimeMessageBytes.set(mail, result.slices());
            MimeMessage now = mail.getMessage();
            MimeMessageSource source = JamesSources.sourceOf(now);
            assertThat(source).isInstanceOf(MimeMessageInputStreamSource.class)
                    .isNotInstanceOf(JamesMessageSource.OctetsSource.class);
            File file = JamesSources.spoolFile(source).orElseThrow();
            assertThat(file).isFile().hasSize(expected.length);
            // the message it replaced was disposed of, as James disposes of a message it replaces
            assertThat(receivedFile).doesNotExist();

            assertThat(((MimeMessageWrapper) now).isModified()).isFalse();
            assertThat(mail.getMessageSize()).isEqualTo(expected.length);
            byte[] first = MimeMessageBytes.of(now);
            byte[] second = MimeMessageBytes.of(now);
            sameOctets(first, expected);
            sameOctets(second, expected);
            assertThat(first == second).as("one array kept for every reader").isFalse();
            sameOctets(written(now), expected);
            // javax.mail reads it as the message: our field only, the body as it was
            assertThat(now.getHeader("Authentication-Results")).containsExactly("mx.example.org; spf=pass");
            String body = new String(input, StandardCharsets.US_ASCII).substring(HEADER.length());
            assertThat((String) now.getContent()).isEqualTo(body);
            sameOctets(written(new MimeMessage(now)), expected);
            try (java.io.InputStream in = ((MimeMessageWrapper) now).getMessageInputStream()) {
                MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), in);
                assertThat(parsed.getHeader("Authentication-Results")).containsExactly("mx.example.org; spf=pass");
                assertThat((String) parsed.getContent()).isEqualTo(body);
                sameOctets(written(parsed), expected);
            }
            assertThat(((MimeMessageWrapper) now).isModified()).isFalse();
            sameOctets(written(now), expected);
        } finally {
            mail.dispose();
        }
        assertThat(receivedFile).doesNotExist();
    }

    @Test
    void theTemporaryFileGoesWithTheMail() throws Exception {
        MailImpl mail = MailImpl.builder().name("m").build();
        byte[] big = message(JAMES_DEFAULT_THRESHOLD + 1);
        MimeMessageBytes.set(mail, big);
        File first = JamesSources.spoolFile(JamesSources.sourceOf(mail.getMessage())).orElseThrow();
        assertThat(first).isFile();
        // replaced by another message: the first one's file goes at once
        MimeMessageBytes.set(mail, List.of(OctetSlice.of((OURS + "\r\n").getBytes(StandardCharsets.US_ASCII)),
                OctetSlice.of(big)));
        File second = JamesSources.spoolFile(JamesSources.sourceOf(mail.getMessage())).orElseThrow();
        assertThat(first).doesNotExist();
        assertThat(second).isFile();
        org.apache.james.lifecycle.api.LifecycleUtil.dispose(mail);
        assertThat(second).doesNotExist();
    }

    @Test
    void aMessageOfJamesThresholdOrLessStaysOurOctetsInMemoryWithoutACopy() throws Exception {
        byte[] atThreshold = message(JAMES_DEFAULT_THRESHOLD);
        MailImpl mail = MailImpl.builder().name("m").build();
        try {
            MimeMessageBytes.set(mail, atThreshold);
            assertThat(JamesMessageSource.OctetsSource.class.isInstance(JamesSources.sourceOf(mail.getMessage())))
                    .isTrue();
            assertThat(MimeMessageBytes.of(mail.getMessage()) == atThreshold).as("the array set, not a copy").isTrue();
            // in slices, the threshold exactly
            byte[] field = (OURS + "\r\n").getBytes(StandardCharsets.US_ASCII);
            List<OctetSlice> slices = List.of(OctetSlice.of(field), new OctetSlice(atThreshold, 0, 20),
                    new OctetSlice(atThreshold, 20, atThreshold.length - 20 - field.length));
            MimeMessageBytes.set(mail, slices);
            assertThat(JamesSources.sourceOf(mail.getMessage()))
                    .isInstanceOf(JamesMessageSource.OctetsSource.class);
            assertThat(mail.getMessageSize()).isEqualTo(JAMES_DEFAULT_THRESHOLD);
            sameOctets(MimeMessageBytes.of(mail.getMessage()), OctetSlice.join(slices));
            // one octet more: James' own source
            MimeMessageBytes.set(mail, message(JAMES_DEFAULT_THRESHOLD + 1));
            assertThat(JamesSources.sourceOf(mail.getMessage())).isInstanceOf(MimeMessageInputStreamSource.class);
        } finally {
            mail.dispose();
        }
    }

    /** The threshold is James' own: the same property, read by the same parser (an administrator sets both). */
    @Test
    void theThresholdIsJamesOwnReadAsJamesReadsIt() throws Exception {
        java.lang.reflect.Field james = MimeMessageInputStreamSource.class.getDeclaredField("THRESHOLD");
        james.setAccessible(true);
        assertThat(JamesMessageSource.MEMORY_THRESHOLD).isEqualTo(james.getInt(null))
                .isEqualTo(JAMES_DEFAULT_THRESHOLD);
        assertThat(JamesMessageSource.memoryThreshold(null)).isEqualTo(102_400);
        assertThat(JamesMessageSource.memoryThreshold("4096")).isEqualTo(4096);
        assertThat(JamesMessageSource.memoryThreshold(" 1 MiB")).isEqualTo(1 << 20);
        assertThat(JamesMessageSource.memoryThreshold("512KiB")).isEqualTo(512 << 10);
        // what James cannot read (its own source then fails to load): the default
        assertThat(JamesMessageSource.memoryThreshold("lots")).isEqualTo(102_400);
        assertThat(JamesMessageSource.memoryThreshold("3GiB")).isEqualTo(102_400);
    }

    /**
     * Slices over the threshold kept in memory (only when James' source could not be written) are joined for each
     * reader that asks for one array, never kept joined next to the slices: that would be the message twice.
     */
    @Test
    void slicesAboveTheThresholdAreNotKeptJoined() {
        byte[] received = message(2 * JAMES_DEFAULT_THRESHOLD);
        byte[] field = (OURS + "\r\n").getBytes(StandardCharsets.US_ASCII);
        List<OctetSlice> slices = List.of(OctetSlice.of(field), new OctetSlice(received, 0, 55),
                new OctetSlice(received, 130, received.length - 130));
        JamesMessageSource.OctetsSource big = new JamesMessageSource.OctetsSource(slices);
        byte[] first = big.joined();
        byte[] second = big.joined();
        sameOctets(first, OctetSlice.join(slices));
        sameOctets(second, first);
        assertThat(first == second).as("the slices joined kept next to them").isFalse();
        // at most the threshold: joined once and kept, as before
        byte[] small = message(JAMES_DEFAULT_THRESHOLD - field.length);
        JamesMessageSource.OctetsSource kept = new JamesMessageSource.OctetsSource(List.of(OctetSlice.of(field),
                OctetSlice.of(small)));
        assertThat(kept.joined() == kept.joined()).as("joined once").isTrue();
    }
}
