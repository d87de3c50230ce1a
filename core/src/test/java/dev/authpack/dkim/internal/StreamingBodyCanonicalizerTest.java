package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming body canonicalizer on what an attacker sends to make a stream hold octets back: 100 MiB of empty
 * lines, of spaces without a line end, of CRs, a CR at the end of every chunk. What may be undecided at a chunk's
 * end is held as counts and flags: nothing is held as octets, and the output is the reference's. (Random bodies in
 * random chunks, 1-octet ones too: {@link CanonicalizerPropertyTest}.)
 */
class StreamingBodyCanonicalizerTest {
    private static final long HUGE = 100L << 20;
    private static final int CHUNK = 64 * 1024;

    /** Counts what is written, keeps its last octets, and the largest single write. */
    private static final class CountingSink implements CanonicalSink {
        long octets;
        int largestWrite;
        final byte[] tail = new byte[16];
        int tailLength;

        @Override
        public void write(byte[] bytes, int offset, int length) {
            assertThat(length).isPositive();
            octets += length;
            largestWrite = Math.max(largestWrite, length);
            for (int i = Math.max(offset, offset + length - tail.length); i < offset + length; i++) {
                System.arraycopy(tail, 1, tail, 0, tail.length - 1);
                tail[tail.length - 1] = bytes[i];
                tailLength = Math.min(tail.length, tailLength + 1);
            }
        }

        String tail() {
            return new String(tail, tail.length - tailLength, tailLength, StandardCharsets.ISO_8859_1);
        }
    }

