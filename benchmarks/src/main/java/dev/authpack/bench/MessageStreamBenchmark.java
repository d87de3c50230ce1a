package dev.authpack.bench;

import dev.authpack.james.MessageBinding;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.mail.OctetSlice;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.mail.internet.InternetHeaders;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What James pays to read the header section of a message the pack has set (issue 11): James parses a message's
 * header again and again after our mailet (the mailbox's {@code MailHeaders}, its copy into a new source, the
 * spool's {@code getAllHeaders}), one octet at a time through javax.mail's {@code LineInputStream}: a profile of the
 * pack's James (session 16) had those reads from our stream of slices at a third of the mailet's own samples.
 * <ul>
 *   <li>{@code james}: the message in James' own in-memory source, as James holds a message it receives;
 *   <li>{@code oneArray}: the message set by the pack as one array ({@code MimeMessageBytes.set(mail, byte[])});
 *   <li>{@code slices}: as {@code MailAuthCheck} sets it, our field and the message received as two slices.
 * </ul>
 * Each operation asks the mail's message for a new stream and reads its header section as James does
 * ({@link InternetHeaders}). Before the first, the header is read through all three kinds of stream, as in James,
 * where {@code LineInputStream}'s calls see many stream types and C2 inlines none of them (without it the figure
 * of one JVM is the inlined stream's, and varies ×2 from JVM to JVM with what C2 made of it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class MessageStreamBenchmark {
    @Param({"james", "oneArray", "slices"})
    public String source;

    private MimeMessageWrapper message;
    /** The octets a handed-over check read: the message's, in an array of their own. */
    private byte[] held;

    @Setup
    public void setUp() throws Exception {
        message = message(source);
        held = MimeMessageBytes.of(message).clone();
        for (String other : new String[] {"james", "oneArray", "slices"}) {
            MimeMessageWrapper polluter = message(other);
            for (int i = 0; i < 20_000; i++) {
                read(polluter);
            }
        }
    }

    private static MimeMessageWrapper message(String source) throws Exception {
        byte[] received = newsletter();
        byte[] field = ("Authentication-Results: mx.example.org; dkim=pass header.d=news.example.com"
                + " header.s=s1 header.b=AbCdEfGh; spf=pass smtp.mailfrom=news.example.com; dmarc=pass"
                + " header.from=news.example.com\r\n").getBytes(StandardCharsets.US_ASCII);
        switch (source) {
            case "james" -> {
                return new MimeMessageWrapper(
                        MimeMessageInputStreamSource.create("bench", new ByteArrayInputStream(received)));
            }
            case "oneArray", "slices" -> {
                MailImpl mail = MailImpl.builder().name("bench").build();
                if (source.equals("oneArray")) {
                    MimeMessageBytes.set(mail, received);
                } else {
                    MimeMessageBytes.set(mail, List.of(new OctetSlice(field, 0, field.length),
                            new OctetSlice(received, 0, received.length)));
                }
                return (MimeMessageWrapper) mail.getMessage();
            }
            default -> throw new IllegalArgumentException(source);
        }
    }

    /** The header section read as James reads it; the number of its fields. */
    @Benchmark
    public int readHeader() throws Exception {
        return read(message);
    }

    /**
     * The binding of a label-only hook's handed-over checks to the message (review s18, in place of session 17's
     * CRC-32C): when MailAuthCheck takes them, the message as {@code MimeMessageBytes.writeTo} streams it (an
     * unchanged message's source as it is) compared octet for octet with the octets the checks read, which the
     * table keeps (a copy of their own, as James gives the hook). The octets are the same: compared to the end.
     */
    @Benchmark
    public boolean compareWithHeldOctets() {
        return MessageBinding.sameOctets(message, held);
    }

    /**
     * The digest that binds results stored on the mail to the message: SHA-256 over {@code MimeMessageBytes.writeTo},
     * made where the results are stored (an awaiting hook, at the end of DATA) and again where MailAuthCheck uses
     * them.
     */
    @Benchmark
    public String digestPackWriteTo() {
        return MessageBinding.digest(message);
    }

    /**
     * The digest of the octets a handed-over check read, made when MailAuthCheck takes the check (the message
     * compared with them just before): the binding of the results it stores on the mail.
     */
    @Benchmark
    public String digestHeldOctets() {
        return MessageBinding.digest(held);
    }

    /** The message's octets as the pack reads them (tests). */
    byte[] octets() throws Exception {
        return MimeMessageBytes.of(message);
    }

    /** The octets held for the comparison (tests). */
    byte[] heldOctets() {
        return held;
    }

    private static int read(MimeMessageWrapper message) throws Exception {
        try (InputStream in = message.getMessageInputStream()) {
            return Collections.list(new InternetHeaders(in).getAllHeaderLines()).size();
        }
    }

    /** A newsletter like the James benchmark's: about 1.8 KB of header fields, 8 KB of body. */
    static byte[] newsletter() {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            m.append("Received: from relay").append(i).append(".example.net (relay").append(i)
                    .append(".example.net [192.0.2.").append(i + 1).append("])\r\n\tby mx.example.org with ESMTPS id ")
                    .append("4Xyz").append(i).append("AbC; Mon, 7 Dec 2026 09:00:0").append(i).append(" +0000\r\n");
        }
        m.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=news.example.com; s=s1;\r\n")
                .append("\th=from:to:subject:date:message-id; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n")
                .append("\tb=Kq1b9Yk3dV0mZr6f2Xo7pQ8sT4uW5yA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1vW2xY3zA4bC5dE6fG7hI8j\r\n")
                .append("\t K9lM0nO1pQ2rS3tU4vW5xY6zA7bC8dE9fG0hI1jK2lM3nO4pQ5rS6tU7vW8xY9zA0bC1dE2fG3hI4jK5lM6n=\r\n")
                .append("From: News <news@news.example.com>\r\nTo: reader@example.org\r\n")
                .append("Subject: The weekly letter, number 42\r\nDate: Mon, 7 Dec 2026 09:00:00 +0000\r\n")
                .append("Message-ID: <letter-42@news.example.com>\r\nMIME-Version: 1.0\r\n")
                .append("List-Unsubscribe: <https://news.example.com/unsubscribe?id=0123456789abcdef>\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        while (m.length() < 10_000) {
            m.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
