package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review s22, reviewA (attacker: a host on the same link, where Linux's {@code route_localnet} is on). The shared
 * loopback socket is kept off while {@code route_localnet} is on anywhere, read in {@code /proc/sys/net/ipv4/conf};
 * but when that directory is missing the host is taken as one that drops loopback sources from outside ("another
 * kernel"). On Linux it is missing only because {@code /proc} is not mounted (a chroot, a minimal sandbox), which
 * says nothing of the setting: the one case where nothing can be read is the one trusted, fail open. On Linux a
 * missing directory must count as not known to be safe, as an unreadable one does.
 */
class ReviewAS22LoopbackProcTest {
    @TempDir
    Path dir;

    @Test
    void onLinuxSettingsThatCannotBeReadAreNotKnownToBeSafe() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
        // what a Linux host without /proc mounted shows: no /proc/sys/net/ipv4/conf
        boolean trusted = LoopbackExchange.ipv4LoopbackOnlyLocal(dir.resolve("proc/sys/net/ipv4/conf"));
        assertThat(trusted).as("a missing conf directory trusted on " + System.getProperty("os.name"))
                .isEqualTo(!linux);
    }
}
