package dev.authpack.bench.james;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoundLogTest {
    private static JamesEndToEnd.Measured measured(double rate, double cpu) {
        LoadRound.Result result = new LoadRound.Result("s", (long) (rate * 10), 0, 0, 10, 30, 40);
        return new JamesEndToEnd.Measured(result, cpu, Map.of("spooler", cpu / 4), Map.of("spooler", 3.0), 0);
    }

    @Test
    void roundsOfSeveralJvmPairsArePooledInOrder() {
        RoundLog first = new RoundLog();
        first.add("pack", measured(90, 2.2));
        first.add("no pack", measured(100, 2.0));
        first.addRatios("pack", 0.9, 2.0 / 2.2);
        first.roundDone();
        RoundLog second = new RoundLog();
        for (int i = 0; i < 2; i++) {
            second.add("pack", measured(80, 2.5));
            second.add("no pack", measured(100, 2.0));
            second.addRatios("pack", 0.8, 0.8);
            second.roundDone();
        }
        RoundLog pooled = new RoundLog();
        pooled.addAll(first);
        pooled.addAll(second);
        assertThat(pooled.rounds()).isEqualTo(3);
        assertThat(pooled.rateRatios("pack")).containsExactly(0.9, 0.8, 0.8);
        assertThat(pooled.cpuRatios("pack")).containsExactly(2.0 / 2.2, 0.8, 0.8);
        assertThat(MedianInterval.of(pooled.rateRatios("pack")).median()).isEqualTo(0.8);
        // the pooled log is a copy: the first one is unchanged
        assertThat(first.rateRatios("pack")).containsExactly(0.9);
        assertThat(pooled.rateRatios("no pack")).isEmpty();
    }
}
