package dev.authpack.james;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.mail.OctetSlice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

/**
 * {@link MimeMessageBytes} over James' own message classes: the octets received come out unchanged and without
 * the message being parsed; octets set go in without a copy and leave the message unmodified; other mails and
 * changed messages take the JavaMail way with the same result.
 */
class MimeMessageBytesTest {
    /** Odd but legal: folding, a tab, no space after a colon, an empty field; JavaMail's re-serialisation keeps these. */
    static final String MESSAGE = "Received: from a by b;\r\n\tSun, 6 Dec 2026 00:00:00 +0000\r\n"
            + "From:  Ann  <ann@example.org>\r\nSubject:x\r\nX-Empty:\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nbody  with   spaces \r\n--b--\r\n";

    static MimeMessageWrapper received(String text) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create("test",
                new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        return new MimeMessageWrapper(source);
    }

    static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void readsTheReceivedOctetsWithoutParsingOrChangingTheMessage() throws Exception {
        MimeMessageWrapper message = received(MESSAGE);
        assertThat(new String(MimeMessageBytes.of(message), StandardCharsets.US_ASCII)).isEqualTo(MESSAGE);
        assertThat(message.isModified()).isFalse();
        assertThat(written(message)).isEqualTo(MESSAGE);
    }

    @Test
    void aMessageChangedByAnEarlierMailetIsReadAsItIsNow() throws Exception {
        MimeMessageWrapper message = received(MESSAGE);
        message.addHeader("X-Added", "yes");
        String octets = new String(MimeMessageBytes.of(message), StandardCharsets.US_ASCII);
        assertThat(octets).contains("X-Added: yes\r\n").endsWith("body  with   spaces \r\n--b--\r\n");
        assertThat(octets).isEqualTo(written(message));
    }

