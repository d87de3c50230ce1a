package dev.authpack.bench;

import dev.authpack.conformance.ConformanceChecker;
import dev.authpack.conformance.ConformanceIssue;
import dev.authpack.conformance.ConformanceOutcome;
import dev.authpack.conformance.ConformancePolicy;
import dev.authpack.conformance.ConformanceReport;
import dev.authpack.conformance.FixSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.SharedByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code FixConformance} on 10 KB messages (issue 8 goals, one thread): {@code check} reads a clean
 * multipart/alternative message (text and HTML, quoted-printable) and finds nothing, the common case (goal at
 * least 20,000/s); {@code rebuild} repairs a message with bare LF line ends, long lines and unlabelled UTF-8 text
 * with every fix on: check, rebuild from the MIME tree, check of the result (goal at least 5,000/s);
 * {@code javaxMailReference} parses the clean message with javax.mail, for ratios. Run by hand:
 * see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConformanceBenchmark {
    static final int TARGET_SIZE = 10 * 1024;
    private static final Set<ConformanceIssue> ALL = EnumSet.allOf(ConformanceIssue.class);
    private static final Session SESSION = Session.getInstance(new Properties());

    private final ConformanceChecker checker = new ConformanceChecker();
    private final ConformancePolicy fixAll = new ConformancePolicy(Set.of(), ALL, FixSettings.of("mx.example.org"));
    private byte[] clean;
    private byte[] dirty;

    @Setup
    public void setUp() {
        clean = cleanMessage();
        dirty = dirtyMessage();
    }

    @Benchmark
    public ConformanceReport check() {
        return checker.check(clean);
    }

    @Benchmark
    public ConformanceOutcome rebuild() {
        return fixAll.apply(dirty);
    }

    /**
     * Reference for ratios on a busy machine: javax.mail parses the clean message and reads its parts' content, as
     * James and its mailets do with every mail.
     */
    @Benchmark
    public int javaxMailReference() throws Exception {
        MimeMessage message = new MimeMessage(SESSION, new SharedByteArrayInputStream(clean));
        MimeMultipart parts = (MimeMultipart) message.getContent();
        int n = 0;
        for (int i = 0; i < parts.getCount(); i++) {
            n += parts.getBodyPart(i).getContent().toString().length();
        }
        return n;
    }

    private static final String HEADER = "Return-Path: <news@example.com>\r\n"
            + "Received: from mail.example.com (mail.example.com [192.0.2.1])\r\n\tby mx.example.org with ESMTPS id"
            + " 4f2a; Sun, 6 Dec 2026 03:00:00 +0000\r\n"
            + "From: Example News <news@example.com>\r\nTo: reader@example.org\r\n"
            + "Subject: This week at Example: notes, links and a longer subject line\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <20261206030000.1234@example.com>\r\n"
            + "MIME-Version: 1.0\r\n";

    /** About 10 KB: multipart/alternative, text/plain and text/html, quoted-printable, every line at most 76. */
    static byte[] cleanMessage() {
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<html><body>\r\n");
        int i = 0;
        while (text.length() + html.length() < TARGET_SIZE - 1200) {
            String line = "Paragraph " + i++ + ": the quick brown fox jumps over the lazy dog, again=";
            text.append(line.replace("=", "=3D")).append("\r\n");
            html.append("<p>").append(line.replace("=", "=3D")).append("</p>\r\n");
        }
        html.append("</body></html>\r\n");
        return (HEADER + "Content-Type: multipart/alternative; boundary=\"alt-1\"\r\n\r\n--alt-1\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + text + "\r\n--alt-1\r\n"
                + "Content-Type: text/html; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + html + "\r\n--alt-1--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** About 10 KB of one text part: bare LF, lines of 300 characters, UTF-8 without a charset, no Message-ID. */
    static byte[] dirtyMessage() {
        StringBuilder body = new StringBuilder();
        int i = 0;
        while (body.length() < TARGET_SIZE - 600) {
            body.append("Gr\u00fc\u00dfe ").append(i++).append(' ').append("word ".repeat(58)).append('\n');
        }
        String message = HEADER.replace("Message-ID: <20261206030000.1234@example.com>\r\n", "")
                .replace("Subject :", "Subject:").replace("\r\n", "\n") + "\n" + body;
        return message.getBytes(StandardCharsets.UTF_8);
    }
}
