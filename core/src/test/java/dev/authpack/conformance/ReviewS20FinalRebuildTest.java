package dev.authpack.conformance;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;

import static dev.authpack.conformance.ConformanceCheckerTest.TOP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (attacker): the rebuilt Content-Type of a multipart whose boundary is replaced is written from
 * mime4j's parameters, not through the bare-CR fix of ordinary fields.
 */
class ReviewS20FinalRebuildTest {
    private static final FixSettings SETTINGS = FixSettings.of("mx.example.org")
            .withClock(Clock.fixed(Instant.ofEpochSecond(1_796_000_000L), ZoneOffset.UTC));
    private static final Set<ConformanceIssue> ALL = EnumSet.allOf(ConformanceIssue.class);

    @Test
    void bareCrInAContentTypeParameterOfARefreshedMultipart() {
        // boundary "b!x" is not RFC 2046 bchars: the rebuild gives the multipart a fresh boundary, rewriting its
        // Content-Type from the parsed parameters; the parameter x holds a bare CR and a From field after it
        String message = TOP.replace("From:", "X-Orig-From:")
                + "Content-Type: multipart/mixed; boundary=\"b!x\"; x=\"a\rFrom: ceo@victim.example\"\r\n\r\n"
                + "--b!x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b!x--\r\n";
        ConformanceOutcome outcome = new ConformancePolicy(Set.of(), ALL, SETTINGS)
                .apply(message.getBytes(StandardCharsets.ISO_8859_1));
        if (outcome instanceof ConformanceOutcome.Repaired repaired) {
            String text = new String(repaired.message(), StandardCharsets.ISO_8859_1);
            System.out.println(text.replace("\r", "<CR>"));
            assertThat(text).doesNotContain("\rFrom: ceo@victim.example");
        }
    }
}
