package dev.authpack.check;

/**
 * Times the checks of one message, for an adapter's metrics: {@link #started} is called when a check starts and the
 * returned callback when it ends (with its result, its fallback after the budget, or cut off). Checks that do not
 * run are not timed. Called on the checks' threads: implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface CheckTimer {
    /** Times nothing. */
    CheckTimer NONE = method -> () -> { };

    /**
     * @param method the check's method word as in {@code Authentication-Results}: {@code dkim}, {@code spf},
     *               {@code spf-helo}, {@code iprev}, {@code arc}, {@code dmarc}
     * @return what to run when the check ends
     */
    Runnable started(String method);
}
