package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repository's real {@code bin/authpack} script as a separate process, the way an administrator does.
 * The CLI (and the engine inside its fat JAR) is deliberately not on this module's class path; the pom's
 * dependency on authpack-cli only makes the reactor build {@code cli/target/authpack-cli-*-all.jar} first.
 */
final class AuthpackScript {
    /** One run: exit status, standard output and standard error. */
    record Result(int exitCode, String stdout, String stderr) {
        /** Asserts exit 0 and an empty standard error; returns standard output. */
        String ok() {
            assertThat(exitCode).as("bin/authpack exit status; stderr:\n" + stderr).isZero();
            assertThat(stderr).as("bin/authpack standard error").isEmpty();
            return stdout;
        }
    }

    private static final long TIMEOUT_SECONDS = 60;

    private AuthpackScript() {
    }

    /** The repository root: the folder above {@code conf-samples/}. */
    static Path repositoryRoot() {
        return Locations.confSamples().getParent();
    }

    /** {@code bin/authpack}, after checking it can run (the fat JAR is built). */
    static Path script() {
        Path root = repositoryRoot();
        Path script = root.resolve("bin/authpack");
        assertThat(script).as("bin/authpack").isRegularFile();
        assertThat(Files.isExecutable(script)).as("bin/authpack is executable").isTrue();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(root.resolve("cli/target"),
                "authpack-cli-*-all.jar")) {
            assertThat(jars.iterator().hasNext())
                    .as("cli/target/authpack-cli-*-all.jar (build the cli module first: mvn -DskipTests install)")
                    .isTrue();
        } catch (IOException e) {
            throw new AssertionError("no cli/target under " + root + " (build the cli module first)", e);
        }
        return script;
    }

    /** Runs {@code bin/authpack ARGS} with nothing on standard input; waits at most 60 s. */
    static Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(script().toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("authpack-out", ".txt");
            Path err = Files.createTempFile("authpack-err", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(new File(System.getProperty("java.io.tmpdir")))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                // the JDK running the tests, whatever JAVA_HOME the shell had
                builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
                builder.environment().remove("JAVA");
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("bin/authpack did not finish in " + TIMEOUT_SECONDS + " s: " + command);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
