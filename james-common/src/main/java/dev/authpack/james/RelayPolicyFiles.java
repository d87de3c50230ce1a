package dev.authpack.james;

import dev.authpack.relay.RelayPolicy;
import dev.authpack.relay.RelayPolicyException;
import org.apache.james.filesystem.api.FileSystem;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds and loads the relay policy file named in a matcher condition or a hook's configuration.
 *
 * <p>Accepted locations: an absolute path ({@code /etc/james/relay-policy.conf}); {@code file:///abs/path};
 * {@code file://conf/relay-policy.conf}, James' configuration directory, resolved through James' {@link FileSystem}
 * (the same way James reads its own {@code file://conf/} resources). Without a FileSystem (unit tests, another
 * container) {@code file://conf/NAME} falls back to {@code $working.directory/conf/NAME}. Relative paths are
 * refused: James' current directory is not a meaningful place.
 */
public final class RelayPolicyFiles {
    public static final String CONF_PREFIX = FileSystem.FILE_PROTOCOL_AND_CONF;

    private RelayPolicyFiles() {
    }

    /**
     * @param owner    the matcher or hook name, for messages
     * @param location the configured location
     * @throws RelayPolicyException (with a message naming the owner) when the location or the file is unusable
     */
    public static RelayPolicy load(String owner, String location, Optional<FileSystem> fileSystem)
            throws RelayPolicyException {
        Path path = resolve(owner, location, fileSystem);
        return RelayPolicy.load(path);
    }

    public static Path resolve(String owner, String location, Optional<FileSystem> fileSystem) throws RelayPolicyException {
        if (location == null || location.isBlank()) {
            throw new RelayPolicyException(owner, 0, "no relay policy file given; expected an absolute path or "
                    + CONF_PREFIX + "relay-policy.conf");
        }
        String loc = location.strip();
        if (loc.startsWith(FileSystem.FILE_PROTOCOL_ABSOLUTE)) {
            return Path.of(loc.substring(FileSystem.FILE_PROTOCOL_ABSOLUTE.length() - 1));
        }
        if (loc.startsWith(FileSystem.FILE_PROTOCOL)) {
            if (fileSystem.isPresent()) {
                try {
                    return fileSystem.get().getFile(loc).toPath();
                } catch (IOException | RuntimeException e) {
                    throw new RelayPolicyException(owner, 0, "cannot resolve '" + loc + "': " + e.getMessage(), e);
                }
            }
            String workingDirectory = System.getProperty("working.directory");
            if (loc.startsWith(CONF_PREFIX) && workingDirectory != null && !workingDirectory.isBlank()) {
                return Path.of(workingDirectory, "conf", loc.substring(CONF_PREFIX.length()));
            }
            throw new RelayPolicyException(owner, 0, "cannot resolve '" + loc + "' without James' FileSystem;"
                    + " give an absolute path");
        }
        if (loc.contains("://") || loc.startsWith("classpath:")) {
            throw new RelayPolicyException(owner, 0, "unsupported location '" + loc + "'; expected an absolute path"
                    + " or " + CONF_PREFIX + "NAME");
        }
        Path path = Path.of(loc);
        if (!path.isAbsolute()) {
            throw new RelayPolicyException(owner, 0, "relative path '" + loc + "'; use an absolute path or "
                    + CONF_PREFIX + loc);
        }
        return path;
    }
}
