package dev.authpack.conformance.charset;

import dev.authpack.conformance.KnownFailures;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the detector over {@link EvaluationCorpus} and prints the share of samples decoded to exactly their original
 * text, per encoding, per size and in total. Fails below the goals (95% in total, 90% for each encoding) unless
 * the encoding is listed in known-failures/charset.txt, and when a listed encoding reaches 90%.
 */
class CharsetDetectionAccuracyTest {

    static final double TOTAL_GOAL = 0.95;
    static final double PER_ENCODING_GOAL = 0.90;

    @Test
    void detectsTheEvaluationCorpus() {
        List<EvaluationCorpus.Sample> samples = EvaluationCorpus.samples();
        CharsetDetector detector = CharsetDetector.all();
        Map<String, int[]> byEncoding = new LinkedHashMap<>();
        Map<EvaluationCorpus.Size, int[]> bySize = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> confusions = new LinkedHashMap<>();
        int ok = 0;
        for (EvaluationCorpus.Sample s : samples) {
            Optional<Detection> d = detector.detect(s.bytes());
            boolean right = d.isPresent() && EvaluationCorpus.decodesTo(s.bytes(), d.get().charset(), s.original());
            int[] e = byEncoding.computeIfAbsent(s.encoding(), k -> new int[2]);
            int[] z = bySize.computeIfAbsent(s.size(), k -> new int[2]);
            e[1]++;
            z[1]++;
            if (right) {
                ok++;
                e[0]++;
                z[0]++;
            } else {
                confusions.computeIfAbsent(s.encoding(), k -> new LinkedHashMap<>())
                        .merge(d.map(Detection::encoding).orElse("none") + " (" + s.language() + "/"
                                + s.size() + ")", 1, Integer::sum);
            }
        }
        StringBuilder report = new StringBuilder("Charset detection accuracy (decoded exactly to the original)\n");
        Map<String, String> failures = new LinkedHashMap<>();
        byEncoding.forEach((enc, c) -> {
            double share = (double) c[0] / c[1];
            report.append(String.format("  %-15s %4d/%-4d %6.1f%%  %s%n", enc, c[0], c[1], 100 * share,
                    confusions.getOrDefault(enc, Map.of())));
            if (share < PER_ENCODING_GOAL) {
                failures.put(enc, String.format("%.1f%%", 100 * share));
            }
        });
        bySize.forEach((size, c) -> report.append(String.format("  size %-8s %4d/%-4d %6.1f%%%n", size, c[0], c[1],
                100.0 * c[0] / c[1])));
        double total = (double) ok / samples.size();
        report.append(String.format("  TOTAL           %4d/%-4d %6.1f%%  encodings below %.0f%%: %d (%s)%n", ok,
                samples.size(), 100 * total, 100 * PER_ENCODING_GOAL, failures.size(), failures.keySet()));
        System.out.print(report);
        assertThat(byEncoding).hasSize(36);
        assertThat(total).as("total accuracy").isGreaterThanOrEqualTo(TOTAL_GOAL);
        assertThat(KnownFailures.load("charset.txt").problems("", byEncoding.keySet(), failures)).isEmpty();
    }
}
