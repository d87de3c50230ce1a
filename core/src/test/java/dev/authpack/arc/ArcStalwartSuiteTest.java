package dev.authpack.arc;

import dev.authpack.conformance.KnownFailures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two ARC messages of stalwart-mail-auth ({@code testsuites/arc/stalwart-mail-auth/arc/}): DNS lines, an empty
 * line, the message; expected {@code pass}. Prints {@code ARC stalwart-mail-auth: passed N of M}, held to
 * {@code known-failures/arc.txt}: 002 seals its first set with ed25519-sha256, which RFC 8617 does not define, so it
 * fails by default and must pass with {@link ArcVerifyOptions#allowEd25519()}.
 */
class ArcStalwartSuiteTest {
    private static final KnownFailures KNOWN = KnownFailures.load("arc.txt");
    /** After the newest t= of both files (001: 1667893878, 002: 1674137914). */
    private static final Clock TIME = Clock.fixed(Instant.ofEpochSecond(1674138014L), ZoneOffset.UTC);

    @Test
    void stalwartArcMessages() {
        Set<String> cases = new LinkedHashSet<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String name : new String[] {"001.txt", "002.txt"}) {
            String id = "stalwart/" + name;
            cases.add(id);
            String[] file = read(name);
            ArcResult result = new ArcVerifier(dns(file[0]), ArcVerifyOptions.defaults().withClock(TIME))
                    .verify(file[1].getBytes(StandardCharsets.UTF_8)).join();
            if (!result.passed()) {
                failures.put(id, result.status().word() + " (" + result.reason() + ")");
            }
        }
        System.out.println("ARC stalwart-mail-auth: passed " + (cases.size() - failures.size()) + " of "
                + cases.size());
        failures.forEach((id, why) -> System.out.println("  failed " + id + ": " + why));
        assertThat(KNOWN.problems("stalwart/", cases, failures)).isEmpty();
    }

    @Test
    void theEd25519ChainPassesWhenEd25519IsAllowed() {
        String[] file = read("002.txt");
        ArcResult result = new ArcVerifier(dns(file[0]), ArcVerifyOptions.defaults().withClock(TIME)
                .withAllowEd25519(true)).verify(file[1].getBytes(StandardCharsets.UTF_8)).join();
        assertThat(result.status()).isEqualTo(ArcStatus.PASS);
        assertThat(result.oldestPass()).isZero();
        assertThat(result.sets()).extracting(ArcSet::sealDomain).containsExactly("scamorza.org", "manchego.org");
    }

    /** {DNS lines, message}. */
    private static String[] read(String name) {
        try (InputStream in = ArcStalwartSuiteTest.class.getResourceAsStream(ArcSuite.DIR + "stalwart-mail-auth/arc/"
                + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int blank = text.indexOf("\n\n");
            return new String[] {text.substring(0, blank), text.substring(blank + 2)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SuiteDns dns(String lines) {
        SuiteDns dns = new SuiteDns();
        for (String line : lines.split("\n")) {
            int space = line.indexOf(' ');
            dns.add(line.substring(0, space), line.substring(space + 1));
        }
        return dns;
    }
}
