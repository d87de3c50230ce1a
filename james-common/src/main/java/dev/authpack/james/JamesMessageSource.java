package dev.authpack.james;

import dev.authpack.mail.OctetSlice;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.util.SizeFormat;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.SharedInputStream;
import javax.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The James 3.8/3.9 server classes {@link MimeMessageBytes} uses when it runs inside James, kept in this one class:
 * James' {@link MimeMessageWrapper} keeps the octets received ({@link MimeMessageSource}) until a mailet changes
 * the message, and a message set with {@link MailImpl#setMessageNoCopy} is again such a wrapper, with nothing parsed
 * and nothing marked modified: over our own octets in memory, or, for a message larger than James' in-memory
 * threshold, over James' own source in a temporary file, as James keeps any message that large (review s15 M3).
 * Loaded only when the message is James' own, so the pack also runs where these classes are absent (tests with
 * {@code FakeMail}).
 */
final class JamesMessageSource {
    private static final Logger LOGGER = LoggerFactory.getLogger(JamesMessageSource.class);
    /** The system property James reads its in-memory threshold from ({@code MimeMessageInputStreamSource}). */
    static final String MEMORY_THRESHOLD_PROPERTY = "james.message.memory.threshold";
    /** James' threshold when that property is unset: 100 KiB (3.8.1 and 3.9.0). */
    static final int DEFAULT_MEMORY_THRESHOLD = 100 * 1024;
    /**
     * James' in-memory threshold, in octets: James keeps a message larger than this in a temporary file, anything
     * else in memory. Read once, as James reads it (once, when {@link MimeMessageInputStreamSource} is loaded): the
     * same property through the same parser, so an administrator's setting applies to both.
     */
    static final int MEMORY_THRESHOLD = memoryThreshold(System.getProperty(MEMORY_THRESHOLD_PROPERTY));

    private JamesMessageSource() {
    }

    /**
     * The threshold a value of {@link #MEMORY_THRESHOLD_PROPERTY} sets, as James 3.8.1 and 3.9.0 read it: a size
     * ({@code 102400}, {@code 1MiB}, ...) parsed by James' {@link SizeFormat}, at most {@code Integer.MAX_VALUE};
     * {@link #DEFAULT_MEMORY_THRESHOLD} when unset. A value James cannot read stops James' own source from loading
     * at all; here it gives the default, with a warning.
     */
    static int memoryThreshold(String property) {
        if (property == null) {
            return DEFAULT_MEMORY_THRESHOLD;
        }
        try {
            return Math.toIntExact(SizeFormat.parseAsByteCount(property));
        } catch (RuntimeException e) {
            LOGGER.warn("{}={} is not a size James can read ({}): {} octets assumed", MEMORY_THRESHOLD_PROPERTY,
                    property, e.toString(), DEFAULT_MEMORY_THRESHOLD);
            return DEFAULT_MEMORY_THRESHOLD;
        }
    }

    /**
     * What {@link MimeMessageWrapper#getMessageInputStream} gives for a message not modified since it was received,
     * i.e. what James would write for it; empty for a modified message. Only when the message has not been parsed
     * either is that the octets received (James streams its source as is). Once it has been parsed, James gives its
     * header section re-serialized (the lines javax.mail parsed, each ended by CRLF) followed by the body received,
     * or, for a message with no source (a copy), the whole message re-serialized: not the octets received (review
     * L3). The array may be the source's own (our octets, {@link OctetsStream}; the copy James' stream reads from,
     * {@link OctetsSink}): it must not be changed.
     */
    static Optional<byte[]> unchangedOctets(MimeMessage message) throws IOException, MessagingException {
        if (!(message instanceof MimeMessageWrapper wrapper) || wrapper.isModified()) {
            return Optional.empty();
        }
        try (InputStream in = wrapper.getMessageInputStream()) {
            if (in instanceof OctetsStream ours) {
                // a message we set (MimeMessageBytes.set): its octets, never changed
                return Optional.of(ours.remaining());
            }
            if (in instanceof SlicedStream ours && ours.getPosition() == 0) {
                // a message we set in slices: joined, and kept by its source up to the threshold
                return Optional.of(ours.source.joined());
            }
            if (in.getClass() != ByteArrayInputStream.class || !TRANSFER_HANDS_OVER_ITS_OWN_ARRAY) {
                return Optional.of(in.readAllBytes());
            }
            // exactly a ByteArrayInputStream: available() is the number of octets transferTo writes
            OctetsSink sink = new OctetsSink(in.available());
            in.transferTo(sink);
            return Optional.of(sink.octets());
        }
    }

