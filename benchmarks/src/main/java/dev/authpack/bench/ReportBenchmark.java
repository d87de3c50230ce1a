package dev.authpack.bench;

import dev.authpack.report.ReportParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The report parser (issue 7 item 7, docs/benchmarks.md):
 * <ul>
 *   <li>{@code parseCorpus}: {@link ReportParser#parse} over every sample of the sisimai corpus in turn (bounces,
 *       DSNs, ARF reports, auto-replies, negatives); one operation = one report (goal: 10,000 per second on one
 *       core, i.e. at most 100 µs each);</li>
 *   <li>{@code matcherCheapPath}: what {@code IsOobBounce} / {@code IsArfReport} do with ordinary mail: the
 *       top-level header fields of a 10 KB message as James holds it ({@link MimeMessage}) read for
 *       {@link ReportParser#mayBeReport}; no body is read (goal: at most 2 µs);</li>
 *   <li>{@code parseOrdinary}: the full parse of the same 10 KB message, for comparison.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReportBenchmark {
    /** Where the corpus is (the core module's copy of testsuites/bounces-sisimai), relative to the checkout. */
    static final String CORPUS = "core/src/test/resources/testsuites/bounces-sisimai";
    /** Samples in the corpus; {@link #parseCorpus} parses them all per invocation. */
    static final int CORPUS_SIZE = 362;

    private static final ReportParser PARSER = new ReportParser();

    private List<byte[]> corpus;
    private MimeMessage ordinary;
    private byte[] ordinaryBytes;

    @Setup
    public void setUp() throws MessagingException {
        corpus = corpus();
        ordinaryBytes = ordinaryMessage();
        ordinary = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(ordinaryBytes));
    }

    @Benchmark
    @OperationsPerInvocation(CORPUS_SIZE)
    public int parseCorpus() {
        int reports = 0;
        for (byte[] message : corpus) {
            reports += PARSER.parse(message).hashCode() & 1;
        }
        return reports;
    }

    @Benchmark
    public boolean matcherCheapPath() {
        return ReportParser.mayBeReport(this::header, "alice@example.org");
    }

    @Benchmark
    public Object parseOrdinary() {
        return PARSER.parse(ordinaryBytes, "alice@example.org");
    }

    private String header(String name) {
        try {
            return ordinary.getHeader(name, null);
        } catch (MessagingException e) {
            return null;
        }
    }

    /** The corpus files, found from the working directory or its parent (running from benchmarks/). */
    static List<byte[]> corpus() {
        Path dir = Path.of(CORPUS);
        if (!Files.isDirectory(dir)) {
            dir = Path.of("..").resolve(CORPUS);
        }
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
                out.add(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("report corpus not found at " + dir.toAbsolutePath(), e);
        }
        if (out.size() != CORPUS_SIZE) {
            throw new IllegalStateException("expected " + CORPUS_SIZE + " samples in " + dir + ", found " + out.size());
        }
        return out;
    }

    /** An ordinary 10 KB message: a typical header section (Received chain, DKIM, list fields) and a text body. */
    static byte[] ordinaryMessage() {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            m.append("Received: from relay").append(i).append(".example.net (relay").append(i)
                    .append(".example.net [192.0.2.").append(i + 1).append("])\r\n\tby mx.example.org with ESMTPS id ")
                    .append("abc").append(i).append("; Sun, 6 Dec 2026 03:00:0").append(i).append(" +0000\r\n");
        }
        m.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s1;\r\n\th=from:to:subject:date;"
                + " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=").append("A".repeat(344)).append("\r\n");
        m.append("From: Alice Example <alice@example.net>\r\nTo: Bob <bob@example.org>\r\n"
                + "Subject: Minutes of the planning meeting\r\nDate: Sun, 6 Dec 2026 03:00:00 +0000\r\n"
                + "Message-ID: <m1@example.net>\r\nMIME-Version: 1.0\r\nList-Id: <planning.example.net>\r\n"
                + "List-Unsubscribe: <mailto:leave@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        while (m.length() < 10 * 1024) {
            m.append("We agreed to move the review to Thursday and to keep the notes in the shared folder.\r\n");
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }
}
