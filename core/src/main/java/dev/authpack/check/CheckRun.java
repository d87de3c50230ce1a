package dev.authpack.check;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The checks of one message under way ({@link MailAuthChecker#start}). Every check is bounded by its own budget,
 * so {@link #report()} completes within {@link CheckBudgets#overall()}; {@link #await} adds a deadline of its own
 * and {@link #cutOff} ends the run at once: the checks that finished keep their results, the others get their
 * temporary error, and their engines' futures are cancelled.
 */
public final class CheckRun {
    private final List<BoundedCheck<?>> checks;
    private final Supplier<AuthCheckReport> assemble;
    private final CompletableFuture<AuthCheckReport> report;

    CheckRun(List<BoundedCheck<?>> checks, Supplier<AuthCheckReport> assemble) {
        this.checks = List.copyOf(checks);
        this.assemble = assemble;
        CompletableFuture<?>[] results = new CompletableFuture<?>[this.checks.size()];
        for (int i = 0; i < results.length; i++) {
            results[i] = this.checks.get(i).result();
        }
        this.report = CompletableFuture.allOf(results).thenApply(ignored -> assemble.get());
    }

    /** The report, once every check has ended (each within its budget). */
    public CompletableFuture<AuthCheckReport> report() {
        return report;
    }

    /**
     * The report, waiting at most {@code deadline}; past it the run is {@link #cutOff cut off}.
     *
     * @throws InterruptedException when the thread is interrupted while waiting; call {@link #cutOff} then
     */
    public AuthCheckReport await(Duration deadline) throws InterruptedException {
        try {
            return report.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return cutOff("the checks did not finish within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            return cutOff("internal error: " + e.getCause());
        }
    }

    /** Ends every unfinished check with its temporary error (the reason says why) and gives the report. */
    public AuthCheckReport cutOff(String reason) {
        // last first: DMARC, which waits for SPF and DKIM, must end before their end could start it
        for (int i = checks.size() - 1; i >= 0; i--) {
            checks.get(i).cutOff(reason);
        }
        return assemble.get();
    }
}
