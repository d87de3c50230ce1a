package dev.authpack.james;

import org.apache.james.filesystem.api.FileSystem;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a file named in the configuration is (a mailet parameter, a matcher condition, a hook's setting): the one
 * place that knows the accepted forms: an absolute path ({@code /etc/james/dkim/example.pem}),
 * {@code file:///absolute/path}, or {@code file://conf/NAME} in James' configuration folder, found through James'
 * {@link FileSystem} as James finds its own {@code file://conf/} resources. Without a FileSystem (unit tests, other
 * containers) {@code file://conf/NAME} is {@code $working.directory/conf/NAME} when that system property is set.
 * Relative paths are refused: James' current directory means nothing to an administrator.
 */
public final class ConfFileLocations {
    private static final String FILE = "file:";
    private static final String ABSOLUTE = FileSystem.FILE_PROTOCOL_ABSOLUTE;
    /** James' configuration folder ({@link FileSystem#FILE_PROTOCOL_AND_CONF}). */
    public static final String CONF = FileSystem.FILE_PROTOCOL_AND_CONF;

    private final Optional<FileSystem> fileSystem;

    public ConfFileLocations(Optional<FileSystem> fileSystem) {
        this.fileSystem = fileSystem;
    }

    /**
     * The file {@code location} names.
     *
     * @throws IllegalArgumentException with the reason and the accepted forms
     */
    public Path resolve(String location) {
        String loc = location.strip();
        if (loc.isEmpty()) {
            throw new IllegalArgumentException("empty location; give an absolute path or " + CONF + "NAME");
        }
        if (loc.startsWith(ABSOLUTE)) {
            return path(loc.substring(ABSOLUTE.length() - 1));
        }
        if (loc.startsWith(CONF)) {
            if (fileSystem.isPresent()) {
                try {
                    return fileSystem.get().getFile(loc).toPath();
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException("cannot resolve '" + loc + "': " + e.getMessage(), e);
                }
            }
            String workingDirectory = System.getProperty("working.directory");
            if (workingDirectory == null || workingDirectory.isBlank()) {
                throw new IllegalArgumentException("cannot resolve '" + loc + "' outside James (no FileSystem, no"
                        + " working.directory); give an absolute path");
            }
            return path(workingDirectory).resolve("conf").resolve(loc.substring(CONF.length()));
        }
        if (loc.startsWith(FILE) || loc.contains("://") || loc.startsWith("classpath:")) {
            throw new IllegalArgumentException("unsupported location '" + loc + "'; give an absolute path, "
                    + ABSOLUTE + "PATH or " + CONF + "NAME");
        }
        Path path = path(loc);
        if (!path.isAbsolute()) {
            // conf/dkim/x.pem is file://conf/dkim/x.pem, not file://conf/conf/dkim/x.pem
            String inConf = loc.startsWith("conf/") ? loc.substring("conf/".length()) : loc;
            throw new IllegalArgumentException("relative path '" + loc + "'; give an absolute path or " + CONF + inConf);
        }
        return path;
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path '" + text + "': " + e.getMessage(), e);
        }
    }
}
