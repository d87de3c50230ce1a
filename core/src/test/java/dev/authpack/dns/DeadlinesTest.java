package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadlinesTest {
    @Test
    void aBudgetThatRunsOutCompletesWithTheFallback() throws Exception {
        CompletableFuture<String> work = new CompletableFuture<>();
        assertThat(Deadlines.completeOnTimeout(work, "fallback", Duration.ofMillis(20))).isSameAs(work);
        assertThat(work.get(5, TimeUnit.SECONDS)).isEqualTo("fallback");
    }

    @Test
    void aBudgetThatRunsOutFailsWithATimeout() {
        CompletableFuture<String> work = Deadlines.orTimeout(new CompletableFuture<>(), Duration.ofMillis(20));
        assertThatThrownBy(() -> work.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void workThatEndsInTimeKeepsItsResultAndTakesItsBudgetBack() throws Exception {
        int before = Deadlines.pending();
        CompletableFuture<String> answered = Deadlines.completeOnTimeout(new CompletableFuture<>(), "fallback",
                Duration.ofSeconds(30));
        CompletableFuture<String> failed = Deadlines.orTimeout(new CompletableFuture<>(), Duration.ofSeconds(30));
        assertThat(Deadlines.pending()).isEqualTo(before + 2);
        answered.complete("answer");
        // unlike the JDK's orTimeout, an exceptional end takes the budget back too
        failed.completeExceptionally(new IllegalStateException("no"));
        assertThat(answered.get()).isEqualTo("answer");
        assertThat(Deadlines.pending()).isEqualTo(before);
    }

    @Test
    void doneWorkSetsNoBudgetAndHugeBudgetsDoNotOverflow() {
        int before = Deadlines.pending();
        Deadlines.completeOnTimeout(CompletableFuture.completedFuture("done"), "fallback", Duration.ofMillis(1));
        assertThat(Deadlines.pending()).isEqualTo(before);
        CompletableFuture<String> forever = Deadlines.orTimeout(new CompletableFuture<>(),
                Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(forever).isNotDone();
        forever.complete("x");
        assertThat(Deadlines.pending()).isEqualTo(before);
    }
}
