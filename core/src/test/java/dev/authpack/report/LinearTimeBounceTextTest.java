package dev.authpack.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (H3, the sweep after it): the bounce-text patterns run in linear time on hostile text. Each input
 * is large enough that the former quadratic patterns took minutes (measured: 32,000 characters took 5 to 13 s, so
 * 300,000 take 8 to 20 minutes); in linear time each takes milliseconds, far inside the timeout.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinearTimeBounceTextTest {
    private static final int N = 300_000;

    /** ORIGINAL_STARTS: "-{2,}.*" shared a line of dashes between its two quantifiers. */
    @Test
    void aLineOfDashesIsNotAnOriginalsSeparatorAndEndsNoSection() {
        String text = "-".repeat(N) + "\nbob@example.com: unknown user\n-- Original message --\nFrom: x@y.example\n";
        String section = TextBounceParser.section(null, text);
        assertThat(section).endsWith("unknown user\n");
        assertThat(section).hasSize(N + "\nbob@example.com: unknown user\n".length());
    }

    /** ORIGINAL_STARTS and EXIM_FIELD: "^\s*" under MULTILINE ran over every following empty line. */
    @Test
    void emptyLinesBeforeTheOriginalAreNotPartOfItsSeparator() {
        String text = "bob@example.com: unknown user\n" + "\n".repeat(N) + "  ----- Original message -----\nTo: a@b.example\n";
        assertThat(TextBounceParser.section(null, text)).hasSize(text.indexOf("  -----"));
    }

    /** RECIPIENT_LINE: a leading run of '-' was given back to the address's local part one character at a time. */
    @Test
    void aLineOfDashesBeforeAnAtSignOpensNoRecipient() {
        String text = "-".repeat(N) + " @ nothing\n<bob@example.com>: 550 5.1.1 unknown user\n";
        List<RecipientReport> found = TextBounceParser.recipients(null, text, new TextBounceParser.Context(text),
                Set.of(), 10);
        assertThat(found).extracting(RecipientReport::finalRecipient).containsExactly("bob@example.com");
    }

    /** ANY_ADDRESS: a run of local-part characters without '@' was read once per start. */
    @Test
    void aLongWordIsNoAddressAndTheAddressAfterItIsFound() {
        assertThat(TextBounceParser.addresses("a".repeat(N) + " bob@example.com, " + "c".repeat(N)))
                .containsExactly("bob@example.com");
        assertThat(TextBounceParser.addresses("first.last+tag@example.com")).containsExactly("first.last+tag@example.com");
    }

    /** Family marks with ".*" between fixed words: a subject repeating the leading words, or a run of blanks. */
    @Test
    void familyMarksRunInLinearTimeOnARepeatingSubject() {
        assertThat(TextBounceParser.family("Your message to ".repeat(N / 16), "")).isNull();
        assertThat(TextBounceParser.family("The following message to ".repeat(N / 25), "")).isNull();
        assertThat(TextBounceParser.family("Your message Subject:" + " ".repeat(N), "")).isNull();
        assertThat(TextBounceParser.family("Your message Subject: x ".repeat(N / 24), "")).isNull();
    }

    /** The rewritten marks still match what they matched. */
    @Test
    void familyMarksStillMatchTheirWording() {
        assertThat(TextBounceParser.family(null, "Your message\n\n  Subject: hello\n\n  was not delivered to bob"))
                .extracting(TextBounceFamily::name).isEqualTo("domino");
        assertThat(TextBounceParser.family(null, "Your message Subject: hello was not delivered to bob"))
                .extracting(TextBounceFamily::name).isEqualTo("domino");
        assertThat(TextBounceParser.family(null, "Your message to bob@example.com couldn't be delivered."))
                .extracting(TextBounceFamily::name).isEqualTo("exchange");
        assertThat(TextBounceParser.family(null, "The following message to <bob@example.com> was undeliverable."))
                .extracting(TextBounceFamily::name).isEqualTo("amazonses");
    }
}
