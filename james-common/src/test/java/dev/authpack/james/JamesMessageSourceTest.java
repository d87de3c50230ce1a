package dev.authpack.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.mail.internet.SharedInputStream;
import javax.mail.util.SharedByteArrayInputStream;
import org.apache.james.server.core.MailHeaders;
import org.junit.jupiter.api.Test;

/**
 * {@link JamesMessageSource.OctetsStream} is {@link SharedByteArrayInputStream} without the lock: every operation
 * gives what the superclass gives, on the same octets, in any order, also on the streams {@code newStream} makes
 * (those end where the stream ends, also when asked for more: the superclass reads on into its array).
 */
class JamesMessageSourceTest {

    @Test
    void everyOperationGivesWhatSharedByteArrayInputStreamGives() throws Exception {
        Random random = new Random(8);
        for (int run = 0; run < 2_000; run++) {
            byte[] octets = new byte[random.nextInt(300)];
            random.nextBytes(octets);
            int offset = octets.length == 0 ? 0 : random.nextInt(octets.length);
            int length = random.nextInt(octets.length - offset + 20);
            InputStream ours = new JamesMessageSource.OctetsStream(octets, offset, length);
            InputStream theirs = new SharedByteArrayInputStream(octets, offset, length);
            List<String> trace = new ArrayList<>();
            for (int step = 0; step < 40; step++) {
                int op = random.nextInt(9);
                trace.add(String.valueOf(op));
                String what = "run " + run + " ops " + trace;
                switch (op) {
                    case 0, 1, 2, 3, 4, 5, 6, 7 -> sameOutcome(op, random, ours, theirs, what);
                    default -> {
                        long from = random.nextInt(Math.max(1, length));
                        long end = random.nextBoolean() ? -1 : from + random.nextInt(Math.max(1, length - (int) from + 1));
                        // past its own end the superclass reads on (up to the array's end); ours stops at its end,
                        // as the superclass does when asked for no more than it holds (review L1)
                        long own = theirs.available() + ((SharedInputStream) theirs).getPosition();
                        long to = end == -1 ? own : Math.min(end, own);
                        ours = ((SharedInputStream) ours).newStream(from, end);
                        theirs = ((SharedInputStream) theirs).newStream(Math.min(from, to), to);
                        assertThat(ours).isInstanceOf(JamesMessageSource.OctetsStream.class);
                    }
                }
            }
            ByteArrayOutputStream a = new ByteArrayOutputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            InputStream o = ours;
            InputStream t = theirs;
            assertThat(outcome(() -> o.transferTo(a))).isEqualTo(outcome(() -> t.transferTo(b)));
            assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        }
    }

    /**
     * A message in slices ({@link JamesMessageSource.OctetsSource}) reads as {@link SharedByteArrayInputStream} over
     * the slices joined: every operation, in any order, also on the streams {@code newStream} makes (within the
     * message: James asks for its body, or a part of it).
     */
    @Test
    void aMessageInSlicesReadsAsItsOctetsJoined() throws Exception {
        Random random = new Random(12);
        int acrossSlices = 0;
        for (int run = 0; run < 3_000; run++) {
            List<dev.authpack.mail.OctetSlice> slices = new ArrayList<>();
            for (int i = random.nextInt(5); i >= 0; i--) {
                byte[] array = new byte[random.nextInt(60)];
                random.nextBytes(array);
                int offset = array.length == 0 ? 0 : random.nextInt(array.length);
                slices.add(new dev.authpack.mail.OctetSlice(array, offset, random.nextInt(array.length - offset + 1)));
            }
            byte[] joined = dev.authpack.mail.OctetSlice.join(slices);
            JamesMessageSource.OctetsSource source = new JamesMessageSource.OctetsSource(slices);
            assertThat(source.getMessageSize()).isEqualTo(joined.length);
            InputStream ours = source.getInputStream();
            InputStream theirs = new SharedByteArrayInputStream(joined);
            List<String> trace = new ArrayList<>();
            for (int step = 0; step < 40; step++) {
                int op = random.nextInt(10);
                trace.add(String.valueOf(op));
                String what = "run " + run + " ops " + trace;
                switch (op) {
                    case 0, 1, 2, 3, 4, 5, 6, 7 -> sameOutcome(op, random, ours, theirs, what);
                    case 8 -> {
                        ByteArrayOutputStream a = new ByteArrayOutputStream();
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        assertThat(ours.transferTo(a)).as(what).isEqualTo(theirs.transferTo(b));
                        assertThat(a.toByteArray()).as(what).isEqualTo(b.toByteArray());
                    }
                    default -> {
                        int length = theirs.available() + (int) ((SharedInputStream) theirs).getPosition();
                        long from = random.nextInt(length + 1);
                        long end = random.nextBoolean() ? -1 : from + random.nextInt(length - (int) from + 1);
                        if (ours instanceof JamesMessageSource.SlicedStream) {
                            acrossSlices++;
                        }
                        ours = ((SharedInputStream) ours).newStream(from, end);
                        theirs = ((SharedInputStream) theirs).newStream(from, end);
                    }
                }
            }
            ByteArrayOutputStream a = new ByteArrayOutputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            assertThat(ours.transferTo(a)).isEqualTo(theirs.transferTo(b));
            assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        }
        assertThat(acrossSlices).as("streams across slices that made new streams").isGreaterThan(1_000);
    }

