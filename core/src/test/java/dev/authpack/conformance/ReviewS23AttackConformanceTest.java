package dev.authpack.conformance;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23 attacker's review (reviewA) of the session's FixConformance fixes. Fails on s23-lead (b822533c).
 */
class ReviewS23AttackConformanceTest {
    private static final FixSettings SETTINGS = FixSettings.of("mx.example.org")
            .withClock(Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC));
    private static final String REST = "To: b@example.net\r\nSubject: hi\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n";

    /** {@code pads} header fields, then the hidden line and a From after it. */
    private static byte[] padded(int pads, String hidden) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < pads; i++) {
            m.append("X-Pad: ").append(i).append("\r\n");
        }
        m.append(hidden).append("\r\nFrom: ceo@victim.example\r\n").append(REST).append("\r\nHello.\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Finding C1 (Medium). The fail-closed rule for a walk cut short covers a walk issue in {@code checks} that
     * {@code fixes} does not repair; one in both ("a label in both checks and fixes is repaired", the sample's
     * comment) is neither repaired (no rebuild of a tree not walked whole) nor refused: the message with a line
     * without a colon past field 1,000 comes out {@code Passed}, the line and the From after it untouched, as if
     * checked. Within the bound the same message is repaired. A label the policy promises to repair that it cannot
     * repair had better be refused.
     */
    @Test
    void aCheckedAndFixedIssuePastTheFieldBoundIsNeitherPassedNorLeftUnrepaired() {
        Set<ConformanceIssue> both = Set.of(ConformanceIssue.MISSING_COLON_VALUE);
        ConformanceOutcome within = new ConformancePolicy(both, both, SETTINGS).apply(padded(10, "no colon here"));
        assertThat(within).as("within the bound: repaired by a rebuild")
                .isInstanceOf(ConformanceOutcome.Repaired.class);
        assertThat(((ConformanceOutcome.Repaired) within).rebuilt()).isTrue();

        ConformanceOutcome past = new ConformancePolicy(both, both, SETTINGS)
                .apply(padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS, "no colon here"));
        assertThat(past.report().complete()).isFalse();
        assertThat(past).as("past the bound: neither repaired nor refused")
                .isInstanceOf(ConformanceOutcome.Rejected.class);
    }

    /**
     * Finding C1, the sample mailet's configuration (fixes only, NAME_ENDS_WITH_SPACE among them): "From :" past
     * field 1,000 passes unrepaired; the same field within the bound is repaired. The mailet's output is then signed.
     */
    @Test
    void aFixedNameEndingWithSpacePastTheFieldBoundIsNotPassedUnrepaired() {
        Set<ConformanceIssue> fixes = Set.of(ConformanceIssue.NAME_ENDS_WITH_SPACE);
        ConformanceOutcome within = new ConformancePolicy(Set.of(), fixes, SETTINGS)
                .apply(padded(10, "Reply-To : ceo@victim.example"));
        assertThat(within).isInstanceOf(ConformanceOutcome.Repaired.class);

        ConformanceOutcome past = new ConformancePolicy(Set.of(), fixes, SETTINGS)
                .apply(padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS, "Reply-To : ceo@victim.example"));
        assertThat(past).as("past the bound").isNotInstanceOf(ConformanceOutcome.Passed.class);
    }
}
