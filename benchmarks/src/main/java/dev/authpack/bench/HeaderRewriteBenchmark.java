package dev.authpack.bench;

import dev.authpack.authres.AuthResultsRewrite;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.AuthServIds;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The header rewrite of {@code MailAuthCheck}, {@code AddAuthResults} and {@code ArcSeal}: remove the
 * {@code Authentication-Results} fields that claim our authserv-id and put ours on top, on a message whose header
 * section holds {@link #fields} fields of distinct names (the attack of issue 9: the old rewrite removed the
 * fields once per distinct name, quadratic). One operation = one message. Run by hand: see docs/benchmarks.md.
 *
 * <ul>
 *   <li>{@code onePass}: {@link AuthResultsRewrite} over the octets, what the mailets run;</li>
 *   <li>{@code onePassMime}: the same, then the new message parsed by javax.mail and written out once, as James
 *       does with the mail the mailet hands back (the whole cost of the mailet path);</li>
 *   <li>{@code removeHeaderPerName}: the rewrite before issue 9 ({@code MimeMessage.removeHeader} per distinct
 *       name, then every line added back), for comparison.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HeaderRewriteBenchmark {
    static final String ID = "mx.example.org";
    private static final Session SESSION = Session.getInstance(new Properties());

    @Param({"100", "1000", "10000", "40000"})
    public int fields;

    private byte[] message;
    private String ours;

    @Setup
    public void setUp() {
        message = message(fields);
        ours = AuthResultsWriter.headerField(ID, List.of(
                new MethodResult("spf", "pass", null, List.of(new ResultProperty("smtp", "mailfrom", "a.example"))),
                new MethodResult("dmarc", "fail", null, List.of(new ResultProperty("header", "from", "a.example")))));
    }

    /** {@code n} fields of distinct names, two of them forged fields claiming our id (first and last). */
    static byte[] message(int n) {
        StringBuilder out = new StringBuilder(n * 24);
        out.append("Authentication-Results: ").append(ID).append("; dmarc=pass\r\n");
        for (int i = 0; i < n - 2; i++) {
            out.append("X-Field-").append(i).append(": value ").append(i).append("\r\n");
        }
        out.append("Authentication-Results: ").append(ID).append("./1; dmarc=pass\r\n");
        out.append("\r\nbody\r\n");
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public byte[] onePass() {
        return AuthResultsRewrite.rewrite(message, ID, ours).message();
    }

    @Benchmark
    public int onePassMime() throws MessagingException, IOException {
        byte[] rewritten = AuthResultsRewrite.rewrite(message, ID, ours).message();
        MimeMessage result = new MimeMessage(SESSION, new SharedByteArrayInputStream(rewritten));
        ByteArrayOutputStream out = new ByteArrayOutputStream(rewritten.length);
        result.writeTo(out);
        return out.size();
    }

    @Benchmark
    public int removeHeaderPerName() throws MessagingException, IOException {
        MimeMessage result = new MimeMessage(SESSION, new SharedByteArrayInputStream(message));
        legacyRewrite(result, ID, ours);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        result.writeTo(out);
        return out.size();
    }

    /** The rewrite of AuthResultsHeaders before issue 9, kept here only to measure it. */
    static void legacyRewrite(MimeMessage message, String authservId, String ourField) throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        List<String> kept = new ArrayList<>(lines.size());
        for (String line : lines) {
            int colon = line.indexOf(':');
            boolean forged = colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Authentication-Results")
                    && AuthServIds.claims(line.substring(colon + 1), authservId);
            if (!forged) {
                kept.add(line);
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                names.add(line.substring(0, colon).trim());
            }
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        message.addHeaderLine(ourField);
        for (String line : kept) {
            message.addHeaderLine(line);
        }
    }
}
