package dev.authpack.check;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedCheckTest {
    @Test
    void aCheckPastItsBudgetGetsItsFallbackAndItsEngineIsCancelled() throws Exception {
        CompletableFuture<String> engine = new CompletableFuture<>();
        BoundedCheck<String> check = BoundedCheck.<String>of("X", reason -> "temperror: " + reason)
                .start(() -> engine, Duration.ofMillis(50));
        assertThat(check.result().get(5, TimeUnit.SECONDS)).contains("temperror: X did not finish within 50 ms");
        // the engine is cancelled by a dependent of the result, which may run just after get() returns
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!engine.isDone() && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(engine).isCancelled();
        engine.complete("too late");
        assertThat(check.now()).contains("temperror: X did not finish within 50 ms");
    }

    @Test
    void aCutOffCheckCancelsItsEngineAndOneNotStartedNeverStarts() {
        CompletableFuture<String> engine = new CompletableFuture<>();
        BoundedCheck<String> running = BoundedCheck.<String>of("X", reason -> "fallback: " + reason)
                .start(() -> engine, Duration.ofHours(1));
        running.cutOff("interrupted");
        assertThat(running.now()).contains("fallback: interrupted");
        assertThat(engine).isCancelled();

        BoundedCheck<String> waiting = BoundedCheck.of("Y", reason -> "fallback: " + reason);
        waiting.cutOff("interrupted");
        boolean[] started = {false};
        waiting.start(() -> {
            started[0] = true;
            return CompletableFuture.completedFuture("ran");
        }, Duration.ofHours(1));
        assertThat(started[0]).isFalse();
        assertThat(waiting.now()).contains("fallback: interrupted");
    }

    @Test
    void aFinishedCheckKeepsItsResultAndAFailedOneGetsItsFallback() {
        BoundedCheck<String> done = BoundedCheck.<String>of("X", reason -> "fallback")
                .start(() -> CompletableFuture.completedFuture("pass"), Duration.ofHours(1));
        done.cutOff("too late");
        assertThat(done.now()).contains("pass");
        BoundedCheck<String> failed = BoundedCheck.<String>of("X", reason -> "fallback: " + reason)
                .start(() -> {
                    throw new IllegalStateException("bug");
                }, Duration.ofHours(1));
        assertThat(failed.now()).hasValueSatisfying(v -> assertThat(v).startsWith("fallback: X failed: internal"
                + " error: java.lang.IllegalStateException: bug"));
        assertThat(BoundedCheck.<String>skipped().now()).isEqualTo(Optional.empty());
    }
}
