package dev.authpack.bench.james;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MedianIntervalTest {
    @Test
    void twelveRoundsGiveTheThirdSmallestToTheThirdLargest() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            values.add(i / 10.0);
        }
        Collections.shuffle(values, new Random(1));
        MedianInterval m = MedianInterval.of(values);
        assertThat(m.median()).isCloseTo(0.65, within(1e-12));
        assertThat(m.low()).isEqualTo(0.3);
        assertThat(m.high()).isEqualTo(1.0);
        // 1 - 2 * (1 + 12 + 66) / 4096
        assertThat(m.confidence()).isCloseTo(1 - 2 * 79.0 / 4096, within(1e-12));
        assertThat(m.n()).isEqualTo(12);
    }

    @Test
    void sixRoundsReachNinetyFivePercentOnlyWithMinToMax() {
        MedianInterval m = MedianInterval.of(List.of(0.9, 0.8, 1.0, 0.85, 0.95, 0.7));
        assertThat(m.low()).isEqualTo(0.7);
        assertThat(m.high()).isEqualTo(1.0);
        assertThat(m.confidence()).isCloseTo(1 - 2 / 64.0, within(1e-12));
        assertThat(m.median()).isCloseTo(0.875, within(1e-12));
        // 96.875 % is said as 96 %, never rounded up
        assertThat(m.describe()).isEqualTo("0.875 (96 % interval 0.700–1.000, 6 rounds)");
        assertThat(MedianInterval.of(List.of(0.9, 0.8, 1.0, 0.85)).describe()).startsWith("0.875 (87 % interval");
    }

    @Test
    void fewRoundsSayHowLittleTheirIntervalCovers() {
        MedianInterval m = MedianInterval.of(List.of(0.9, 0.7, 0.8));
        assertThat(m.median()).isEqualTo(0.8);
        assertThat(m.low()).isEqualTo(0.7);
        assertThat(m.high()).isEqualTo(0.9);
        assertThat(m.confidence()).isCloseTo(0.75, within(1e-12));
        assertThat(m.describe()).isEqualTo("0.800 (75 % interval 0.700–0.900, 3 rounds)");
        assertThat(MedianInterval.of(List.of()).n()).isZero();
    }

    @Test
    void theIntervalCoversTheTrueMedianAsOftenAsItSays() {
        Random random = new Random(7);
        int trials = 20_000;
        int covered = 0;
        for (int t = 0; t < trials; t++) {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                values.add(random.nextGaussian()); // true median 0
            }
            MedianInterval m = MedianInterval.of(values);
            if (m.low() <= 0 && 0 <= m.high()) {
                covered++;
            }
        }
        double expected = MedianInterval.of(new ArrayList<>(Collections.nCopies(20, 0.0))).confidence();
        assertThat(expected).isGreaterThanOrEqualTo(MedianInterval.LEVEL);
        assertThat((double) covered / trials).isCloseTo(expected, within(0.01));
    }
}
