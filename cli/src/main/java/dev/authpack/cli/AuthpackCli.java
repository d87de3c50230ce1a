package dev.authpack.cli;

import dev.authpack.dns.ZoneFileResolver;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code authpack}: the engine on message files, JSON on standard output (contract: CLI.md, docs/cli.md).
 * {@link #execute} runs a command line in-process with the given streams and returns the exit status.
 */
@Command(name = "authpack", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Mail authentication checks on message files; JSON on standard output.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Exit status: 0 the command ran (whatever the results); 1 fix only: a check failed; 2 usage error"
                + " or unreadable input; 70 a bug in authpack (never caused by input)."})
public final class AuthpackCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = VisibleText.of(new PrintStream(new FileOutputStream(FileDescriptor.err), true,
                StandardCharsets.UTF_8));
        // before any logger is made: SLF4J's simple logger writes to System.err, and log lines quote input too
        System.setErr(err);
        int status = execute(args, new CliStreams(System.in, out, err));
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs one command line; never throws and never calls {@code System.exit}. */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return execute(args, new CliStreams(in, out, err));
    }

    static int execute(String[] args, CliStreams streams) {
        return execute(args, streams, UnaryOperator.identity());
    }

    /**
     * {@link #execute(String[], CliStreams)} with the resolver of {@code --dns-records} made into another by
     * {@code zoneResolver} in {@code check} and {@code spf} (for tests: {@link ZoneFileResolver#withLocalOverload}).
     */
    static int execute(String[] args, CliStreams streams, UnaryOperator<ZoneFileResolver> zoneResolver) {
        CliStreams shown = new CliStreams(streams.in(), streams.out(), VisibleText.of(streams.err()));
        CommandLine cli = commandLine(shown, zoneResolver);
        return cli.execute(args);
    }

    private static CommandLine commandLine(CliStreams streams, UnaryOperator<ZoneFileResolver> zoneResolver) {
        CheckCommand check = new CheckCommand(streams);
        check.dns.zoneResolver = zoneResolver;
        SpfCommand spf = new SpfCommand(streams);
        spf.dns.zoneResolver = zoneResolver;
        CommandLine cli = new CommandLine(new AuthpackCli())
                .addSubcommand(new CommandLine(check))
                .addSubcommand(new CommandLine(spf))
                .addSubcommand(new CommandLine(new AuthresCommand(streams)))
                .addSubcommand(new CommandLine(new DkimSignCommand(streams)))
                .addSubcommand(new CommandLine(new DkimKeyCommand(streams)))
                .addSubcommand(new CommandLine(new ArcSealCommand(streams)))
                .addSubcommand(new CommandLine(new ReportCommand(streams)))
                .addSubcommand(new CommandLine(new FixCommand(streams)));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(streams.out(), StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(streams.err(), StandardCharsets.UTF_8), true);
        cli.setOut(out).setErr(err)
                .setParameterExceptionHandler(AuthpackCli::usageError)
                .setExecutionExceptionHandler(AuthpackCli::executionError);
        return cli;
    }

    /** No command given: a usage error. */
    @Override
    public void run() {
        throw new UsageException("a command is required: " + String.join(", ", spec.subcommands().keySet())
                + " (see authpack --help)");
    }

    /** Picocli could not parse the arguments: one line on standard error, exit 2 (CLI.md "Exit status"). */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + OneLine.of(e.getMessage())
                + " (see " + failed.getCommandSpec().qualifiedName() + " --help)");
        failed.getErr().flush();
        return ExitCodes.USAGE;
    }

    private static int executionError(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        String name = command.getCommandSpec().qualifiedName();
        if (e instanceof UsageException) {
            command.getErr().println(name + ": " + OneLine.of(e.getMessage()));
            command.getErr().flush();
            return ExitCodes.USAGE;
        }
        // Not caused by input (the engine turns bad input into results): a bug, reported as such.
        command.getErr().println(name + ": internal error: " + OneLine.of(String.valueOf(e)));
        e.printStackTrace(new PrintWriter(command.getErr(), true));
        command.getErr().flush();
        return ExitCodes.INTERNAL_ERROR;
    }
}