    /** Whether the message is James' own ({@link MimeMessageWrapper}). */
    static boolean isJames(MimeMessage message) {
        return message instanceof MimeMessageWrapper;
    }

    /**
     * {@link MimeMessageBytes#replaceHeaderSection} for James' own message: {@code header}, then what
     * {@link MimeMessageBytes#writeTo} gives past its first {@code headerLength} octets, streamed into a new James
     * source (in memory up to James' threshold, past it a temporary file, as James keeps any message that large) that
     * becomes the mail's message, nothing parsed or marked modified. Memory stays one buffer whatever the message's
     * size. For an unchanged message that is the octets {@link #unchangedOctets} gives; for one another mailet
     * changed, what James writes for it (as it would to its spool; the header section was read from the same writing,
     * James' {@code saveChanges} done by then): its fields are not put back through javax.mail, which James would
     * then save again, moving fields of its own ({@code MIME-Version}) above ours (session 20). False, changing
     * nothing, for a mail not James' own.
     */
    static boolean replaceHeaderStreamed(Mail mail, int headerLength, List<OctetSlice> header)
            throws IOException, MessagingException {
        if (!(mail instanceof MailImpl impl) || !(mail.getMessage() instanceof MimeMessageWrapper wrapper)) {
            return false;
        }
        MimeMessageInputStreamSource james = MimeMessageInputStreamSource.create(OctetsSource.newId());
        boolean set = false;
        try {
            OutputStream out = james.getWritableOutputStream();
            for (OctetSlice slice : header) {
                out.write(slice.array(), slice.offset(), slice.length());
            }
            if (wrapper.isModified()) {
                wrapper.writeTo(new Skipping(out, headerLength));
            } else {
                try (InputStream in = wrapper.getMessageInputStream()) {
                    in.skipNBytes(headerLength);
                    in.transferTo(out);
                }
            }
            // flushes to the file: only then is the message there
            out.close();
            impl.setMessageNoCopy(new MimeMessageWrapper(james));
            set = true;
        } finally {
            if (!set) {
                // the mail did not take it: nothing else will dispose of James' source (its temporary file)
                james.dispose();
            }
        }
        return true;
    }

    /** Passes on what is written to it past its first {@code skip} octets; closing it does not close the stream. */
    private static final class Skipping extends OutputStream {
        private final OutputStream out;
        private long skip;

        Skipping(OutputStream out, long skip) {
            this.out = out;
            this.skip = skip;
        }

        @Override
        public void write(int b) throws IOException {
            if (skip > 0) {
                skip--;
            } else {
                out.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int skipped = (int) Math.min(skip, len);
            skip -= skipped;
            if (len > skipped) {
                out.write(b, off + skipped, len - skipped);
            }
        }
    }

    /**
     * Writes what {@link #unchangedOctets} gives to {@code out}, streamed (a message James keeps in a file is not
     * read into memory), and says true; false, writing nothing, for a modified message or one not James' own.
     */
    static boolean transferUnchanged(MimeMessage message, OutputStream out) throws IOException, MessagingException {
        if (!(message instanceof MimeMessageWrapper wrapper) || wrapper.isModified()) {
            return false;
        }
        try (InputStream in = wrapper.getMessageInputStream()) {
            in.transferTo(out);
        }
        return true;
    }

