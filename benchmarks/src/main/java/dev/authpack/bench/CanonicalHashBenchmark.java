package dev.authpack.bench;

import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Canonicalization and hashing against hashing alone, on the {@link DkimMessage} newsletter (9,108 octets of
 * body, 1,083 of header): how much DKIM's canonicalization (RFC 6376 §3.4) adds to the SHA-256 every verifier
 * must compute anyway. Average time per operation; the ratio of a {@code canonical} benchmark to its
 * {@code sha256} one is the cost of canonicalization.
 *
 * <ul>
 *   <li>{@code sha256Body}: SHA-256 of the body octets as they are;</li>
 *   <li>{@code canonicalBody}: {@link BodyHasher#compute} with the {@code canonicalization}, SHA-256, no l=: what
 *       the verifier runs;</li>
 *   <li>{@code sha256Header}: SHA-256 of the header section as it is;</li>
 *   <li>{@code canonicalHeader}: every field of the header section through {@link HeaderCanonicalizer} into a
 *       {@link ByteBuilder}, each followed by CRLF, then SHA-256 of the result: what the verifier does for the
 *       fields in h= (here all of them).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CanonicalHashBenchmark {
    private static final byte[] CRLF = {'\r', '\n'};

    @Param({"SIMPLE", "RELAXED"})
    public Canonicalization canonicalization;

    private byte[] bytes;
    private RawMessage message;
    private List<HeaderField> fields;
    private List<BodyHasher.Key> key;
    private MessageDigest sha256;

    @Setup(Level.Trial)
    public void setUp() throws MessageParseException, NoSuchAlgorithmException {
        bytes = DkimMessage.newsletter();
        message = RawMessage.parse(bytes);
        fields = message.fields();
        key = List.of(new BodyHasher.Key(canonicalization, "SHA-256", -1));
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Benchmark
    public byte[] sha256Body() {
        sha256.update(bytes, message.bodyOffset(), message.bodyLength());
        return sha256.digest();
    }

    @Benchmark
    public byte[] canonicalBody() {
        return BodyHasher.compute(message, key).hashes().get(key.get(0)).digest();
    }

    @Benchmark
    public byte[] sha256Header() {
        sha256.update(bytes, 0, message.bodyOffset());
        return sha256.digest();
    }

    @Benchmark
    public byte[] canonicalHeader() {
        ByteBuilder data = new ByteBuilder(1024, 1 << 20);
        for (HeaderField field : fields) {
            field.readRaw((b, offset, length) -> HeaderCanonicalizer.canonicalize(canonicalization, b, offset, length,
                    data));
            data.write(CRLF, 0, 2);
        }
        sha256.update(data.array(), 0, data.length());
        return sha256.digest();
    }

    byte[] message() {
        return bytes;
    }
}
