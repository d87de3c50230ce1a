package dev.authpack.james;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures what slf4j-simple (the tests' binding) writes to System.err while an action runs. */
public final class LogCapture {
    private LogCapture() {
    }

    public interface Action {
        void run() throws Exception;
    }

    public static String of(Action action) throws Exception {
        PrintStream before = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(before);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /**
     * {@link #of}, with {@code logger}'s level DEBUG while the action runs (slf4j-simple has no API to change a
     * level once its logger exists: its {@code currentLogLevel} field is set and then put back).
     */
    public static String atDebug(Class<?> logger, Action action) throws Exception {
        org.slf4j.Logger simple = org.slf4j.LoggerFactory.getLogger(logger);
        java.lang.reflect.Field level = simple.getClass().getDeclaredField("currentLogLevel");
        level.setAccessible(true);
        int before = level.getInt(simple);
        level.setInt(simple, org.slf4j.spi.LocationAwareLogger.DEBUG_INT);
        try {
            return of(action);
        } finally {
            level.setInt(simple, before);
        }
    }
}