    /**
     * Whether this JDK's {@code ByteArrayInputStream.transferTo} writes the stream's own array to a stream it does
     * not know (JDK 17 does, in one write), rather than chunks of at most 128 KiB through one temporary buffer that
     * it refills before each write (JDK 21+). Tried once, as it is, instead of inferred from the version.
     */
    static final boolean TRANSFER_HANDS_OVER_ITS_OWN_ARRAY = transferHandsOverItsOwnArray();

    private static boolean transferHandsOverItsOwnArray() {
        byte[] probe = new byte[8];
        boolean[] own = {true};
        try {
            new ByteArrayInputStream(probe).transferTo(new OutputStream() {
                @Override
                public void write(int b) {
                    own[0] = false;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    own[0] &= b == probe;
                }
            });
        } catch (IOException e) {
            return false;
        }
        return own[0];
    }

    /**
     * Where the stream of James' source in memory is transferred to (a {@code ByteArrayInputStream} over a copy of
     * James' buffer made for that stream), on a JDK whose {@code transferTo} hands that array over: it is kept as it
     * is, saving the copy {@code readAllBytes} would make (the message's size again, twice a mail on the session path).
     * Nothing writes into it afterwards: a {@code ByteArrayInputStream} never writes into its array, and James made
     * this one for this stream alone.
     * <p>
     * An array written is kept only when one write holds all the octets to come ({@code size}, exact), from the
     * array's first octet to its last: the writer has nothing left to write, so no reason to fill that array again.
     * Anything else is copied as it is written, never kept to be copied later: a writer may refill its buffer for
     * the next write (JDK 21+'s {@code transferTo} does, and a chunk kept until then is lost: review H2). A correct
     * copy beats a fast corruption.
     */
    static final class OctetsSink extends OutputStream {
        private final int size;
        private byte[] octets;
        private int count;
        /** Whether {@link #octets} is the writer's array, kept as it is (never written into). */
        private boolean kept;

        /** A sink for exactly {@code size} octets, the number the writer is known to write. */
        OctetsSink(int size) {
            this.size = Math.max(size, 0);
        }

        @Override
        public void write(int b) {
            room(1);
            octets[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (octets == null && off == 0 && len == size && b.length == size) {
                octets = b;
                count = len;
                kept = true;
                return;
            }
            room(len);
            System.arraycopy(b, off, octets, count, len);
            count += len;
        }

        /** An array of our own with room for {@code more} octets after {@link #count}. */
        private void room(int more) {
            long needed = (long) count + more;
            if (octets != null && !kept && needed <= octets.length) {
                return;
            }
            if (needed > Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError("message over 2 GiB");
            }
            int length = (int) Math.max(needed, octets == null ? size
                    : Math.min(Integer.MAX_VALUE - 8, 2L * octets.length));
            octets = octets == null ? new byte[length] : Arrays.copyOf(octets, length);
            kept = false;
        }

        /** The octets written: the array handed over whole, or our own. */
        byte[] octets() {
            if (octets == null) {
                return new byte[0];
            }
            return count == octets.length ? octets : Arrays.copyOf(octets, count);
        }
    }

    /**
     * Makes {@code octets} the mail's message: a fresh {@link MimeMessageWrapper}, as James makes for a message it
     * receives, nothing parsed or marked modified. The wrapper it replaces is disposed of ({@code setMessageNoCopy}),
     * and this one is when James disposes of the mail. False when the mail is not James' own {@link MailImpl}.
     * <p>
     * At most {@link #MEMORY_THRESHOLD} octets: over the octets themselves ({@link OctetsSource}), not copied (the
     * path every checked mail takes). Larger: James' own {@link MimeMessageInputStreamSource}, which keeps a message
     * that large in a temporary file, exactly as James keeps one it receives or copies; a large mail does not stay on
     * the heap for the rest of its way (review s15 M3: the spool threads times the largest message an outside sender
     * may send, twice with {@link OctetsSource#joined}).
     */
    static boolean setWithoutCopy(Mail mail, List<OctetSlice> octets) throws MessagingException {
        if (!(mail instanceof MailImpl impl)) {
            return false;
        }
        OctetsSource ours = new OctetsSource(octets);
        MimeMessageSource source = ours.getMessageSize() > MEMORY_THRESHOLD ? inJamesSource(ours) : ours;
        try {
            impl.setMessageNoCopy(new MimeMessageWrapper(source));
        } catch (MessagingException | RuntimeException e) {
            // the mail did not take it: nothing else will dispose of James' source (its temporary file)
            if (source != ours) {
                org.apache.james.lifecycle.api.LifecycleUtil.dispose(source);
            }
            throw e;
        }
        return true;
    }

