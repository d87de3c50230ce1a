package dev.authpack.arc;

import dev.authpack.conformance.KnownFailures;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every test of the ValiMail validation suite ({@code arc-draft-validation-tests.yml}, 171 tests), prints
 * {@code ARC validation: passed N of M} and holds the run to {@code known-failures/arc.txt}.
 *
 * <p>Each test's message is validated with the scenario's {@code txt-records} as the only DNS; the chain status
 * must equal {@code cv} (case-insensitive). The three tests with an empty {@code cv} (upstream issue #9: a chain
 * whose seal already says cv=fail) must give {@code fail}, the RFC 8617 §5.2 step 2 answer (see the suite README).
 * The whole suite runs again with CRLF line ends and must give the same status for every test.
 */
class ArcValidationSuiteTest {
    /** The suite's last change (2018-11-09); its signatures have no x=, so the time only has to be fixed. */
    static final Clock SUITE_TIME = Clock.fixed(Instant.parse("2018-11-09T00:00:00Z"), ZoneOffset.UTC);
    private static final KnownFailures KNOWN = KnownFailures.load("arc.txt");

    @Test
    void validationSuite() {
        Set<String> cases = new LinkedHashSet<>();
        Map<String, String> failures = new LinkedHashMap<>();
        List<String> lineEndingDifferences = new ArrayList<>();
        for (Map<?, ?> scenario : ArcSuite.scenarios("arc-draft-validation-tests.yml")) {
            SuiteDns dns = new SuiteDns((Map<?, ?>) scenario.get("txt-records"));
            ArcVerifier verifier = new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(SUITE_TIME));
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) scenario.get("tests")).entrySet()) {
                String id = "validation/" + entry.getKey();
                Map<?, ?> test = (Map<?, ?>) entry.getValue();
                cases.add(id);
                String cv = test.get("cv") == null ? "" : test.get("cv").toString().strip().toLowerCase(Locale.ROOT);
                String expected = cv.isEmpty() ? "fail" : cv;
                byte[] message = ArcSuite.message(test);
                ArcResult result = verifier.verify(message).join();
                if (!result.status().word().equals(expected)) {
                    failures.put(id, "expected " + expected + ", got " + result.status().word() + " ("
                            + result.reason() + ")");
                }
                ArcResult crlf = verifier.verify(ArcSuite.crlf(message)).join();
                if (crlf.status() != result.status()) {
                    lineEndingDifferences.add(id + ": LF " + result.status().word() + ", CRLF "
                            + crlf.status().word() + " (" + crlf.reason() + ")");
                }
                if (Boolean.getBoolean("arc.verbose")) {
                    System.out.println("  " + id + ": " + result.status().word() + " (" + result.reason() + ")");
                }
            }
        }
        System.out.println("ARC validation: passed " + (cases.size() - failures.size()) + " of " + cases.size());
        failures.forEach((id, why) -> System.out.println("  failed " + id + ": " + why));
        assertThat(cases).hasSize(171);
        assertThat(lineEndingDifferences).isEmpty();
        assertThat(KNOWN.problems("validation/", cases, failures)).isEmpty();
    }
}
