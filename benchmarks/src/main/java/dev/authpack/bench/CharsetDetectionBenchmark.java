package dev.authpack.bench;

import dev.authpack.conformance.charset.CharsetDetector;
import dev.authpack.conformance.charset.Detection;
import dev.authpack.conformance.charset.Encodings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Charset detection throughput ({@link CharsetDetector}, all 36 encodings allowed) over unlabelled mail text of
 * one size: one operation detects one text, cycling through the {@link #TEXTS} mix (Western, Central European,
 * Cyrillic, Greek, Japanese and Chinese legacy encodings, and UTF-8). Throughput in MB/s = ops/s x {@code size}
 * / 10^6. {@code decodeReference} decodes the same texts with their known charset (what a labelled text costs),
 * the machine's yardstick for the ratio. Run by hand, never by the build: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CharsetDetectionBenchmark {

    /** Text, its encoding (KumoMTA label). */
    static final String[][] TEXTS = {
        {"Liebe Kolleginnen und Kollegen, die Sitzung am Dienstag fällt aus. Bitte prüfen Sie die "
            + "Unterlagen für nächste Woche und schicken Sie Änderungswünsche bis Freitag an das Büro. ", "windows-1252"},
        {"Chère Hélène, merci pour ton message. Le rendez-vous est déplacé à jeudi ; j'apporterai les "
            + "documents signés et le reçu de la réunion précédente. À bientôt ! ", "iso-8859-15"},
        {"Szanowni Państwo, uprzejmie informujemy, że spotkanie odbędzie się w środę o godzinie "
            + "dziesiątej. Prosimy o potwierdzenie obecności do wtorku. Łączymy pozdrowienia. ", "iso-8859-2"},
        {"Уважаемые коллеги, совещание переносится на четверг. Просим подготовить отчёты о продажах "
            + "за прошлый месяц и прислать их до среды. С уважением, отдел кадров. ", "windows-1251"},
        {"Αγαπητοί συνάδελφοι, η συνάντηση μεταφέρεται για την Πέμπτη. Παρακαλούμε να στείλετε τις "
            + "αναφορές σας μέχρι την Τετάρτη. Με εκτίμηση, η γραμματεία. ", "iso-8859-7"},
        {"関係者各位、来週の会議は木曜日に変更になりました。資料は水曜日までに事務局へお送りください。"
            + "よろしくお願いいたします。", "shift_jis"},
        {"各位同事，下周的会议改到星期四举行。请在星期三之前把销售报告发给办公室。谢谢大家的配合。", "gbk"},
        {"Dear all, the meeting moves to Thursday. Привет из Москвы — увидимся в четверг! Grüße, Jürgen. ", "utf-8"},
    };

    @Param({"100", "1000", "5000"})
    public int size;

    private final CharsetDetector detector = CharsetDetector.all();
    private byte[][] texts;
    private Charset[] charsets;
    private int next;

    /** Builds the texts and refuses to measure a detector that gets one wrong. */
    @Setup(Level.Trial)
    public void setUp() {
        List<byte[]> list = new ArrayList<>();
        List<Charset> charsetList = new ArrayList<>();
        for (String[] t : TEXTS) {
            Charset charset = Encodings.charsetFor(t[1]);
            StringBuilder text = new StringBuilder();
            while (text.toString().getBytes(charset).length < size) {
                text.append(t[0]);
            }
            // cut to at most size bytes, at a character boundary
            while (text.toString().getBytes(charset).length > size) {
                text.setLength(text.length() - 1);
            }
            byte[] bytes = text.toString().getBytes(charset);
            Detection d = detector.detect(bytes).orElseThrow(() -> new IllegalStateException("no detection"));
            if (!new String(bytes, d.charset()).contentEquals(text)) {
                throw new IllegalStateException(t[1] + " text of " + size + " bytes detected as " + d.encoding());
            }
            list.add(bytes);
            charsetList.add(charset);
        }
        texts = list.toArray(new byte[0][]);
        charsets = charsetList.toArray(new Charset[0]);
    }

    @Benchmark
    public Detection detect() {
        byte[] text = texts[next];
        next = next + 1 == texts.length ? 0 : next + 1;
        return detector.detect(text).orElseThrow();
    }

    @Benchmark
    public String decodeReference() {
        int i = next;
        next = next + 1 == texts.length ? 0 : next + 1;
        return new String(texts[i], charsets[i]);
    }

    /** Mean size of the texts in bytes (each at most {@link #size}). */
    double meanBytes() {
        long total = 0;
        for (byte[] t : texts) {
            total += t.length;
        }
        return (double) total / texts.length;
    }
}
