package dev.authpack.james;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** For the tests of mailets, matchers and hooks: the repository's conf-samples/, which the docs point to. */
public final class ConfSamples {
    /** Module folders are at most this deep below the repository root. */
    private static final int MAX_DEPTH = 5;

    private ConfSamples() {
    }

    /** {@code conf-samples/} of the source tree the tests run in (their working directory is a module folder). */
    public static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < MAX_DEPTH && p != null; i++, p = p.getParent()) {
            if (Files.isDirectory(p.resolve("conf-samples"))) {
                return p.resolve("conf-samples");
            }
        }
        throw new IllegalStateException("conf-samples not found above " + Path.of("").toAbsolutePath());
    }

    /** Copies the files of {@code conf-samples/FOLDER} to {@code jamesHome/conf/FOLDER}, as an administrator would. */
    public static void copyInto(String folder, Path jamesHome) throws IOException {
        Path target = jamesHome.resolve("conf").resolve(folder);
        Files.createDirectories(target);
        try (var files = Files.list(dir().resolve(folder))) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
