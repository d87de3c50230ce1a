package dev.authpack.james;

import dev.authpack.relay.RelayPolicy;
import dev.authpack.relay.RelayPolicyException;
import org.apache.james.filesystem.api.FileSystem;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads the relay policy file named in a matcher condition or a hook's configuration, at a location as
 * {@link ConfFileLocations} accepts it (an absolute path, {@code file:///abs/path} or {@code file://conf/NAME}).
 */
public final class RelayPolicyFiles {
    private RelayPolicyFiles() {
    }

    /**
     * @param owner    the matcher or hook name, for messages
     * @param location the configured location
     * @throws RelayPolicyException (with a message naming the owner) when the location or the file is unusable
     */
    public static RelayPolicy load(String owner, String location, Optional<FileSystem> fileSystem)
            throws RelayPolicyException {
        if (location == null || location.isBlank()) {
            throw new RelayPolicyException(owner, 0, "no relay policy file given; expected an absolute path or "
                    + ConfFileLocations.CONF + "relay-policy.conf");
        }
        Path path;
        try {
            path = new ConfFileLocations(fileSystem).resolve(location);
        } catch (IllegalArgumentException e) {
            throw new RelayPolicyException(owner, 0, e.getMessage(), e);
        }
        return RelayPolicy.load(path);
    }
}
