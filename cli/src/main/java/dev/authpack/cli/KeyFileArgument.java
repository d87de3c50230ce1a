package dev.authpack.cli;

import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigningKey;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Reads the {@code --key} file of the DKIM commands; a bad one is a usage error that names the file. */
final class KeyFileArgument {
    private KeyFileArgument() {
    }

    static DkimSigningKey load(String file) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new UsageException("--key " + file + ": invalid path");
        }
        if (!Files.isRegularFile(path)) {
            throw new UsageException("--key " + file + ": " + (Files.exists(path) ? "not a regular file"
                    : "no such file"));
        }
        try {
            return DkimKeys.load(path);
        } catch (DkimKeyException e) {
            // the message starts with the file name
            throw new UsageException("--key " + e.getMessage());
        }
    }
}