    /**
     * The message in a new {@link MimeMessageInputStreamSource}, made the way James copies a message into one
     * ({@code MimeMessageWrapper(MimeMessage)}: {@code create(id)}, its writable stream, close): past the threshold
     * James moves what it holds to a temporary file and writes on there. The slices go in one write each, never
     * joined into one more array. Where the file cannot be written (a full disk, say) the source is disposed of (its
     * file goes) and the message stays ours in memory: the message as rewritten, forged fields gone, matters more
     * than where it is kept.
     */
    private static MimeMessageSource inJamesSource(OctetsSource ours) {
        MimeMessageInputStreamSource james = MimeMessageInputStreamSource.create(ours.getSourceId());
        boolean written = false;
        try {
            OutputStream out = james.getWritableOutputStream();
            ours.writeTo(out);
            // flushes to the file: only then is the message there
            out.close();
            written = true;
        } catch (IOException e) {
            LOGGER.warn("message of {} octets kept in memory: James' temporary file not written ({})",
                    ours.getMessageSize(), e.toString());
        } finally {
            if (!written) {
                james.dispose();
            }
        }
        return written ? james : ours;
    }

    /**
     * A message source over octets in memory, never changed, so nothing to dispose: one array, or slices of arrays
     * (our field, then the message received around the fields dropped) read as one stream without being joined.
     * Its stream is a {@link SharedInputStream}, as James' own sources give: a message parsed from it keeps its
     * content as a view of these octets instead of copying it, and so do the body parts of a multipart parsed from
     * that. Its id is unique in the JVM and costs no random bits (a UUID a mail drew from the system's SecureRandom).
     * A mail is given one only up to {@link #MEMORY_THRESHOLD} octets ({@link #setWithoutCopy}).
     */
    static final class OctetsSource implements MimeMessageSource {
        private static final String PREFIX = "authpack-" + Long.toHexString(System.nanoTime()) + "-";
        private static final AtomicLong SOURCES = new AtomicLong();
        private final byte[][] arrays;
        private final int[] offsets;
        /** Where each slice starts in the message, and (last) the message's size. */
        private final long[] starts;
        private final String id = newId();
        /**
         * The slices joined, once a reader asks for one array ({@link #unchangedOctets}), and kept only up to
         * {@link #MEMORY_THRESHOLD} octets; or the one array the message is.
         */
        private volatile byte[] joined;

        /** An id unique in the JVM, costing no random bits. */
        static String newId() {
            return PREFIX + SOURCES.incrementAndGet();
        }

        OctetsSource(List<OctetSlice> slices) {
            int n = slices.size();
            arrays = new byte[n][];
            offsets = new int[n];
            starts = new long[n + 1];
            for (int i = 0; i < n; i++) {
                OctetSlice slice = slices.get(i);
                arrays[i] = slice.array();
                offsets[i] = slice.offset();
                starts[i + 1] = starts[i] + slice.length();
            }
            if (n == 1 && slices.get(0).whole()) {
                joined = arrays[0];
            }
        }

        @Override
        public String getSourceId() {
            return id;
        }

        @Override
        public InputStream getInputStream() {
            return range(0, starts[arrays.length]);
        }

        @Override
        public long getMessageSize() {
            return starts[arrays.length];
        }

