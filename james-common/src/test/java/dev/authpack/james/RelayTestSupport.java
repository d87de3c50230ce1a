package dev.authpack.james;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared bits for the relay matcher and hook tests (the FileSystem: {@link FakeFileSystem}). */
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
}
