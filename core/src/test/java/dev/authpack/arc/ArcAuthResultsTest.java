package dev.authpack.arc;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.authpack.arc.ArcFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

class ArcAuthResultsTest {
    private static final String BODY = "From: a@b.example\r\n\r\nbody\r\n";

    @Test
    void consolidatesOurFieldsInOrder() {
        String message = "Authentication-Results: other.example; spf=fail\r\n"
                + "Authentication-Results: MX.Example.org; arc=none;\r\n  spf=pass smtp.mailfrom=b.example\r\n"
                + "Authentication-Results: mx.example.org 1; dkim=pass (a; comment \"with;\") header.d=b.example;\r\n"
                + "\tdmarc=pass reason=\"x; y\";\r\n"
                + "Authentication-Results: mx.example.org; none\r\n"
                + BODY;
        assertThat(ArcAuthResults.consolidate(parse(message), "mx.example.org")).contains("arc=none; spf=pass"
                + " smtp.mailfrom=b.example; dkim=pass (a; comment \"with;\") header.d=b.example;"
                + " dmarc=pass reason=\"x; y\"");
    }

    @Test
    void emptyWithoutOurFieldAndBlankWithoutResults() {
        assertThat(ArcAuthResults.consolidate(parse("Authentication-Results: other.example; spf=pass\r\n" + BODY),
                "mx.example.org")).isEmpty();
        assertThat(ArcAuthResults.consolidate(parse("Authentication-Results: mx.example.org; none\r\n" + BODY),
                "mx.example.org")).isEqualTo(Optional.of(""));
        assertThat(ArcAuthResults.consolidate(parse("Authentication-Results: mx.example.org\r\n" + BODY),
                "mx.example.org")).isEqualTo(Optional.of(""));
    }

    @Test
    void ourResultsBecomeResinfoText() {
        assertThat(ArcAuthResults.resinfo(List.of())).isEmpty();
        assertThat(ArcAuthResults.resinfo(List.of(
                new MethodResult("spf", "pass", null, List.of(new ResultProperty("smtp", "mailfrom", "a@b.example"))),
                new MethodResult("arc", "pass", null, List.of(new ResultProperty("header", "oldest-pass", "0"))))))
                .isEqualTo("spf=pass smtp.mailfrom=a@b.example; arc=pass header.oldest-pass=0");
    }

    @Test
    void splitKeepsCommentsAndQuotedStringsWhole() {
        assertThat(ArcAuthResults.split(" a=b (x;y) ; c=\"d;e\"\r\n ;; ")).containsExactly("a=b (x;y)", "c=\"d;e\"");
        assertThat(ArcAuthResults.split("  ")).containsExactly("none");
    }
}