    /** Feeds {@code total} octets of {@code pattern} repeated, in chunks of {@link #CHUNK}; after each, the check. */
    private static void feed(StreamingBodyCanonicalizer c, String pattern, long total, Runnable afterEachChunk) {
        byte[] unit = pattern.getBytes(StandardCharsets.ISO_8859_1);
        byte[] chunk = new byte[CHUNK - CHUNK % unit.length];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = unit[i % unit.length];
        }
        for (long fed = 0; fed < total; fed += chunk.length) {
            c.write(chunk, 0, (int) Math.min(chunk.length, total - fed));
            afterEachChunk.run();
        }
    }

    private static void feed(StreamingBodyCanonicalizer c, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        c.write(b, 0, b.length);
    }

    /** Its state is a fixed set of scalars: nothing it could grow. */
    @Test
    void theStateIsScalarsAlone() {
        for (Field f : StreamingBodyCanonicalizer.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            assertThat(f.getType().isPrimitive() || f.getType() == CanonicalSink.class).as(f.getName()).isTrue();
        }
    }

    @Test
    void hundredMebibytesOfEmptyLinesAreACount() {
        for (String line : new String[] {"\r\n", "\n", " \t\r\n"}) {
            for (Canonicalization canon : Canonicalization.values()) {
                boolean whitespaceLine = line.startsWith(" ");
                CountingSink sink = new CountingSink();
                StreamingBodyCanonicalizer c = new StreamingBodyCanonicalizer(canon, sink);
                feed(c, "x\r\n");
                long first = sink.octets;
                // empty lines (in relaxed, whitespace-only ones too) are held back: nothing is written meanwhile
                feed(c, line, HUGE, () -> {
                    if (canon == Canonicalization.RELAXED || !whitespaceLine) {
                        assertThat(sink.octets).isEqualTo(first);
                    }
                });
                feed(c, "y");
                c.finish();
                long lines = HUGE / line.length();
                long expected = canon == Canonicalization.SIMPLE && whitespaceLine
                        ? 3 + lines * (line.length() + ("\n".equals(line) ? 1 : 0)) + 3
                        : 3 + 2 * lines + 3;
                assertThat(sink.octets).as(canon + " " + line.length()).isEqualTo(expected);
                assertThat(sink.tail()).endsWith("\r\ny\r\n");
                // held-back lines are written in bounded writes, not one per line nor one of them all
                assertThat(sink.largestWrite).isLessThanOrEqualTo(CHUNK);
            }
        }
    }

    @Test
    void emptyLinesToTheEndAreDroppedWithoutBeingHeld() {
        for (Canonicalization canon : Canonicalization.values()) {
            CountingSink sink = new CountingSink();
            StreamingBodyCanonicalizer c = new StreamingBodyCanonicalizer(canon, sink);
            feed(c, "\r\n", HUGE, () -> assertThat(sink.octets).isZero());
            c.finish();
            // §3.4.3: nothing but empty lines is one CRLF; §3.4.4: nothing
            assertThat(sink.octets).isEqualTo(canon == Canonicalization.SIMPLE ? 2 : 0);
        }
    }

    @Test
    void hundredMebibytesOfSpacesWithoutALineEnd() {
        CountingSink relaxed = new CountingSink();
        StreamingBodyCanonicalizer r = new StreamingBodyCanonicalizer(Canonicalization.RELAXED, relaxed);
        feed(r, "a");
        // a flag: one SP if content follows, nothing if the line ends
        feed(r, " \t", HUGE, () -> assertThat(relaxed.octets).isEqualTo(1));
        feed(r, "b");
        r.finish();
        assertThat(relaxed.octets).isEqualTo(5);
        assertThat(relaxed.tail()).isEqualTo("a b\r\n");

        CountingSink simple = new CountingSink();
        StreamingBodyCanonicalizer s = new StreamingBodyCanonicalizer(Canonicalization.SIMPLE, simple);
        long[] fed = {0};
        // simple keeps them: written as they come, nothing held
        feed(s, " ", HUGE, () -> {
            fed[0] += CHUNK;
            assertThat(simple.octets).isEqualTo(Math.min(fed[0], HUGE));
        });
        s.finish();
        assertThat(simple.octets).isEqualTo(HUGE + 2);
    }

    @Test
    void hundredMebibytesOfCrsAreData() {
        for (Canonicalization canon : Canonicalization.values()) {
            CountingSink sink = new CountingSink();
            StreamingBodyCanonicalizer c = new StreamingBodyCanonicalizer(canon, sink);
            long[] fed = {0};
            // simple writes a CR of a line with content at once (an LF after it is written as it is); relaxed holds
            // the last one back (whitespace before a CRLF would go)
            long held = canon == Canonicalization.SIMPLE ? 0 : 1;
            feed(c, "\r", HUGE, () -> {
                fed[0] += CHUNK;
                assertThat(sink.octets).isEqualTo(Math.min(fed[0], HUGE) - held);
            });
            feed(c, "\n");
            c.finish();
            assertThat(sink.octets).isEqualTo(HUGE + 1);
            assertThat(sink.tail()).endsWith("\r\r\n");
        }
    }

    /** A CR (or whitespace, or an LF) at the end of every chunk, the next chunk deciding what it is. */
    @Test
    void aCrAtEveryChunkEndMatchesTheReference() {
        Random random = new Random(6376);
        String[] pieces = {"a", " ", "\t", "\r", "\n", "\r\n", " \r\n", "\r \n", "x y", "\r\r"};
        for (int n = 0; n < 3000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(40); k > 0; k--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] body = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            for (byte cut : new byte[] {'\r', ' ', '\n', '\t'}) {
                int[] chunks = splitAfterEach(body, cut);
                assertThat(CanonicalizerPropertyTest.streamedBody(Canonicalization.SIMPLE, body, chunks))
                        .isEqualTo(ReferenceCanonicalizer.simpleBody(body));
                assertThat(CanonicalizerPropertyTest.streamedBody(Canonicalization.RELAXED, body, chunks))
                        .isEqualTo(ReferenceCanonicalizer.relaxedBody(body));
            }
        }
    }

    private static int[] splitAfterEach(byte[] body, byte cut) {
        List<Integer> lengths = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == cut) {
                lengths.add(i + 1 - start);
                start = i + 1;
            }
        }
        lengths.add(body.length - start);
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@link BodyHasher.Streaming}: every key, both canonicalizations, SHA-1 and SHA-256, l= anywhere, from one pass
     * in random chunks: the in-memory {@link BodyHasher#compute}'s hashes and lengths.
     */
    @Test
    void streamedBodyHashesAreTheInMemoryOnes() throws Exception {
        Random random = new Random(8463);
        for (int n = 0; n < 300; n++) {
            byte[] body = new byte[random.nextInt(3000)];
            byte[] alphabet = " \t\r\n\r\nab".getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < body.length; i++) {
                body[i] = alphabet[random.nextInt(alphabet.length)];
            }
            List<BodyHasher.Key> keys = new ArrayList<>();
            for (Canonicalization c : Canonicalization.values()) {
                keys.add(new BodyHasher.Key(c, "SHA-256", -1));
                keys.add(new BodyHasher.Key(c, "SHA-1", -1));
                keys.add(new BodyHasher.Key(c, "SHA-256", random.nextInt(body.length + 3)));
            }
            BodyHasher.Streaming streaming = BodyHasher.streaming(keys);
            int at = 0;
            for (int len : CanonicalizerPropertyTest.randomSplits(random, body.length)) {
                streaming.update(body, at, len);
                at += len;
            }
            BodyHasher.Computed streamed = streaming.finish();
            byte[] message = ("A: b\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1))
                    .getBytes(StandardCharsets.ISO_8859_1);
            BodyHasher.Computed whole = BodyHasher.compute(RawMessage.parse(message), keys);
            assertThat(streamed.passes()).isEqualTo(1);
            assertThat(streamed.digests()).isEqualTo(whole.digests());
            assertThat(streaming.octets()).isEqualTo(body.length);
            for (BodyHasher.Key key : keys) {
                assertThat(streamed.hashes().get(key).canonicalLength()).isEqualTo(
                        whole.hashes().get(key).canonicalLength());
                assertThat(MessageDigest.isEqual(streamed.hashes().get(key).digest(),
                        whole.hashes().get(key).digest())).as(key.toString()).isTrue();
            }
        }
    }

    @Test
    void nothingAfterTheEnd() {
        StreamingBodyCanonicalizer c = new StreamingBodyCanonicalizer(Canonicalization.SIMPLE, (b, o, l) -> { });
        c.finish();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> feed(c, "x"))
                .isInstanceOf(IllegalStateException.class);
    }
}
