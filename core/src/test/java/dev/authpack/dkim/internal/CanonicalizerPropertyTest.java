package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast canonicalizers (eight octets at a time, runs handed over without copies) against
 * {@link ReferenceCanonicalizer} (the RFC's rules, one octet at a time), on random and hostile input: bare CR and
 * LF, long whitespace runs, trailing blank lines, octets above 0x7F, and every pattern at every position relative
 * to the eight-octet words. Each body is also placed inside a larger array between octets that would change the
 * result if read (line ends, spaces), so reading outside {@code [offset, offset+length)} shows.
 */
class CanonicalizerPropertyTest {
    /** Octets the rules treat specially, and a few they must not: weighted towards the special ones. */
    private static final byte[] ALPHABET = {' ', ' ', ' ', '\t', '\t', '\r', '\r', '\n', '\n', 'a', 'b', 'c', 'x',
            ':', 0, 0x01, 0x0B, 0x1F, 0x21, 0x7F, (byte) 0x80, (byte) 0xA0, (byte) 0x89, (byte) 0x8D, (byte) 0xFF};
    private static final String[] PATTERNS = {" ", "  ", "\t", " \t ", " \r\n", "\t\r\n", " \n", "\n", "\r", "\r\r\n",
            "\n\r", "\r\n\r\n", " \r", "\r \n", "\n ", "\r\n ", "\r\n\t", " " + "\u0080", "\u00a0 ", "\u0089",
            "\u008d\n", "\r\n \r\n"};
    private static final int RANDOM_CASES = 20_000;

    @Test
    void randomBodiesMatchTheReference() {
        Random random = new Random(6376);
        for (int n = 0; n < RANDOM_CASES; n++) {
            int length = n % 10 == 0 ? random.nextInt(3000) : random.nextInt(80);
            assertBodyMatches(randomOctets(random, length), random);
        }
    }

    @Test
    void everyPatternAtEveryWordPosition() {
        Random random = new Random(3443);
        for (String pattern : PATTERNS) {
            for (String other : PATTERNS) {
                for (int before = 0; before < 17; before++) {
                    for (int gap = 0; gap < 2; gap++) {
                        String body = "w".repeat(before) + pattern + "y".repeat(gap) + other + "z".repeat(gap * 7);
                        assertBodyMatches(latin1(body), random);
                        assertBodyMatches(latin1(body + "\r\n"), random);
                        assertBodyMatches(latin1(pattern + body), random);
                    }
                }
            }
        }
    }

    @Test
    void hostileShapes() {
        Random random = new Random(8301);
        List<String> bodies = new ArrayList<>();
        bodies.add(" ".repeat(10_000) + "x");
        bodies.add("x" + " \t".repeat(5_000) + "\r\n");
        bodies.add("x" + " \t".repeat(5_000) + "y\r\n");
        bodies.add("x\r\n" + "\r\n".repeat(5_000));
        bodies.add("x\r\n" + " \t\r\n".repeat(2_000) + "\n\n \n");
        bodies.add("\r\n".repeat(3_000));
        bodies.add("\n".repeat(3_000) + "x");
        bodies.add("\r".repeat(3_000));
        bodies.add("\r".repeat(3_000) + "\n");
        bodies.add("\r\n\r".repeat(1_000));
        bodies.add("a\n".repeat(2_000));
        bodies.add("ab \n".repeat(2_000));
        bodies.add("  ".repeat(100) + "\r\n" + "x".repeat(100));
        bodies.add("");
        bodies.add(" ");
        bodies.add("\t");
        bodies.add("\r");
        bodies.add("\n");
        for (String body : bodies) {
            assertBodyMatches(latin1(body), random);
        }
    }

    @Test
    void randomHeaderFieldsMatchTheReference() {
        Random random = new Random(5322);
        for (int n = 0; n < RANDOM_CASES; n++) {
            byte[] value = randomOctets(random, n % 10 == 0 ? random.nextInt(1000) : random.nextInt(60));
            String name = random.nextBoolean() ? "Subject" : "X-Mixed-CASE \t";
            ByteArrayOutputStream field = new ByteArrayOutputStream();
            field.writeBytes(latin1(name + ":"));
            field.writeBytes(value);
            assertHeaderMatches(field.toByteArray(), random);
        }
        for (String pattern : PATTERNS) {
            for (int before = 0; before < 20; before++) {
                assertHeaderMatches(latin1("To: " + "v".repeat(before) + pattern + "u".repeat(before % 5)), random);
                assertHeaderMatches(latin1("To:" + pattern + "v".repeat(before) + pattern), random);
            }
        }
    }

    /** l= cuts the canonical body anywhere: the hash of every prefix length, from the one pass, is the reference's. */
    @Test
    void bodyLengthLimitsCutTheCanonicalBodyAnywhere() throws Exception {
        Random random = new Random(6377);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (int n = 0; n < 300; n++) {
            byte[] body = randomOctets(random, random.nextInt(300));
            RawMessage message = RawMessage.parse(concat(latin1("A: b\r\n\r\n"), body));
            for (Canonicalization c : Canonicalization.values()) {
                byte[] canonical = c == Canonicalization.RELAXED ? ReferenceCanonicalizer.relaxedBody(body)
                        : ReferenceCanonicalizer.simpleBody(body);
                List<BodyHasher.Key> keys = new ArrayList<>();
                // around the ends, and a dozen cuts anywhere between
                for (int limit : new int[] {0, 1, canonical.length - 1, canonical.length, canonical.length + 1}) {
                    keys.add(new BodyHasher.Key(c, "SHA-256", Math.max(0, limit)));
                }
                for (int k = 0; k < 12; k++) {
                    keys.add(new BodyHasher.Key(c, "SHA-256", random.nextInt(canonical.length + 1)));
                }
                keys.add(new BodyHasher.Key(c, "SHA-256", -1));
                BodyHasher.Computed computed = BodyHasher.compute(message, keys);
                assertThat(computed.passes()).isEqualTo(1);
                for (BodyHasher.Key key : keys) {
                    int prefix = key.limit() < 0 ? canonical.length : (int) Math.min(key.limit(), canonical.length);
                    BodyHasher.Hash hash = computed.hashes().get(key);
                    assertThat(hash.canonicalLength()).isEqualTo(canonical.length);
                    if (!Arrays.equals(hash.digest(), sha256.digest(Arrays.copyOf(canonical, prefix)))) {
                        throw new AssertionError(c + " l=" + key.limit() + " of " + visible(body));
                    }
                }
            }
        }
    }

    /**
     * Each thread keeps one digest per algorithm for its next body hash: hashes that follow one another on a thread,
     * with SHA-1 and SHA-256 keys mixed in one pass and both canonicalizations, are each a fresh digest's.
     */
    @Test
    void keptDigestsGiveEachBodyItsOwnHash() throws Exception {
        Random random = new Random(8301);
        for (int n = 0; n < 200; n++) {
            byte[] body = randomOctets(random, random.nextInt(2000));
            RawMessage message = RawMessage.parse(concat(latin1("A: b\r\n\r\n"), body));
            List<BodyHasher.Key> keys = new ArrayList<>();
            for (Canonicalization c : Canonicalization.values()) {
                keys.add(new BodyHasher.Key(c, "SHA-1", -1));
                keys.add(new BodyHasher.Key(c, "SHA-256", random.nextInt(50)));
                keys.add(new BodyHasher.Key(c, "SHA-256", -1));
            }
            BodyHasher.Computed computed = BodyHasher.compute(message, random.nextBoolean() ? keys : keys.subList(3, 6));
            for (BodyHasher.Key key : computed.hashes().keySet()) {
                byte[] canonical = key.canonicalization() == Canonicalization.RELAXED
                        ? ReferenceCanonicalizer.relaxedBody(body) : ReferenceCanonicalizer.simpleBody(body);
                int prefix = key.limit() < 0 ? canonical.length : (int) Math.min(key.limit(), canonical.length);
                byte[] expected = MessageDigest.getInstance(key.digestName()).digest(Arrays.copyOf(canonical, prefix));
                if (!Arrays.equals(computed.hashes().get(key).digest(), expected)) {
                    throw new AssertionError(key + " of " + visible(body));
                }
            }
        }
    }

    /**
     * The in-memory canonicalizer and the streaming one, fed the body in random chunks and in chunks of one octet,
     * against the reference.
     */
    private static void assertBodyMatches(byte[] body, Random random) {
        for (Canonicalization c : Canonicalization.values()) {
            byte[] expected = c == Canonicalization.RELAXED ? ReferenceCanonicalizer.relaxedBody(body)
                    : ReferenceCanonicalizer.simpleBody(body);
            assertSame(c.name(), body, canonicalBody(c, body, random), expected);
            assertSame(c.name() + " streamed", body, streamedBody(c, body, randomSplits(random, body.length)),
                    expected);
            if (body.length < 400) {
                int[] ones = new int[body.length];
                Arrays.fill(ones, 1);
                assertSame(c.name() + " streamed in 1-octet chunks", body, streamedBody(c, body, ones), expected);
            }
        }
    }

    /** Chunk lengths adding up to {@code length}: mostly short (1 to 9 octets, often 1), some long, a few empty. */
    static int[] randomSplits(Random random, int length) {
        List<Integer> lengths = new ArrayList<>();
        for (int left = length; left > 0; ) {
            int pick = random.nextInt(10);
            int n = pick < 3 ? 1 : pick < 7 ? 1 + random.nextInt(9) : pick < 9 ? 1 + random.nextInt(200)
                    : random.nextInt(2);
            n = Math.min(n, left);
            lengths.add(n);
            left -= n;
        }
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The body fed to the streaming canonicalizer in chunks of these lengths, each copied into an array of its own
     * padded with octets that matter (reading outside a chunk shows), the writes joined; an empty write fails.
     */
    static byte[] streamedBody(Canonicalization c, byte[] body, int[] chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamingBodyCanonicalizer s = new StreamingBodyCanonicalizer(c, (b, offset, length) -> {
            if (length <= 0) {
                throw new AssertionError("an empty write");
            }
            out.write(b, offset, length);
        });
        Random padding = new Random(chunks.length);
        int at = 0;
        for (int n : chunks) {
            int before = padding.nextInt(9);
            byte[] chunk = embed(Arrays.copyOfRange(body, at, at + n), before, padding);
            s.write(chunk, before, n);
            at += n;
        }
        s.finish();
        return out.toByteArray();
    }

    /** Compared as arrays; spelled out only when they differ (formatting every case would dominate the test). */
    private static void assertSame(String what, byte[] input, byte[] actual, byte[] expected) {
        if (!Arrays.equals(actual, expected)) {
            assertThat(visible(actual)).as("%s of %s", what, visible(input)).isEqualTo(visible(expected));
        }
    }

    private static void assertHeaderMatches(byte[] field, Random random) {
        for (Canonicalization c : Canonicalization.values()) {
            byte[] expected = c == Canonicalization.RELAXED ? ReferenceCanonicalizer.relaxedHeader(field)
                    : ReferenceCanonicalizer.simpleHeader(field);
            int before = random.nextInt(20);
            byte[] in = embed(field, before, random);
            ByteBuilder out = new ByteBuilder(1 + random.nextInt(8), 1 << 24);
            HeaderCanonicalizer.canonicalize(c, in, before, field.length, out);
            assertSame(c.name(), field, out.toByteArray(), expected);
        }
    }

    /** The body canonicalized inside a larger array; the writes handed to the sink, joined. */
    private static byte[] canonicalBody(Canonicalization c, byte[] body, Random random) {
        int before = random.nextInt(20);
        byte[] in = embed(body, before, random);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyCanonicalizer.canonicalize(c, in, before, body.length, (b, offset, length) -> {
            if (length <= 0) {
                throw new AssertionError("an empty write");
            }
            out.write(b, offset, length);
        });
        return out.toByteArray();
    }

    /** {@code text} at {@code before} in an array padded on both sides with octets that matter to the rules. */
    private static byte[] embed(byte[] text, int before, Random random) {
        byte[] padding = {'\r', '\n', ' ', '\t'};
        byte[] in = new byte[before + text.length + random.nextInt(20)];
        for (int i = 0; i < in.length; i++) {
            in[i] = padding[random.nextInt(padding.length)];
        }
        System.arraycopy(text, 0, in, before, text.length);
        return in;
    }

    private static byte[] randomOctets(Random random, int length) {
        byte[] out = new byte[length];
        // a run of one octet now and then, so long runs of whitespace and line ends occur
        for (int i = 0; i < length; ) {
            byte octet = ALPHABET[random.nextInt(ALPHABET.length)];
            int run = random.nextInt(8) == 0 ? 1 + random.nextInt(40) : 1;
            for (int k = 0; k < run && i < length; k++) {
                out[i++] = octet;
            }
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Control octets spelled out, so a failure shows where the difference is. */
    private static String visible(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            s.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : c < 0x20 || c >= 0x7f
                    ? String.format("\\x%02x", c) : String.valueOf((char) c));
        }
        return s.toString();
    }
}
