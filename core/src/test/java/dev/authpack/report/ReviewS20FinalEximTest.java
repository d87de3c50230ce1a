package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (attacker): patterns of the shape "(?m)^\s*(...)" are tried at every line start; "\s*" runs over
 * the following blank lines to the end of the run, then backtracks: quadratic in a run of empty lines, outside the
 * parse deadline (checked between MIME events, not inside a regex). New this session: FeedbackParser.EXIM_FIELD
 * (any text part holding Exim's wording). Older, same shape: TextBounceParser.ORIGINAL_STARTS (any text bounce:
 * 120,000 empty lines, a 120 KB mail from the null sender, took 122 s here).
 */
class ReviewS20FinalEximTest {
    private static long findAll(Pattern p, String text) {
        long t0 = System.nanoTime();
        Matcher m = p.matcher(text);
        while (m.find()) {
            // count nothing: the time is what matters
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static Pattern field(Class<?> type, String name) throws Exception {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return (Pattern) f.get(null);
    }

    @Test
    void eximFieldsAreFoundInLinearTime() throws Exception {
        Pattern exim = field(FeedbackParser.class, "EXIM_FIELD");
        long small = findAll(exim, "\n".repeat(5_000));
        long large = findAll(exim, "\n".repeat(20_000));
        System.out.println("EXIM_FIELD over 5,000 / 20,000 empty lines: " + small + " / " + large + " ms");
        assertThat(large).as("20 KB of empty lines").isLessThan(500);
    }

    @Test
    void aTextBouncesOriginalIsFoundInLinearTime() throws Exception {
        Pattern original = field(TextBounceParser.class, "ORIGINAL_STARTS");
        long large = findAll(original, "\n".repeat(20_000));
        System.out.println("ORIGINAL_STARTS over 20,000 empty lines: " + large + " ms");
        assertThat(large).as("20 KB of empty lines").isLessThan(500);
    }

    /** End to end: a text bounce (null sender) of 15,000 empty lines. */
    @Test
    void aTextBounceOfEmptyLinesIsParsedWithinTheDeadline() {
        byte[] mail = ("From: MAILER-DAEMON@mx.example.net\nTo: a@example.com\nSubject: Undelivered Mail\n"
                + "Content-Type: text/plain\n\nA message claiming to be from you has failed the published DMARC"
                + " policy for your domain.\n" + "\n".repeat(15_000) + "x\n").getBytes(StandardCharsets.US_ASCII);
        long t0 = System.nanoTime();
        Report r = new ReportParser().parse(mail, "");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("15,000 empty lines: " + ms + " ms, " + ReportFields.of(r).get("type"));
        assertThat(ms).as("within the 1 s parse deadline, with room").isLessThan(1_500);
    }
}