        /**
         * A stream over the message's octets {@code [from, to)}: within one slice, that slice's octets as one
         * array ({@link OctetsStream}); across slices, a {@link SlicedStream}.
         */
        InputStream range(long from, long to) {
            if (arrays.length == 1) {
                return new OctetsStream(arrays[0], offsets[0] + (int) from, (int) (to - from));
            }
            int slice = sliceAt(from);
            if (slice < arrays.length && to <= starts[slice + 1]) {
                return new OctetsStream(arrays[slice], offsets[slice] + (int) (from - starts[slice]),
                        (int) (to - from));
            }
            return new SlicedStream(this, from, to);
        }

        /**
         * The slice holding the message's octet {@code position} (the number of slices at the end), by binary search:
         * a header of many forged fields dropped is as many slices.
         */
        int sliceAt(long position) {
            int low = 0;
            int high = arrays.length;
            // starts[i + 1] <= position holds for a prefix of the slices: find its length
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (starts[mid + 1] <= position) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }

        /**
         * The message in one array. The slices joined are kept for the next reader only up to
         * {@link #MEMORY_THRESHOLD} octets, as James keeps a message that small in memory (and copies it for each
         * reader); a larger one kept joined would be the message twice over for as long as the mail lives.
         */
        byte[] joined() {
            byte[] octets = joined;
            if (octets == null) {
                List<OctetSlice> slices = new ArrayList<>(arrays.length);
                for (int i = 0; i < arrays.length; i++) {
                    slices.add(new OctetSlice(arrays[i], offsets[i], (int) (starts[i + 1] - starts[i])));
                }
                octets = OctetSlice.join(slices);
                if (octets.length <= MEMORY_THRESHOLD) {
                    joined = octets;
                }
            }
            return octets;
        }

        /** Writes the message to {@code out}, one write a slice. */
        void writeTo(OutputStream out) throws IOException {
            for (int i = 0; i < arrays.length; i++) {
                out.write(arrays[i], offsets[i], (int) (starts[i + 1] - starts[i]));
            }
        }
    }

    /**
     * The octets {@code [begin, end)} of a message in slices ({@link OctetsSource}) as one {@link SharedInputStream},
     * read slice by slice without joining them: what {@link OctetsStream} is over one array, position for
     * position ({@code JamesMessageSourceTest} compares every operation with {@link SharedByteArrayInputStream}
     * over the joined octets). Read by the one thread that asked for it, like {@link OctetsStream}.
     */
    static final class SlicedStream extends InputStream implements SharedInputStream {
        private static final byte[] NONE = new byte[0];
        private final OctetsSource source;
        private final long begin;
        private final long end;
        private long mark;
        /*
         * The slice being read, as BufferedInputStream holds its buffer, so that reading one octet (javax.mail reads
         * every header line so, several times a mail) is one compare and one load, not a walk of the slice tables
         * (session 16: twice the cost of one array in James' header reads): its index in the source (the number of
         * slices past the end), its array, the index in that array of the next octet, where its octets before
         * {@code end} stop, and the message position of the array's index 0. The position is {@code base + index}.
         */
        private int slice;
        private byte[] array;
        private int index;
        private int limit;
        private long base;

        SlicedStream(OctetsSource source, long begin, long end) {
            this.source = source;
            this.begin = begin;
            this.end = end;
            this.mark = begin;
            enter(begin, source.sliceAt(begin));
        }

        private long position() {
            return base + index;
        }

        /** Reads on from the message's octet {@code position}, in slice {@code s} (the one that holds it). */
        private void enter(long position, int s) {
            slice = s;
            if (s >= source.arrays.length) {
                array = NONE;
                base = position;
                index = 0;
                limit = 0;
                return;
            }
            array = source.arrays[s];
            base = source.starts[s] - source.offsets[s];
            index = (int) (position - base);
            limit = (int) (Math.min(end, source.starts[s + 1]) - base);
        }