    @Test
    void writeToStreamsWhatOfGivesUnchangedParsedChangedOrSetInSlices() throws Exception {
        MimeMessageWrapper message = received(MESSAGE);
        assertThat(streamed(message)).isEqualTo(MESSAGE);
        assertThat(message.isModified()).isFalse();
        // parsed, not changed (a matcher read the content): the same octets, as James writes them
        message.getContent();
        assertThat(streamed(message)).isEqualTo(MESSAGE).isEqualTo(written(message));
        message.addHeader("X-Added", "yes");
        assertThat(streamed(message)).contains("X-Added: yes\r\n").isEqualTo(written(message))
                .isEqualTo(new String(MimeMessageBytes.of(message), StandardCharsets.US_ASCII));
        MailImpl mail = MailImpl.builder().name("m").mimeMessage(received(MESSAGE)).build();
        MimeMessageBytes.set(mail, List.of(OctetSlice.of("X-Top: 1\r\n".getBytes(StandardCharsets.US_ASCII)),
                OctetSlice.of(MESSAGE.getBytes(StandardCharsets.US_ASCII))));
        assertThat(streamed(mail.getMessage())).isEqualTo("X-Top: 1\r\n" + MESSAGE);
        // another kind of message: its own writeTo
        MimeMessage javaMail = MimeMessageBytes.from(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        assertThat(streamed(javaMail)).isEqualTo(written(javaMail));
    }

    private static String streamed(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MimeMessageBytes.writeTo(message, out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void setGivesJamesAnUnmodifiedMessageOverTheOctetsWithoutCopyingThem() throws Exception {
        MailImpl mail = MailImpl.builder().name("m").mimeMessage(received(MESSAGE)).build();
        byte[] changed = ("Authentication-Results: mx.example.org; spf=pass\r\n" + MESSAGE)
                .getBytes(StandardCharsets.US_ASCII);
        MimeMessageBytes.set(mail, changed);
        MimeMessage now = mail.getMessage();
        assertThat(now).isInstanceOf(MimeMessageWrapper.class);
        assertThat(((MimeMessageWrapper) now).isModified()).isFalse();
        assertThat(MimeMessageBytes.of(now)).isEqualTo(changed);
        assertThat(written(now)).isEqualTo(new String(changed, StandardCharsets.US_ASCII));
        assertThat(now.getHeader("Authentication-Results")).containsExactly("mx.example.org; spf=pass");
        assertThat(mail.getMessageSize()).isEqualTo(changed.length);
        mail.dispose();
    }

    @Test
    void theSetMessageIsParsedAsAViewOfTheOctetsAndGetsItsOwnSourceId() throws Exception {
        MailImpl first = MailImpl.builder().name("m1").mimeMessage(received(MESSAGE)).build();
        MailImpl second = MailImpl.builder().name("m2").mimeMessage(received(MESSAGE)).build();
        byte[] octets = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        MimeMessageBytes.set(first, octets);
        MimeMessageBytes.set(second, octets);
        MimeMessageWrapper one = (MimeMessageWrapper) first.getMessage();
        MimeMessageWrapper two = (MimeMessageWrapper) second.getMessage();
        // James' own sources give shared streams: a parse keeps the content as a view instead of a copy
        try (java.io.InputStream in = one.getMessageInputStream()) {
            assertThat(in).isInstanceOf(javax.mail.internet.SharedInputStream.class);
        }
        assertThat(one.getSourceId()).startsWith("authpack-").isNotEqualTo(two.getSourceId());
        // a full parse (what James does when a later mailet changes the message) reads the same message
        assertThat(((javax.mail.internet.MimeMultipart) one.getContent()).getCount()).isEqualTo(1);
        assertThat(written(one)).isEqualTo(MESSAGE);
        first.dispose();
        second.dispose();
    }

    @Test
    void anotherMailImplementationGetsAJavaMailMessageWithTheSameOctets() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(received(MESSAGE)).build();
        byte[] changed = ("X-Top: 1\r\n" + MESSAGE).getBytes(StandardCharsets.US_ASCII);
        MimeMessageBytes.set(mail, changed);
        assertThat(written(mail.getMessage())).isEqualTo(new String(changed, StandardCharsets.US_ASCII));
        assertThat(MimeMessageBytes.of(mail.getMessage())).isEqualTo(changed);
    }

    @Test
    void aMessageInMemoryIsReadWithoutASecondCopyAndTheSetOctetsComeBackAsThemselves() throws Exception {
        MimeMessageWrapper message = received(MESSAGE);
        byte[] first = MimeMessageBytes.of(message);
        byte[] second = MimeMessageBytes.of(message);
        assertThat(first).isEqualTo(second).isNotSameAs(second);   // James' source copies its buffer per stream
        MailImpl mail = MailImpl.builder().name("m").mimeMessage(received(MESSAGE)).build();
        byte[] octets = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        MimeMessageBytes.set(mail, octets);
        // our own source's stream hands its whole array over in one write: kept as it is, not copied again
        assertThat(MimeMessageBytes.of(mail.getMessage())).isSameAs(octets);
        mail.dispose();
    }

    @Test
    void streamsThatDoNotHandOverOneWholeArrayAreGathered() throws Exception {
        byte[] octets = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        JamesMessageSource.OctetsSink part = new JamesMessageSource.OctetsSink(0);
        part.write(octets, 1, octets.length - 1);
        assertThat(part.octets()).isEqualTo(java.util.Arrays.copyOfRange(octets, 1, octets.length));
        JamesMessageSource.OctetsSink several = new JamesMessageSource.OctetsSink(octets.length);
        several.write(octets, 0, 10);
        several.write(octets, 10, octets.length - 10);
        assertThat(several.octets()).isEqualTo(octets);
        JamesMessageSource.OctetsSink wholeThenMore = new JamesMessageSource.OctetsSink(0);
        byte[] head = java.util.Arrays.copyOf(octets, 10);
        wholeThenMore.write(head, 0, head.length);
        wholeThenMore.write('x');
        wholeThenMore.write(octets, 0, 3);
        assertThat(wholeThenMore.octets()).isEqualTo((MESSAGE.substring(0, 10) + "x" + MESSAGE.substring(0, 3))
                .getBytes(StandardCharsets.US_ASCII)).isNotSameAs(head);
        assertThat(new JamesMessageSource.OctetsSink(5).octets()).isEmpty();
        // one write of exactly all the octets to come: the array is kept as it is
        JamesMessageSource.OctetsSink one = new JamesMessageSource.OctetsSink(octets.length);
        one.write(octets, 0, octets.length);
        assertThat(one.octets()).isSameAs(octets);
    }

    /**
     * What JDK 21+'s {@code ByteArrayInputStream.transferTo} does with a stream it does not trust: one buffer of
     * 128 KiB, refilled before each write. A sink that kept the first chunk's array would see it overwritten by the
     * second, and give back a message of the right length whose first 128 KiB are a later chunk (review H2).
     */
    @Test
    void aSinkWrittenThroughOneReusedBufferGivesTheOctetsWritten() {
        byte[] message = randomOctets(300_000, 21);
        JamesMessageSource.OctetsSink sink = new JamesMessageSource.OctetsSink(message.length);
        byte[] buffer = new byte[131_072];
        for (int at = 0; at < message.length; at += buffer.length) {
            int n = Math.min(buffer.length, message.length - at);
            System.arraycopy(message, at, buffer, 0, n);
            sink.write(buffer, 0, n);
        }
        sameOctets(sink.octets(), message);
    }

    /** The same through the JDK's own {@code transferTo} (on JDK 21+ the reused buffer above; on 17 one write). */
    @Test
    void aByteArrayInputStreamOverMoreThan128KiBIsTransferredWhole() throws Exception {
        byte[] message = randomOctets(300_000, 22);
        JamesMessageSource.OctetsSink sink = new JamesMessageSource.OctetsSink(message.length);
        new ByteArrayInputStream(message).transferTo(sink);
        sameOctets(sink.octets(), message);
    }

    /**
     * The way James gets there: a source in memory over more than 128 KiB (a memory threshold above 128 KiB) gives a
     * new {@code ByteArrayInputStream} over a copy of its octets for each stream; they are read back whole.
     */
    @Test
    void aMessageInMemoryOverMoreThan128KiBIsReadWhole() throws Exception {
        byte[] body = randomOctets(300_000, 23);
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + (body[i] & 0x0f));
        }
        byte[] message = OctetSlice.join(List.of(OctetSlice.of(
                "From: a@example.com\r\nSubject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), OctetSlice.of(body)));
        MimeMessageWrapper wrapper = new MimeMessageWrapper(new MimeMessageSource() {
            @Override
            public String getSourceId() {
                return "in-memory";
            }

            @Override
            public InputStream getInputStream() {
                return new ByteArrayInputStream(message.clone());
            }

            @Override
            public long getMessageSize() {
                return message.length;
            }
        });
        sameOctets(MimeMessageBytes.of(wrapper), message);
        sameOctets(MimeMessageBytes.of(wrapper), message);
        assertThat(wrapper.isModified()).isFalse();
    }

    /** Equal arrays, or the length and the first octet that differs (not 300,000 octets printed). */
    static void sameOctets(byte[] actual, byte[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(java.util.Arrays.mismatch(actual, expected)).as("the first octet that differs").isEqualTo(-1);
    }

    static byte[] randomOctets(int n, long seed) {
        byte[] octets = new byte[n];
        new Random(seed).nextBytes(octets);
        return octets;
    }

    /** Review s18 H1/H2: the header section read for a message checked from it alone, and whether it is clean. */
    @Test
    void theHeaderSectionRunsToTheLaterEndOfBothReadingsAndSaysWhetherItIsClean() throws Exception {
        String clean = "From: a@example.com\r\nSubject: x\r\n\r\n";
        MimeMessageBytes.HeaderSection read = MimeMessageBytes.readHeaderSection(received(clean + "body\r\n"), 1024);
        assertThat(new String(read.octets(), StandardCharsets.US_ASCII)).isEqualTo(clean);
        assertThat(read.clean()).isTrue();
        // LF-only header lines, CRLF body lines: on to the CRLF-only reader's end, not clean
        String lfHead = "From: a@example.com\nSubject: x\n\nFrom: ceo@victim.example\r\n\r\n";
        read = MimeMessageBytes.readHeaderSection(received(lfHead + "body\r\n"), 1024);
        assertThat(new String(read.octets(), StandardCharsets.US_ASCII)).isEqualTo(lfHead);
        assertThat(read.clean()).isFalse();
        // a lone CR in CRLF header lines
        String loneCr = "From: a@example.com\rX: y\r\n\r\n";
        read = MimeMessageBytes.readHeaderSection(received(loneCr + "body\r\n"), 1024);
        assertThat(new String(read.octets(), StandardCharsets.US_ASCII)).isEqualTo(loneCr);
        assertThat(read.clean()).isFalse();
        // no CR LF CR LF within the bound: the bound and one octet, not clean
        read = MimeMessageBytes.readHeaderSection(received("From: a@example.com\nX: y\n\n" + "b".repeat(4096)), 1024);
        assertThat(read.octets()).hasSize(1025);
        assertThat(read.clean()).isFalse();
        // no end at all within the bound
        read = MimeMessageBytes.readHeaderSection(received("X: " + "a".repeat(4096) + "\r\n\r\n"), 1024);
        assertThat(read.octets()).hasSize(1025);
        assertThat(read.clean()).isFalse();
        // an empty header section
        read = MimeMessageBytes.readHeaderSection(received("\r\nbody\r\n"), 1024);
        assertThat(new String(read.octets(), StandardCharsets.US_ASCII)).isEqualTo("\r\n");
        assertThat(read.clean()).isTrue();
    }
}
