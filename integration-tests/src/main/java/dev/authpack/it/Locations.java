package dev.authpack.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the harness finds the repository's sample configuration, the pack JAR to install, and where it may write.
 * Maven passes them as system properties (see this module's pom.xml); from an IDE the defaults are found by
 * walking up from the current directory to the repository root (the folder holding {@code conf-samples/}).
 */
public final class Locations {
    public static final String CONF_SAMPLES_PROPERTY = "authpack.conf-samples";
    public static final String EXTENSIONS_JARS_PROPERTY = "authpack.extensions-jars";
    public static final String WORK_ROOT_PROPERTY = "authpack.work-root";
    /** Bound on the walk up to the repository root. */
    private static final int MAX_PARENT_DIRECTORIES = 8;

    private Locations() {
    }

    /** The repository's {@code conf-samples/} folder. */
    public static Path confSamples() {
        return property(CONF_SAMPLES_PROPERTY).orElseGet(() -> repositoryRoot().resolve("conf-samples"));
    }

    /** The sample James {@code conf/} directory, {@code conf-samples/james}. */
    public static Path jamesConfTemplate() {
        return confSamples().resolve("james");
    }

    /** The demo DNS zone, {@code conf-samples/demo.zone}. */
    public static Path demoZone() {
        return confSamples().resolve("demo.zone");
    }

    /** The folder holding the pack JAR(s) to copy into James' {@code extensions-jars/}. */
    public static Path extensionsJars() {
        return property(EXTENSIONS_JARS_PROPERTY)
                .orElseGet(() -> repositoryRoot().resolve("integration-tests/target/extensions-jars"));
    }

    /** Parent of the per-server working directories. */
    public static Path workRoot() {
        return property(WORK_ROOT_PROPERTY)
                .orElseGet(() -> repositoryRoot().resolve("integration-tests/target/james-work"));
    }

    private static Optional<Path> property(String name) {
        return Optional.ofNullable(System.getProperty(name)).filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().normalize());
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < MAX_PARENT_DIRECTORIES && dir != null; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("conf-samples")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with conf-samples/ and pom.xml)"
                + " above " + Path.of("").toAbsolutePath() + "; set -D" + CONF_SAMPLES_PROPERTY + "=...");
    }
}
