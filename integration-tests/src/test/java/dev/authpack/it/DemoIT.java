package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README demo's server (DemoMain.start: full memory server, file:// repositories, SERVFAIL/drop rules), so that
 * `bin/demo` keeps working: a message sent to it ends up as a file an administrator can cat, with our field in it.
 */
class DemoIT {
    private static AuthpackJames james;

    @BeforeAll
    static void start() throws Exception {
        Path jar;
        try (Stream<Path> jars = Files.list(Locations.extensionsJars())) {
            jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        james = DemoMain.start(Locations.workRoot().resolve("DemoIT"), jar, 0, null);
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void deliveredMessageIsAFileWithTheVerdict() throws Exception {
        String messageId = james.send(Submission.create().mailFrom("bob@spf-temperror.example"));
        Optional<Path> file = DemoSend.awaitDeliveredFile(james.workDir().resolve("var/mail/delivered"), messageId,
                20_000);
        assertThat(file).as("delivered file").isPresent();
        String message = Files.readString(file.get(), StandardCharsets.ISO_8859_1);
        assertThat(message).startsWith("Authentication-Results: mx.james.test;")
                .contains("spf=temperror", "smtp.mailfrom=spf-temperror.example", "iprev=pass");
    }
}
