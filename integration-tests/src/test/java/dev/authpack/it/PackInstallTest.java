package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The integration tests must test what users install: the pack's classes come from the dist JAR in James'
 * extensions-jars/, never from this module's class path; and the JAR holds the pack, not James' own libraries.
 */
class PackInstallTest {
    @Test
    void thePackIsNotOnTheTestClassPath() {
        for (String name : List.of("dev.authpack.james.mailets.MailAuthCheck", "dev.authpack.james.AuthpackModule",
                "dev.authpack.dns.DnsResolver", "dev.authpack.check.Envelope")) {
            assertThatThrownBy(() -> Class.forName(name, false, getClass().getClassLoader()))
                    .as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void theDistJarHoldsThePackAndNoneOfJamesLibraries() throws Exception {
        List<Path> jars;
        try (Stream<Path> list = Files.list(Locations.extensionsJars())) {
            jars = list.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        assertThat(jars).as("JARs in " + Locations.extensionsJars()).hasSize(1);
        try (JarFile jar = new JarFile(jars.get(0).toFile())) {
            List<String> entries = jar.stream().map(e -> e.getName()).toList();
            assertThat(entries).contains(
                    "dev/authpack/james/mailets/MailAuthCheck.class",
                    "dev/authpack/james/mailets/AddAuthResults.class",
                    "dev/authpack/james/AuthpackModule.class",
                    "dev/authpack/james/matchers/HasAuthResult.class",
                    "dev/authpack/james/smtp/RelayPolicyRcptHook.class",
                    "dev/authpack/dns/DnsResolver.class");
            assertThat(entries).noneMatch(e -> e.startsWith("org/xbill/")
                    || e.startsWith("org/slf4j/")
                    || e.startsWith("org/apache/james/")
                    || e.startsWith("org/apache/mailet/")
                    || e.startsWith("org/bouncycastle/")
                    || e.startsWith("com/google/")
                    || e.startsWith("com/fasterxml/")
                    || e.startsWith("javax/"));
        }
    }
}
