package dev.authpack.dkim.sign;

import java.nio.file.Path;

/**
 * Turns a key location written as a URL in a key table (such as {@code file://conf/dkim/example.pem} in James)
 * into a file. Plain paths never reach it: {@link KeyTable} reads absolute paths as they are and relative paths
 * from the key table's folder.
 */
@FunctionalInterface
public interface KeyFileLocator {
    /** Refuses every URL: for key tables outside a container that knows any. */
    KeyFileLocator PATHS_ONLY = location -> {
        throw new IllegalArgumentException("unsupported location '" + location
                + "'; give a path (absolute, or relative to the key table's folder)");
    };

    /**
     * The file for {@code location}.
     *
     * @throws IllegalArgumentException with the reason when the location cannot be used
     */
    Path locate(String location);
}
