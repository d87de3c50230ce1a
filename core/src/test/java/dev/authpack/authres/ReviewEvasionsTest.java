package dev.authpack.authres;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of issue 9: forged fields written so that a header reader James uses (javax.mail's InternetHeaders: a
 * bare CR ends a line, a field name is trimmed of every octet up to space, a first line starting with white space
 * is a field) sees an {@code Authentication-Results} field claiming our id that the one-pass rewrite did not.
 */
class ReviewEvasionsTest {
    private static final String OURS = "Authentication-Results: mx.test;\r\n\tspf=pass";

    @ParameterizedTest
    @ValueSource(strings = {
            "\u0000Authentication-Results: mx.test; dmarc=pass\r\n",
            "\u000bAuthentication-Results: mx.test; dmarc=pass\r\n",
            "\u000cAuthentication-Results: mx.test; dmarc=pass\r\n",
            "\u001fAuthentication-Results: mx.test; dmarc=pass\r\n",
            "Authentication-Results\u0000: mx.test; dmarc=pass\r\n",
            "Authentication-Results\u000b: mx.test; dmarc=pass\r\n",
            "Authentication-Results \r\n : mx.test; dmarc=pass\r\n",
            "Authent\u0131cation-Results: mx.test; dmarc=pass\r\n",
            "Authentication-Re\u017fults: mx.test; dmarc=pass\r\n",
            "Subject: s\rAuthentication-Results: mx.test; dmarc=pass\r\n",
            "Subject: s\r\rAuthentication-Results: mx.test; dmarc=pass\r\n",
            "Authentication-Results: other.example;\r spf=pass\rAuthentication-Results: mx.test; dmarc=pass\r\n",
    })
    void aForgedFieldJavaxMailReadsIsRemoved(String forged) {
        String message = "Received: from a\r\n" + forged + "To: b@example.org\r\n\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(utf8(message), "mx.test", OURS);
        String out = new String(result.message(), StandardCharsets.UTF_8);
        assertThat(result.removed()).as(out).isEqualTo(1);
        assertThat(out).doesNotContain("dmarc=pass").contains("Received: from a\r\n").contains("To: b@example.org");
    }

    @org.junit.jupiter.api.Test
    void aFieldEndingInABareCrIsRemovedWithWhatAnLfOnlyReaderSeesInIt() {
        // javax.mail: the forged field, then To; an LF-only reader: one forged field holding "\rTo: ..."
        String message = "Received: from a\r\nAuthentication-Results: mx.test; dmarc=pass\rTo: b@example.org\r\n"
                + "Subject: s\r\n\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(bytes(message), "mx.test", OURS);
        assertThat(result.removed()).isEqualTo(1);
        assertThat(new String(result.message(), StandardCharsets.UTF_8))
                .isEqualTo(OURS + "\r\nReceived: from a\r\nSubject: s\r\n\r\nbody\r\n");
    }

