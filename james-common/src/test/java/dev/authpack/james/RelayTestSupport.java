package dev.authpack.james;

import org.apache.james.filesystem.api.FileSystem;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared bits for the relay matcher and hook tests. */
public final class RelayTestSupport {
    public static final String POLICY = """
            relay_hosts = 127.0.0.1, ::1
            relay_users = root@us.example

            [domain us.example]
            relay_from = 192.0.2.0/24

            [domain inbound.example]
            relay_to = true

            [domain partner.example]
            relay_to_users = @us.example
            """;

    private RelayTestSupport() {
    }

    public static Path writePolicy(Path dir, String text) throws IOException {
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        Path file = conf.resolve("relay-policy.conf");
        Files.writeString(file, text);
        return file;
    }

    /** A FileSystem like James' FileSystemImpl for file://conf/ only: {@code base/conf/...}. */
    public static FileSystem fileSystem(Path base) {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) throws IOException {
                return Files.newInputStream(getFile(url).toPath());
            }

            @Override
            public File getFile(String fileURL) throws FileNotFoundException {
                if (fileURL.startsWith(FILE_PROTOCOL_AND_CONF)) {
                    return base.resolve("conf").resolve(fileURL.substring(FILE_PROTOCOL_AND_CONF.length())).toFile();
                }
                throw new FileNotFoundException("unsupported in this fake: " + fileURL);
            }

            @Override
            public File getBasedir() {
                return base.toFile();
            }
        };
    }
}
