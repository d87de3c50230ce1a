package dev.authpack.bench.james;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InFlightTest {
    private static final long MS = 1_000_000;

    @Test
    void aFullWindowForTheWholeRoundIsItsMean() {
        InFlight f = new InFlight(0);
        f.poll(0, 0, 32);
        f.poll(1_000 * MS, 32, 32);
        assertThat(f.mean()).isCloseTo(32, within(1e-9));
        // 32 in flight for a second while 1,000 were delivered: each was in flight 32 ms
        assertThat(f.millisEach(1_000)).isCloseTo(32, within(1e-9));
    }

    @Test
    void anIntervalCountsTheMeanOfWhatTheLastPollLeftAndWhatThisOneFinds() {
        InFlight f = new InFlight(100 * MS);
        f.poll(100 * MS, 0, 10);
        f.poll(200 * MS, 20, 30);   // from 10 to 20: 15 for 100 ms
        f.poll(300 * MS, 30, 0);    // 30 for 100 ms, all delivered
        f.poll(500 * MS, 0, 0);     // none for 200 ms
        assertThat(f.mean()).isCloseTo((15 * 100 + 30 * 100) / 400.0, within(1e-9));
        assertThat(f.millisEach(45)).isCloseTo((15 * 100 + 30 * 100) / 45.0, within(1e-9));
    }

    @Test
    void aClockGoingBackAddsNothing() {
        InFlight f = new InFlight(0);
        f.poll(10 * MS, 0, 5);
        f.poll(5 * MS, 7, 7);      // earlier than the last poll: no interval, the count taken
        f.poll(20 * MS, 7, 7);
        assertThat(f.millisEach(1)).isCloseTo(7 * 10, within(1e-9));
        assertThat(new InFlight(0).millisEach(0)).isZero();
    }
}
