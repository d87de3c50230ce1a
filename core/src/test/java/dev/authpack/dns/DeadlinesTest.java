package dev.authpack.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadlinesTest {
    /** A timer of the test's own, made as the shared one is, so its queue holds only this test's budgets. */
    private final ScheduledThreadPoolExecutor timer = Deadlines.tickingTimer("deadlines-test", Deadlines.TICK_MILLIS);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aBudgetThatRunsOutCompletesWithTheFallback() throws Exception {
        CompletableFuture<String> work = new CompletableFuture<>();
        assertThat(Deadlines.completeOnTimeout(timer, work, "fallback", Duration.ofMillis(20))).isSameAs(work);
        assertThat(work.get(5, TimeUnit.SECONDS)).isEqualTo("fallback");
        assertThat(Deadlines.pending(timer)).isZero();
    }

    @Test
    void aBudgetThatRunsOutFailsWithATimeout() {
        CompletableFuture<String> work = Deadlines.orTimeout(timer, new CompletableFuture<>(), Duration.ofMillis(20));
        assertThatThrownBy(() -> work.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void workThatEndsInTimeKeepsItsResultAndTakesItsBudgetBack() throws Exception {
        CompletableFuture<String> answered = Deadlines.completeOnTimeout(timer, new CompletableFuture<>(), "fallback",
                Duration.ofSeconds(30));
        CompletableFuture<String> failed = Deadlines.orTimeout(timer, new CompletableFuture<>(), Duration.ofSeconds(30));
        assertThat(Deadlines.pending(timer)).isEqualTo(2);
        answered.complete("answer");
        // unlike the JDK's orTimeout, an exceptional end takes the budget back too
        failed.completeExceptionally(new IllegalStateException("no"));
        assertThat(answered.get()).isEqualTo("answer");
        assertThat(Deadlines.pending(timer)).isZero();
    }

    @Test
    void doneWorkSetsNoBudgetAndHugeBudgetsDoNotOverflow() {
        Deadlines.completeOnTimeout(timer, CompletableFuture.completedFuture("done"), "fallback", Duration.ofMillis(1));
        assertThat(Deadlines.pending(timer)).isZero();
        CompletableFuture<String> forever = Deadlines.orTimeout(timer, new CompletableFuture<>(),
                Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(forever).isNotDone();
        assertThat(Deadlines.pending(timer)).isEqualTo(1);
        forever.complete("x");
        assertThat(Deadlines.pending(timer)).isZero();
    }

    @Test
    void theSharedTimerServesThePublicMethods() throws Exception {
        CompletableFuture<String> work = Deadlines.completeOnTimeout(new CompletableFuture<>(), "fallback",
                Duration.ofMillis(10));
        assertThat(work.get(5, TimeUnit.SECONDS)).isEqualTo("fallback");
        assertThatThrownBy(() -> Deadlines.orTimeout(new CompletableFuture<>(), Duration.ofMillis(10))
                .get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    }
}
