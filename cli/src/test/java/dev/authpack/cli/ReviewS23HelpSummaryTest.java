package dev.authpack.cli;

import static dev.authpack.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Review s23 (a newcomer's walkthrough): {@code authpack --help} lists each command with the first line of its
 * description; that line must be a whole sentence, not the lead-in to an example ({@code dkim-key} read "... as a
 * zone file line:" with nothing after it).
 */
class ReviewS23HelpSummaryTest {

    /** A command line of the list: two spaces, the name, its summary; continuation lines are indented deeper. */
    private static final Pattern COMMAND = Pattern.compile("^  ([a-z-]+) +(\\S.*)$");

    @Test
    void everyCommandSummaryInTheTopLevelHelpIsAWholeSentence() {
        CliRun help = run("--help");
        assertThat(help.exitCode()).isZero();
        String commands = help.stdout().substring(help.stdout().indexOf("Commands:"),
                help.stdout().indexOf("Exit status:"));
        List<String> summaries = new ArrayList<>();
        StringBuilder current = null;
        for (String line : commands.split("\\R")) {
            Matcher command = COMMAND.matcher(line);
            if (command.matches()) {
                current = new StringBuilder(command.group(2));
                summaries.add(null);
            } else if (current != null && !line.isBlank()) {
                current.append(' ').append(line.strip());
            }
            if (current != null && !summaries.isEmpty()) {
                summaries.set(summaries.size() - 1, current.toString());
            }
        }
        assertThat(summaries).hasSize(8);
        assertThat(summaries).allSatisfy(summary -> assertThat(summary).endsWith("."));
    }
}
