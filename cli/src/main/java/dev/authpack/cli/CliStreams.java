package dev.authpack.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The standard streams a command uses; tests pass their own to run commands in-process. */
record CliStreams(InputStream in, PrintStream out, PrintStream err) {
}
