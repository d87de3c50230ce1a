package dev.authpack.james39;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks the transformed classes (what this module packages as the James 3.9 JAR) on the James 3.9 class path:
 * a Java 21+ JVM, jakarta.mail and no javax.mail, no javax reference left in the bytecode, and every class of the
 * pack is the transformed one (no untransformed pack JAR on the class path) and links against the 3.9.0 mailet API,
 * except the SMTP hooks, whose James 3.9 libraries are not available here.
 *
 * <p>Names of the javax packages are built at run time: the Transformer rewrites string constants that name a
 * javax package, and would turn this test's own expectations into jakarta ones.
 */
class JakartaJarTest {
    private static final String JAVAX = new StringBuilder("xavaj").reverse().toString();
    /** James server libraries the SMTP hooks link against that have no 3.9.0 release here (docs/install.md). */
    private static final List<String> UNAVAILABLE_ON_THIS_CLASS_PATH = List.of(
            "org/apache/james/protocols/", "org/apache/james/smtpserver/", "org/apache/james/domainlist/");

    /** Module hooks/, the one that links against protocols-smtp. */
    private static final String SMTP_HOOKS_PACKAGE = "dev.authpack.james.smtp.";

    @Test
    void runsOnJava21OrLater() {
        assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(21);
    }

    @Test
    void theClassPathIsJakartaMailOnly() throws ClassNotFoundException {
        assertThat(Class.forName("jakarta.mail.internet.MimeMessage")).isNotNull();
        assertThat(Class.forName("org.apache.mailet.base.GenericMailet").getPackage().getImplementationVersion())
                .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).startsWith("3.9"));
        assertThatThrownBy(() -> Class.forName(String.join(".", JAVAX, "mail", "internet", "MimeMessage")))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void noClassOfThePackReferencesAJavaxNamespaceJames39Replaced() throws IOException, URISyntaxException {
        List<String> javaxNames = List.of(JAVAX + "/mail/", JAVAX + ".mail.", JAVAX + "/inject/", JAVAX + ".inject.",
                JAVAX + "/activation/", JAVAX + ".activation.", JAVAX + "/annotation/PostConstruct",
                JAVAX + "/annotation/PreDestroy");
        List<String> offenders = new ArrayList<>();
        for (Path file : packClassFiles()) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            javaxNames.stream().filter(bytes::contains).forEach(n -> offenders.add(file.getFileName() + ": " + n));
        }
        assertThat(packClassFiles()).hasSizeGreaterThan(20);
        assertThat(offenders).isEmpty();
    }

    @Test
    void everyClassIsOnTheClassPathOnceAndLinksAgainstJames39ButTheSmtpHooks() throws Exception {
        Map<String, String> failures = new TreeMap<>();
        int linked = 0;
        for (Path file : packClassFiles()) {
            String name = classesDir().relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
            try {
                String resource = classesDir().relativize(file).toString().replace(File.separatorChar, '/');
                List<URL> copies = Collections.list(getClass().getClassLoader().getResources(resource));
                if (copies.size() != 1) {
                    failures.put(name, "on the class path " + copies.size() + " times: " + copies);
                }
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                c.getDeclaredFields();
                c.getDeclaredConstructors();
                for (Method m : c.getDeclaredMethods()) {
                    m.getGenericReturnType();
                }
                linked++;
            } catch (LinkageError e) {
                failures.put(name, String.valueOf(e.getMessage()));
            }
        }
        assertThat(linked).isGreaterThan(20);
        assertThat(failures.keySet()).as("only the SMTP hooks (module hooks/) may fail to link")
                .allMatch(cls -> cls.startsWith(SMTP_HOOKS_PACKAGE));
        assertThat(failures).allSatisfy((cls, missing) -> assertThat(UNAVAILABLE_ON_THIS_CLASS_PATH)
                .as("%s fails to link: %s", cls, missing).anyMatch(missing::startsWith));
    }

    private static List<Path> packClassFiles() throws IOException, URISyntaxException {
        Path pack = classesDir().resolve("dev/authpack");
        try (Stream<Path> files = Files.walk(pack)) {
            return files.filter(f -> f.toString().endsWith(".class")).sorted().toList();
        }
    }

    /** target/classes: the transformed classes this module packages (not the test classes). */
    private static Path classesDir() throws URISyntaxException {
        return Path.of(JakartaJarTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
    }
}
