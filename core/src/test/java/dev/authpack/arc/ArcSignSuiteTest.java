package dev.authpack.arc;

import dev.authpack.conformance.KnownFailures;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every test of the ValiMail signing suite ({@code arc-draft-sign-tests.yml}, 17 tests), prints
 * {@code ARC signing: passed N of M} and holds the run to {@code known-failures/arc.txt}.
 *
 * <p>Each test: the existing chain is validated with {@link ArcVerifier} (the scenario's {@code txt-records} as DNS),
 * the ARC-Authentication-Results consolidates the message's Authentication-Results of {@code srv-id}
 * ({@link ArcAuthResults#consolidate}), and {@link ArcSealer} seals at the test's time {@code t} with the scenario's
 * key, {@code sig-headers} as h= and the suite's standardized field format. The three new field values must equal
 * the expected ones character for character once whitespace is removed (the upstream harness compares tag sets;
 * this is stricter: tag order too, and the b= values, so the signatures are reproduced exactly). An empty expected
 * set means no set may be added.
 *
 * <p>Each test is sealed again in the default folded layout, and both sealed messages must validate with our
 * verifier: {@code pass}, or {@code fail} when the new seal says {@code cv=fail}.
 */
class ArcSignSuiteTest {
    private static final KnownFailures KNOWN = KnownFailures.load("arc.txt");

    @Test
    void signingSuite() throws Exception {
        Set<String> cases = new LinkedHashSet<>();
        Map<String, String> failures = new LinkedHashMap<>();
        List<String> roundTrip = new ArrayList<>();
        for (Map<?, ?> scenario : ArcSuite.scenarios("arc-draft-sign-tests.yml")) {
            SuiteDns dns = new SuiteDns((Map<?, ?>) scenario.get("txt-records"));
            DkimSigningKey key = DkimKeys.parse(scenario.get("privatekey").toString());
            String domain = scenario.get("domain").toString();
            String selector = scenario.get("sel").toString();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) scenario.get("tests")).entrySet()) {
                String id = "signing/" + entry.getKey();
                Map<?, ?> test = (Map<?, ?>) entry.getValue();
                cases.add(id);
                Clock time = Clock.fixed(Instant.ofEpochSecond(Long.parseLong(test.get("t").toString())),
                        ZoneOffset.UTC);
                RawMessage message = RawMessage.parse(ArcSuite.message(test));
                ArcResult chain = new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(time))
                        .verify(message).join();
                ArcSealOptions options = ArcSealOptions.of(domain, selector)
                        .withSignedHeaders(List.of(test.get("sig-headers").toString().split(":")))
                        .withClock(time);
                String srvId = test.get("srv-id").toString();
                ArcSealResult standardized = seal(key, options.withStyle(ArcSealOptions.Style.STANDARDIZED),
                        message, chain, srvId);
                String problem = compare(test, standardized);
                if (problem != null) {
                    failures.put(id, problem);
                }
                ArcSealResult folded = seal(key, options, message, chain, srvId);
                for (ArcSealResult sealed : new ArcSealResult[] {standardized, folded}) {
                    if (sealed.sealed()) {
                        ArcResult again = new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(time))
                                .verify(sealed.message()).join();
                        ArcStatus expected = sealed.cv() == ArcStatus.FAIL ? ArcStatus.FAIL : ArcStatus.PASS;
                        if (again.status() != expected) {
                            roundTrip.add(id + ": the sealed message gives " + again.status().word() + " ("
                                    + again.reason() + ")");
                        }
                    }
                }
            }
        }
        System.out.println("ARC signing: passed " + (cases.size() - failures.size()) + " of " + cases.size());
        failures.forEach((id, why) -> System.out.println("  failed " + id + ": " + why));
        assertThat(cases).hasSize(17);
        assertThat(roundTrip).isEmpty();
        assertThat(KNOWN.problems("signing/", cases, failures)).isEmpty();
    }

    /** As {@code arc-seal --use-existing-auth-results}: no Authentication-Results of ours, no set. */
    private static ArcSealResult seal(DkimSigningKey key, ArcSealOptions options, RawMessage message,
                                      ArcResult chain, String srvId) {
        Optional<String> resinfo = ArcAuthResults.consolidate(message, srvId);
        if (resinfo.isEmpty()) {
            return ArcSealResult.notSealed("no Authentication-Results of " + srvId, message.toByteArray());
        }
        return new ArcSealer(key, options).seal(message, chain, srvId, resinfo.get());
    }

    /** Null when the sealed fields are the expected ones, else what differs. */
    private static String compare(Map<?, ?> test, ArcSealResult result) {
        String[][] expected = {
            {"AS", text(test.get("AS")), result.seal()},
            {"AMS", text(test.get("AMS")), result.messageSignature()},
            {"AAR", text(test.get("AAR")), result.authenticationResults()},
        };
        boolean none = expected[0][1].isEmpty() && expected[1][1].isEmpty() && expected[2][1].isEmpty();
        if (none) {
            return result.sealed() ? "expected no new set, got instance " + result.instance() + " cv="
                    + result.cv().word() : null;
        }
        if (!result.sealed()) {
            return "expected a new set, not sealed: " + result.reason();
        }
        for (String[] field : expected) {
            String actual = withoutSpace(field[2].substring(field[2].indexOf(':') + 1));
            if (!actual.equals(field[1])) {
                return field[0] + " differs: expected " + field[1] + ", got " + actual;
            }
        }
        return null;
    }

    private static String text(Object value) {
        return value == null ? "" : withoutSpace(value.toString());
    }

    private static String withoutSpace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