    @org.junit.jupiter.api.Test
    void anLfOnlyReaderWhoseHeaderGoesOnPastJavaxMailsEndIsCovered() {
        // javax.mail ends the header at CRCRLF; an LF-only reader sees the forged field as a header field
        String message = "Subject: s\r\r\nAuthentication-Results: mx.test; dmarc=pass\r\n\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(bytes(message), "mx.test", OURS);
        assertThat(result.removed()).isEqualTo(1);
        assertThat(new String(result.message(), StandardCharsets.UTF_8)).doesNotContain("dmarc=pass");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            " Authentication-Results: mx.test; dmarc=pass\r\n",
            "\tAuthentication-Results: mx.test; dmarc=pass\r\n",
            "\u0000Authentication-Results: mx.test; dmarc=pass\r\n",
    })
    void aForgedFirstLineIsRemoved(String forged) {
        String message = forged + "Received: from a\r\n\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(bytes(message), "mx.test", OURS);
        String out = new String(result.message(), StandardCharsets.UTF_8);
        assertThat(result.removed()).as(out).isEqualTo(1);
        assertThat(out).isEqualTo(OURS + "\r\nReceived: from a\r\n\r\nbody\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\u0000Authentication-Results: mx.test; dmarc=pass\r\n",
            "Authentication-Results\u000b: mx.test; dmarc=pass\r\n",
            "Subject: s\rAuthentication-Results: mx.test; dmarc=pass\r\n",
            " Authentication-Results: mx.test; dmarc=pass\r\n",
    })
    void theFieldReaderSeesWhatJavaxMailSees(String forged) {
        String message = forged + "Received: from a\r\n\r\nbody\r\n";
        assertThat(AuthResultsFields.in(bytes(message))).containsExactly("mx.test; dmarc=pass");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "X-Authentication-Results: mx.test; dmarc=pass\r\n",
            "Authentication-Results-Original: mx.test; dmarc=pass\r\n",
            "Authentication-Resultsx: mx.test; dmarc=pass\r\n",
            "Subject: Authentication-Results: mx.test; dmarc=pass\r\n",
    })
    void otherFieldsStayAsTheyWere(String other) {
        String message = "Received: from a\r\n" + other + "\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(bytes(message), "mx.test", OURS);
        assertThat(result.removed()).isZero();
        assertThat(new String(result.message(), StandardCharsets.UTF_8)).isEqualTo(OURS + "\r\n" + message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Authentication-Results: mx.test; dmarc=pass\r\n",
            "Authentication-Results: mx.test; dmarc=pass",
            "Received: x\rAuthentication-Results: mx.test; dmarc=pass",
    })
    void aMessageWithoutBodySeparator(String header) {
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(bytes(header), "mx.test", OURS);
        String out = new String(result.message(), StandardCharsets.UTF_8);
        assertThat(result.removed()).as(out).isEqualTo(1);
        assertThat(out).doesNotContain("dmarc=pass");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "=?utf-8?q?mx.test?=; dmarc=pass",
            "=?UTF-8?Q?mx=2Etest?=; dmarc=pass",
            "=?utf-8?b?bXgudGVzdA==?=; dmarc=pass",
            "=?utf-8?q?mx.?= =?utf-8?q?test?=; dmarc=pass",
            "=?x-unknown?q?mx.test?=; dmarc=pass",
            "=?utf-8*en?q?mx.test?=; dmarc=pass",
            "(c) =?us-ascii?q?MX.TEST.?= 1; dmarc=pass",
    })
    void anEncodedWordAClientDecodesIsOurs(String body) {
        assertThat(AuthServIds.claims(body, "mx.test")).isTrue();
        String message = "Authentication-Results: " + body + "\r\nTo: b@example.org\r\n\r\nbody\r\n";
        assertThat(AuthResultsRewrite.rewrite(bytes(message), "mx.test", OURS).removed()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"=?utf-8?q?mx.test.evil?=; dmarc=pass", "=?utf-8?q?mx2.test?=; none",
            "=?utf-8?b?!!!?=; none", "=?; none"})
    void otherEncodedWordsAreNotOurs(String body) {
        assertThat(AuthServIds.claims(body, "mx.test")).isFalse();
    }

    @org.junit.jupiter.api.Test
    void ourIdAfterDeeplyNestedCommentsIsOurs() {
        for (int depth : new int[] {17, 100, 10_000}) {
            String body = "(".repeat(depth) + "c" + ")".repeat(depth) + " mx.test; dmarc=pass";
            assertThat(AuthServIds.claims(body, "mx.test")).as("depth %d", depth).isTrue();
        }
    }

    /** Guards (passed before the review): what must stay, and sizes. */
    @org.junit.jupiter.api.Test
    void fieldsInTheBodyOrAnAttachedMessageAndArcFieldsStay() {
        String body = "\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
                + "Authentication-Results: mx.test; dmarc=pass\r\nFrom: x@example.org\r\n\r\ninner\r\n--b--\r\n"
                + "Authentication-Results: mx.test; dmarc=pass\r\n";
        String message = "ARC-Authentication-Results: i=1; mx.test; dmarc=pass\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n" + body;
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(bytes(message), "mx.test", OURS);
        assertThat(result.removed()).isZero();
        assertThat(new String(result.message(), StandardCharsets.UTF_8)).isEqualTo(OURS + "\r\n" + message);
    }

    @org.junit.jupiter.api.Test
    void aVeryLongForgedFieldAndTenThousandOfThemAreRemoved() {
        String longOne = "Authentication-Results: mx.test;" + "\r\n dkim=pass".repeat(200_000) + "\r\n";
        String many = "Authentication-Results: mx.test; dmarc=pass\r\n".repeat(10_000);
        String message = longOne + many + "To: b@example.org\r\n\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(bytes(message), "mx.test", OURS);
        assertThat(result.removed()).isEqualTo(10_001);
        assertThat(new String(result.message(), StandardCharsets.UTF_8))
                .isEqualTo(OURS + "\r\nTo: b@example.org\r\n\r\nbody\r\n");
    }
}
