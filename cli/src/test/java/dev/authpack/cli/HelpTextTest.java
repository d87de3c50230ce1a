package dev.authpack.cli;

import static dev.authpack.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** The help texts say what the commands do (docs/cli.md says the same). */
class HelpTextTest {

    /** The help as one line: picocli wraps at 80 columns wherever a word ends. */
    private static String help(String... args) {
        CliRun run = run(args);
        assertThat(run.exitCode()).isZero();
        return run.stdout().replaceAll("\\s+", " ");
    }

    @Test
    void theTopLevelHelpListsEveryExitStatusTheCommandsUse() throws IllegalAccessException {
        String top = help("--help");
        assertThat(top).contains("Exit status: 0 the command ran (whatever the results); 1 fix only: a check failed;"
                + " 2 usage error or unreadable input; 70 a bug in authpack (never caused by input).");
        for (Field status : ExitCodes.class.getFields()) {
            if (Modifier.isStatic(status.getModifiers()) && status.getType() == int.class) {
                assertThat(top).as(status.getName()).containsPattern("(: |; )" + status.getInt(null) + " ");
            }
        }
    }

    @Test
    void eachCommandSaysWhatItsClockIsFor() {
        assertThat(help("check", "--help")).contains("--now=EPOCH_SECONDS The clock, in seconds since 1970, that DKIM"
                + " and ARC signatures (t=, x=) and the SPF %{t} macro are judged by (default: now).");
        assertThat(help("spf", "--help")).contains("--now=EPOCH_SECONDS The clock, in seconds since 1970, for the SPF"
                + " %{t} macro (default: now).");
        String fix = help("fix", "--help");
        assertThat(fix).contains("--now=EPOCH_SECONDS The time of a Date field added (MISSING_DATE_HEADER), in"
                + " seconds since 1970 (default: now).");
        assertThat(fix).doesNotContain("%{t}");
    }
}
