package dev.authpack.check;

import dev.authpack.dns.Deadlines;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One check of a {@link CheckRun}: the engine's result, or its fallback (a temporary error with the reason) when
 * the engine throws, fails, or runs past its budget. The engine's future is cancelled once the check has ended
 * without it. Empty when the check is not enabled.
 */
final class BoundedCheck<T> {
    private final CompletableFuture<Optional<T>> result = new CompletableFuture<>();
    private final String name;
    private final Function<String, T> fallback;
    private CheckTimer timer = CheckTimer.NONE;
    private String method = "";

    private BoundedCheck(String name, Function<String, T> fallback) {
        this.name = name;
        this.fallback = fallback;
    }

    /** A check that will run: {@link #start} it (now or once what it needs is in). */
    static <T> BoundedCheck<T> of(String name, Function<String, T> fallback) {
        return new BoundedCheck<>(name, fallback);
    }

    /** A check that does not run. */
    static <T> BoundedCheck<T> skipped() {
        BoundedCheck<T> check = new BoundedCheck<>("skipped", reason -> null);
        check.result.complete(Optional.empty());
        return check;
    }

    /** Times this check with {@code timer} under {@code methodWord}, if it starts. Call before {@link #start}. */
    BoundedCheck<T> timedBy(CheckTimer checkTimer, String methodWord) {
        this.timer = checkTimer;
        this.method = methodWord;
        return this;
    }

    /** Starts the engine, unless the check has already ended (cut off before it could start). */
    BoundedCheck<T> start(Supplier<CompletableFuture<T>> engine, Duration budget) {
        if (result.isDone()) {
            return this;
        }
        if (timer != CheckTimer.NONE) {
            Runnable stopTimer = timer.started(method);
            result.whenComplete((value, error) -> stopTimer.run());
        }
        CompletableFuture<T> running;
        try {
            running = engine.get();
        } catch (RuntimeException e) {
            running = CompletableFuture.failedFuture(e);
        }
        if (running.isDone()) {
            // the usual case with cached answers: taken now, without a dependent stage
            settleNow(running);
        } else {
            running.whenComplete(this::settle);
        }
        if (!result.isDone()) {
            Deadlines.completeOnTimeout(result, Optional.of(fallback.apply(name + " did not finish within "
                    + budget.toMillis() + " ms")), budget);
            CompletableFuture<T> engineFuture = running;
            result.whenComplete((value, error) -> engineFuture.cancel(false));
        }
        return this;
    }

    /** Ends the check with the engine's result, or its fallback when the engine failed or gave nothing. */
    private void settle(T value, Throwable error) {
        if (error == null && value != null) {
            result.complete(Optional.of(value));
        } else {
            cutOff(name + " failed: " + describe(error));
        }
    }

    /** {@link #settle} from an engine's future that has completed. */
    private void settleNow(CompletableFuture<T> done) {
        T value;
        try {
            value = done.getNow(null);
        } catch (CompletionException | CancellationException e) {
            settle(null, e);
            return;
        }
        settle(value, null);
    }

    /** Ends the check now with its fallback, if it has not ended yet. */
    void cutOff(String reason) {
        if (!result.isDone()) {
            // a skipped check has ended already (its fallback gives nothing)
            result.complete(Optional.ofNullable(fallback.apply(reason)));
        }
    }

    CompletableFuture<Optional<T>> result() {
        return result;
    }

    /** The result once ended (empty while running or when skipped). */
    Optional<T> now() {
        return result.getNow(Optional.empty());
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "no result";
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof CancellationException ? "cancelled" : "internal error: " + cause;
    }
}
