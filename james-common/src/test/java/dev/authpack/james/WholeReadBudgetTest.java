package dev.authpack.james;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WholeReadBudgetTest {
    private static final MessageSizeLimit SIXTY_FOUR = MessageSizeLimit.parse("maxCheckedSize", null);

    @Test
    void theDefaultIsAQuarterOfTheHeapAndAtLeastMaxCheckedSize() {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        assertThat(WholeReadBudget.read(null, SIXTY_FOUR).octets()).isEqualTo(Math.max(64L << 20, quarter));
        assertThat(WholeReadBudget.read(" ", MessageSizeLimit.parse("maxCheckedSize", "1G")).octets())
                .isEqualTo(Math.max(1L << 30, quarter));
    }

    @Test
    void valuesAreSizesFromMaxCheckedSizeToOneTebibyte() {
        assertThat(WholeReadBudget.read("512M", SIXTY_FOUR).octets()).isEqualTo(512L << 20);
        assertThat(WholeReadBudget.read("2 GiB", SIXTY_FOUR).octets()).isEqualTo(2L << 30);
        assertThat(WholeReadBudget.read("1024G", SIXTY_FOUR).octets()).isEqualTo(WholeReadBudget.MAX);
        assertThat(WholeReadBudget.read("64M", SIXTY_FOUR).octets()).isEqualTo(64L << 20);
        for (String bad : List.of("63M", "1025G", "-1", "lots", "1T", "99999999999999999999")) {
            assertThatThrownBy(() -> WholeReadBudget.read(bad, SIXTY_FOUR))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxCheckedTotal must be a size from 67108864 to 1099511627776 octets (a number of"
                            + " octets, or with K, M or G: 64M, 512KiB, 1G), not '" + bad + "'; at least"
                            + " maxCheckedSize, unset for a quarter of the heap");
        }
    }

    @Test
    void aMessageOfUnknownSizeHoldsWhatItsLimitLetsTheReadTake() {
        WholeReadBudget budget = new WholeReadBudget(new WholeReadBudget.Counter(System::nanoTime), 3L << 20);
        MessageSizeLimit limit = MessageSizeLimit.parse("maxCheckedSize", "2M");
        try (WholeReadBudget.Hold unknown = budget.tryHold(-1, limit)) {
            assertThat(unknown.octets()).isEqualTo(2L << 20);
            assertThat(budget.tryHold(-1, limit)).isNull();
            try (WholeReadBudget.Hold known = budget.tryHold(1L << 20, limit)) {
                assertThat(known.octets()).isEqualTo(1L << 20);
            }
        }
        assertThat(budget.held()).isZero();
    }

    @Test
    void aHoldFitsOrIsRefusedAtOnceAndIsReleasedOnce() {
        WholeReadBudget.Counter counter = new WholeReadBudget.Counter(System::nanoTime);
        WholeReadBudget budget = new WholeReadBudget(counter, 100);
        WholeReadBudget.Hold a = budget.tryHold(60);
        assertThat(a).isNotNull();
        assertThat(budget.tryHold(41)).isNull();
        WholeReadBudget.Hold b = budget.tryHold(40);
        assertThat(budget.held()).isEqualTo(100);
        a.close();
        a.close();
        assertThat(budget.held()).isEqualTo(40);
        // an instance with a smaller budget over the same count admits only within its own
        WholeReadBudget smaller = new WholeReadBudget(counter, 50);
        assertThat(smaller.tryHold(11)).isNull();
        try (WholeReadBudget.Hold c = smaller.tryHold(10)) {
            assertThat(c.octets()).isEqualTo(10);
            assertThat(budget.held()).isEqualTo(50);
        }
        b.close();
        assertThat(budget.held()).isZero();
        WholeReadBudget.Hold.NONE.close();
        assertThat(budget.tryHold(100)).isNotNull();
    }

    @Test
    void concurrentHoldsNeverExceedTheBudget() throws Exception {
        WholeReadBudget budget = new WholeReadBudget(new WholeReadBudget.Counter(System::nanoTime), 1000);
        AtomicLong peak = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        WholeReadBudget.Hold hold = budget.tryHold(300);
                        if (hold != null) {
                            peak.accumulateAndGet(budget.held(), Math::max);
                            hold.close();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(peak.get()).isBetween(300L, 900L);
        assertThat(budget.held()).isZero();
    }

    @Test
    void theStreamedMessagesAreLoggedAtMostOnceAMinute() {
        AtomicLong now = new AtomicLong(1_000);
        WholeReadBudget.Counter counter = new WholeReadBudget.Counter(now::get);
        WholeReadBudget budget = new WholeReadBudget(counter, 10);
        assertThat(budget.tryHold(11)).isNull();
        assertThat(counter.unlogged()).as("the first is logged at once").isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(budget.tryHold(11)).isNull();
        }
        now.addAndGet(WholeReadBudget.LOG_EVERY.toNanos() - 1);
        assertThat(budget.tryHold(11)).isNull();
        assertThat(counter.unlogged()).as("within the minute: counted, not logged").isEqualTo(6);
        now.addAndGet(1);
        assertThat(budget.tryHold(11)).isNull();
        assertThat(counter.unlogged()).as("a minute later: logged, with the count").isZero();
    }

    @Test
    void theReasonSaysWhatWasLeft() {
        WholeReadBudget budget = WholeReadBudget.read("64M", SIXTY_FOUR);
        assertThat(budget.reason(1000)).isEqualTo("message of 1000 octets over what maxCheckedTotal (67108864 octets)"
                + " leaves of the messages read whole at once");
        assertThat(budget.reason(-1)).startsWith("message of unknown size over");
        assertThat(budget).hasToString("maxCheckedTotal=67108864");
    }
}