        /** Moves past the slice read to the one holding the next octet (empty slices skipped); false at the end. */
        private boolean nextSlice() {
            long position = position();
            if (position >= end) {
                return false;
            }
            int s = slice + 1;
            while (source.starts[s + 1] <= position) {
                s++;
            }
            enter(position, s);
            return true;
        }

        @Override
        public int read() {
            if (index < limit || nextSlice()) {
                return array[index++] & 0xff;
            }
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            long position = position();
            if (position >= end) {
                return -1;
            }
            int n = (int) Math.min(len, end - position);
            int done = 0;
            while (done < n) {
                if (index == limit) {
                    nextSlice();
                }
                int part = Math.min(n - done, limit - index);
                System.arraycopy(array, index, b, off + done, part);
                index += part;
                done += part;
            }
            return n;
        }

        @Override
        public long skip(long n) {
            long position = position();
            long k = Math.max(0, Math.min(n, end - position));
            enter(position + k, source.sliceAt(position + k));
            return k;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - position());
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        @Override
        public void mark(int readAheadLimit) {
            mark = position();
        }

        @Override
        public void reset() {
            enter(mark, source.sliceAt(mark));
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            long n = end - position();
            do {
                if (index < limit) {
                    out.write(array, index, limit - index);
                    index = limit;
                }
            } while (nextSlice());
            return Math.max(n, 0);
        }

        @Override
        public long getPosition() {
            return position() - begin;
        }

        @Override
        public InputStream newStream(long from, long to) {
            if (from < 0) {
                throw new IllegalArgumentException("start < 0");
            }
            long last = to == -1 ? end : Math.min(end, begin + to);
            long first = Math.min(begin + from, last);
            return source.range(first, last);
        }
    }

    /**
     * A {@link SharedByteArrayInputStream} without its monitor. JavaMail reads header sections one octet at a time
     * ({@code LineInputStream}: James parses the header of a message it is handed again and again, for matchers
     * such as {@code RelayLimit}, to copy it into a repository or a mailbox, to find where its body starts), and
     * every {@code ByteArrayInputStream} read takes the stream's lock: in James' profile those reads were 14 % of
     * the spool threads' samples. A stream is read by the one thread that asked the source for it (each reader
     * gets its own, and {@link #newStream} gives another), so the lock guards nothing. Everything else is the
     * superclass's behaviour, octet for octet ({@code JamesMessageSourceTest} compares every operation with it).
     */
    static final class OctetsStream extends SharedByteArrayInputStream {
        OctetsStream(byte[] octets, int offset, int length) {
            super(octets, offset, length);
        }

        @Override
        public int read() {
            return pos < count ? buf[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (pos >= count) {
                return -1;
            }
            int n = Math.min(len, count - pos);
            if (n <= 0) {
                return 0;
            }
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) {
            // ByteArrayInputStream's own arithmetic, also where a stream made past the array's end has pos > count
            long k = count - pos;
            if (n < k) {
                k = n < 0 ? 0 : n;
            }
            pos += (int) k;
            return k;
        }

        @Override
        public int available() {
            return count - pos;
        }

        @Override
        public void mark(int readAheadLimit) {
            mark = pos;
        }

        @Override
        public void reset() {
            pos = mark;
        }

        /** The octets from the position to the end: the array itself when that is all of it (never changed). */
        byte[] remaining() {
            return pos == 0 && count == buf.length ? buf : Arrays.copyOfRange(buf, Math.min(pos, count),
                    count);
        }

        /**
         * Within this stream only, as {@link SlicedStream#newStream}: the superclass reads on past its end up to the
         * array's, and this array is the message received, where the octets after a slice are a field dropped
         * (review L1).
         */
        @Override
        public InputStream newStream(long from, long end) {
            if (from < 0) {
                throw new IllegalArgumentException("start < 0");
            }
            long length = count - start;
            long to = end == -1 ? length : Math.max(0, Math.min(length, end));
            return new OctetsStream(buf, start + (int) Math.min(from, to), (int) (to - Math.min(from, to)));
        }
    }
}