    /**
     * The attacker's message: every forged field dropped leaves a slice, so a header of many thousands of them makes
     * as many slices. Reading, skipping back and writing them all out stays linear in their number.
     */
    @Test
    void manySlicesReadInLinearTime() throws Exception {
        byte[] octets = new byte[400_000];
        java.util.Arrays.fill(octets, (byte) 'a');
        List<dev.authpack.mail.OctetSlice> slices = new ArrayList<>();
        for (int i = 0; i < octets.length; i += 2) {
            slices.add(new dev.authpack.mail.OctetSlice(octets, i, 1));
        }
        JamesMessageSource.OctetsSource source = new JamesMessageSource.OctetsSource(slices);
        ByteArrayOutputStream out = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(5), () -> {
                    InputStream in = source.getInputStream();
                    in.mark(0);
                    for (int i = 0; i < slices.size() / 2; i++) {
                        in.read();
                    }
                    in.reset();
                    ByteArrayOutputStream written = new ByteArrayOutputStream();
                    in.transferTo(written);
                    InputStream tail = ((SharedInputStream) source.getInputStream()).newStream(1, -1);
                    tail.skip(slices.size() / 2);
                    tail.transferTo(new ByteArrayOutputStream());
                    return written;
                });
        assertThat(out.size()).isEqualTo(slices.size());
    }

    /**
     * A stream within one slice of a message in slices is over the message received, in place: the octets after the
     * slice in that array are the forged field dropped. Asked for more than it holds, it gives only what it holds,
     * never those octets (review L1).
     */
    @Test
    void aStreamWithinOneSliceNeverReadsPastTheSlice() throws Exception {
        String kept = "Received: from a by b; Sun, 6 Dec 2026 00:00:00 +0000\r\n";
        String dropped = "Authentication-Results: mx.example.org; dkim=pass header.d=paypal.com\r\n";
        byte[] received = (kept + dropped + "From: a@example.org\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] ours = "Authentication-Results: mx.example.org; spf=pass\r\n".getBytes(StandardCharsets.US_ASCII);
        int cut = kept.length();
        int after = cut + dropped.length();
        JamesMessageSource.OctetsSource source = new JamesMessageSource.OctetsSource(List.of(
                dev.authpack.mail.OctetSlice.of(ours), new dev.authpack.mail.OctetSlice(received, 0, cut),
                new dev.authpack.mail.OctetSlice(received, after, received.length - after)));
        SharedInputStream whole = (SharedInputStream) source.getInputStream();
        SharedInputStream slice = (SharedInputStream) whole.newStream(ours.length, ours.length + cut);
        assertThat(slice).isInstanceOf(JamesMessageSource.OctetsStream.class);
        assertThat(read(slice.newStream(0, received.length))).isEqualTo(kept);
        assertThat(read(slice.newStream(9, Long.MAX_VALUE))).isEqualTo(kept.substring(9));
        assertThat(read(slice.newStream(0, -1))).isEqualTo(kept);
        assertThat(read(slice.newStream(cut, cut + 20))).isEmpty();
        assertThat(read(slice.newStream(cut + 5, received.length))).isEmpty();
        // and nested: a part of the slice asked past its own end gives the part, not the slice's rest
        SharedInputStream part = (SharedInputStream) slice.newStream(2, 10);
        assertThat(read(part.newStream(0, received.length))).isEqualTo(kept.substring(2, 10));
        // a message in one array that is a part of a larger one: the same
        InputStream one = new JamesMessageSource.OctetsSource(List.of(new dev.authpack.mail.OctetSlice(received, 0,
                cut))).getInputStream();
        assertThat(read(((SharedInputStream) one).newStream(0, received.length))).isEqualTo(kept);
    }

    private static String read(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** James parses a message in slices, header and body, as the same message in one array. */
    @Test
    void jamesReadsAMessageInSlicesAsTheJoinedMessage() throws Exception {
        byte[] received = MimeMessageBytesTest.MESSAGE.getBytes(StandardCharsets.US_ASCII);
        byte[] field = "Authentication-Results: mx.example.org; spf=pass\r\n".getBytes(StandardCharsets.US_ASCII);
        List<dev.authpack.mail.OctetSlice> slices = List.of(dev.authpack.mail.OctetSlice.of(field),
                new dev.authpack.mail.OctetSlice(received, 0, 10), new dev.authpack.mail.OctetSlice(received, 10,
                        received.length - 10));
        byte[] joined = dev.authpack.mail.OctetSlice.join(slices);
        org.apache.james.server.core.MimeMessageWrapper ours = new org.apache.james.server.core.MimeMessageWrapper(
                new JamesMessageSource.OctetsSource(slices));
        javax.mail.internet.MimeMessage theirs = MimeMessageBytes.from(joined);
        assertThat(java.util.Collections.list(ours.getAllHeaderLines()))
                .isEqualTo(java.util.Collections.list(theirs.getAllHeaderLines()));
        assertThat(((javax.mail.internet.MimeMultipart) ours.getContent()).getBodyPart(0).getContent())
                .isEqualTo(((javax.mail.internet.MimeMultipart) theirs.getContent()).getBodyPart(0).getContent())
                .isEqualTo("body  with   spaces ");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        ours.writeTo(written);
        assertThat(written.toByteArray()).isEqualTo(joined);
        assertThat(JamesMessageSource.unchangedOctets(ours)).hasValueSatisfying(o -> assertThat(o).isEqualTo(joined));
    }

    /**
     * One operation on both streams (0 read, 1–2 read into an array, 3 skip, 4 available, 5 mark, 6 reset, 7
     * getPosition), with the same random arguments: the same value, or the same exception class, and the same octets.
     */
    private static void sameOutcome(int op, Random random, InputStream ours, InputStream theirs, String what)
            throws Exception {
        switch (op) {
            case 0 -> assertThat(outcome(ours::read)).as(what).isEqualTo(outcome(theirs::read));
            case 1, 2 -> {
                int size = random.nextInt(80);
                int at = size == 0 ? 0 : random.nextInt(size);
                int len = random.nextInt(size - at + 1);
                byte[] a = new byte[size];
                byte[] b = new byte[size];
                assertThat(outcome(() -> ours.read(a, at, len))).as(what)
                        .isEqualTo(outcome(() -> theirs.read(b, at, len)));
                assertThat(a).as(what).isEqualTo(b);
            }
            case 3 -> {
                long n = random.nextInt(60) - 10;
                assertThat(outcome(() -> ours.skip(n))).as(what).isEqualTo(outcome(() -> theirs.skip(n)));
            }
            case 4 -> assertThat(ours.available()).as(what).isEqualTo(theirs.available());
            case 5 -> {
                ours.mark(0);
                theirs.mark(0);
            }
            case 6 -> {
                ours.reset();
                theirs.reset();
            }
            case 7 -> assertThat(((SharedInputStream) ours).getPosition()).as(what)
                    .isEqualTo(((SharedInputStream) theirs).getPosition());
            default -> throw new IllegalArgumentException("no operation " + op);
        }
    }

    /** A value, or the class of what was thrown: streams made past the array's end throw where the JDK's do. */
    private static Object outcome(java.util.concurrent.Callable<?> operation) {
        try {
            return operation.call();
        } catch (Exception e) {
            return e.getClass();
        }
    }

    @Test
    void badArgumentsAreRefusedAsTheSuperclassRefusesThem() {
        byte[] octets = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream ours = new JamesMessageSource.OctetsStream(octets, 0, octets.length);
        assertThatThrownBy(() -> ours.read(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ((SharedInputStream) ours).newStream(-1, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** What James does with it: the header section parsed one octet at a time reads the same fields. */
    @Test
    void jamesParsesTheSameHeaderFromIt() throws Exception {
        byte[] octets = MimeMessageBytesTest.MESSAGE.getBytes(StandardCharsets.US_ASCII);
        MailHeaders ours = new MailHeaders(new JamesMessageSource.OctetsStream(octets, 0, octets.length));
        MailHeaders theirs = new MailHeaders(new SharedByteArrayInputStream(octets));
        assertThat(java.util.Collections.list(ours.getAllHeaderLines()))
                .isEqualTo(java.util.Collections.list(theirs.getAllHeaderLines())).hasSize(5);
    }
}
