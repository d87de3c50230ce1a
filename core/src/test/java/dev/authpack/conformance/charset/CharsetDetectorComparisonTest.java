package dev.authpack.conformance.charset;

import com.ibm.icu.charset.CharsetProviderICU;
import com.ibm.icu.text.CharsetMatch;
import org.junit.jupiter.api.Test;
import org.mozilla.universalchardet.UniversalDetector;

import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs ICU4J's CharsetDetector and juniversalchardet over {@link EvaluationCorpus} with the same measure as
 * {@link CharsetDetectionAccuracyTest} (the detected charset decodes the sample to exactly its original text) and
 * prints their per-encoding accuracy next to ours. Test scope only.
 */
class CharsetDetectorComparisonTest {

    private static final CharsetProviderICU ICU_CHARSETS = new CharsetProviderICU();

    /** A charset for a name a detector reports: ours for our labels, else the JDK's, else ICU4J's; null if none. */
    static Charset charsetNamed(String name) {
        if (name == null) {
            return null;
        }
        String label = name.toLowerCase(Locale.ROOT);
        if (Encodings.SUPPORTED.contains(label)) {
            return Encodings.charsetFor(label);
        }
        try {
            if (Charset.isSupported(name)) {
                return Charset.forName(name);
            }
        } catch (IllegalArgumentException e) {
            // fall through to ICU4J
        }
        return ICU_CHARSETS.charsetForName(name);
    }

    static String icu(byte[] bytes) {
        com.ibm.icu.text.CharsetDetector detector = new com.ibm.icu.text.CharsetDetector();
        detector.setText(bytes);
        CharsetMatch match = detector.detect();
        return match == null ? null : match.getName();
    }

    static String juniversal(byte[] bytes) {
        UniversalDetector detector = new UniversalDetector();
        detector.handleData(bytes, 0, bytes.length);
        detector.dataEnd();
        return detector.getDetectedCharset();
    }

    @Test
    void oursIsAtLeastAsAccurateAsIcu4jAndJuniversalchardet() {
        List<EvaluationCorpus.Sample> samples = EvaluationCorpus.samples();
        CharsetDetector ours = CharsetDetector.all();
        Map<String, Function<byte[], String>> detectors = new LinkedHashMap<>();
        detectors.put("authpack", b -> ours.detect(b).map(Detection::encoding).orElse(null));
        detectors.put("ICU4J 74.2", CharsetDetectorComparisonTest::icu);
        detectors.put("juniversalchardet 2.5.0", CharsetDetectorComparisonTest::juniversal);
        Map<String, Map<String, int[]>> counts = new LinkedHashMap<>();
        for (EvaluationCorpus.Sample s : samples) {
            detectors.forEach((name, detector) -> {
                Charset charset = charsetNamed(detector.apply(s.bytes()));
                boolean right = charset != null && EvaluationCorpus.decodesTo(s.bytes(), charset, s.original());
                int[] c = counts.computeIfAbsent(name, k -> new LinkedHashMap<>())
                        .computeIfAbsent(s.encoding(), k -> new int[2]);
                c[1]++;
                c[0] += right ? 1 : 0;
            });
        }
        StringBuilder out = new StringBuilder(String.format("%-15s %10s %10s %10s%n", "encoding", "authpack",
                "ICU4J", "juniversal"));
        Map<String, int[]> totals = new LinkedHashMap<>();
        Map<String, int[]> legacyTotals = new LinkedHashMap<>();
        for (String encoding : Encodings.SUPPORTED) {
            out.append(String.format("%-15s", encoding));
            for (String name : detectors.keySet()) {
                int[] c = counts.get(name).get(encoding);
                out.append(String.format(" %9.1f%%", 100.0 * c[0] / c[1]));
                add(totals.computeIfAbsent(name, k -> new int[2]), c);
                if (!encoding.startsWith("utf-")) {
                    add(legacyTotals.computeIfAbsent(name, k -> new int[2]), c);
                }
            }
            out.append('\n');
        }
        appendTotal(out, "TOTAL", totals);
        appendTotal(out, "legacy only", legacyTotals);
        System.out.print("Charset detection compared (share of samples decoded exactly)\n" + out);
        double oursShare = share(totals.get("authpack"));
        assertThat(oursShare).isGreaterThanOrEqualTo(share(totals.get("ICU4J 74.2")));
        assertThat(oursShare).isGreaterThanOrEqualTo(share(totals.get("juniversalchardet 2.5.0")));
    }

    private static void add(int[] total, int[] c) {
        total[0] += c[0];
        total[1] += c[1];
    }

    private static double share(int[] c) {
        return (double) c[0] / c[1];
    }

    private static void appendTotal(StringBuilder out, String title, Map<String, int[]> totals) {
        out.append(String.format("%-15s", title));
        totals.values().forEach(c -> out.append(String.format(" %9.1f%%", 100 * share(c))));
        out.append('\n');
    }
}
