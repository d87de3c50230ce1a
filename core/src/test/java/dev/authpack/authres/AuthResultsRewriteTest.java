package dev.authpack.authres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthResultsRewriteTest {
    private static final String OURS = "Authentication-Results: mx.example.org;\r\n\tspf=pass smtp.mailfrom=a.example";

    private static String rewrite(String message, String ourField) {
        return new String(AuthResultsRewrite.rewrite(message.getBytes(StandardCharsets.UTF_8), "mx.example.org",
                ourField).message(), StandardCharsets.UTF_8);
    }

    /** How many fields claiming our id a second rewrite finds: 1 (ours) when the first left no forged one. */
    private static int claimantsLeft(String rewritten) {
        return AuthResultsRewrite.rewrite(rewritten.getBytes(StandardCharsets.UTF_8), "mx.example.org", null)
                .removed();
    }

    /**
     * Review s15 H1: cutting the forged field that follows a bare CR joined that CR to the CRLF (or LF) of the empty
     * line ending the header section: CR CR LF (CR LF) is one line end, the empty line was gone and the body's
     * forged field became a header field claiming our id. Its whole LF line goes (Subject with it: fail closed).
     */
    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n"})
    void aForgedFieldAfterABareCrGoesAndTheEmptyLineEndingTheHeaderStays(String eol) {
        String inBody = "Authentication-Results: mx.example.org; dkim=pass header.d=paypal.com" + eol;
        String message = "From: a@example.com" + eol + "Subject: s\rAuthentication-Results: mx.example.org; x=y" + eol
                + eol + inBody + eol + "body" + eol;
        String out = rewrite(message, OURS);
        assertThat(claimantsLeft(out)).as(out).isEqualTo(1);
        assertThat(out).isEqualTo(OURS.replace("\r\n", eol) + eol + "From: a@example.com" + eol + eol + inBody + eol
                + "body" + eol);
    }

    /**
     * Review s15 M1: a cut ending where javax.mail ends the field, after a bare CR, left a remainder that LF-only
     * readers (mime4j, Dovecot) read as a field of its own, and its quoted id without the CR is ours. The whole LF
     * line goes.
     */
    @Test
    void aCutEndingAfterABareCrLeavesNoFieldAnLfOnlyReaderTakesForOurs() {
        String message = "From: a@example.com\r\n"
                + "Authentication-Results: \"mx.example.org\r"
                + "Authentication-Results: \"mx.example.o\rrg\"; dkim=pass\r\n"
                + "Subject: s\r\n\r\nbody\r\n";
        String out = rewrite(message, OURS);
        assertThat(claimantsLeft(out)).as(out).isEqualTo(1);
        assertThat(out).isEqualTo(OURS + "\r\nFrom: a@example.com\r\nSubject: s\r\n\r\nbody\r\n");
    }

    /**
     * Review s15 M2: a first line starting with white space became a continuation line of our field, in every
     * reading. With our field on top it is dropped (javax.mail reads it as a nameless field); without, it stays.
     */
    @ParameterizedTest
    @ValueSource(strings = {" dkim=pass header.d=paypal.com\r\n", "\tdkim=pass\r\n header.d=paypal.com\r\n",
            " dkim=pass\rheader.d=paypal.com\r\n"})
    void aFirstLineStartingWithWhiteSpaceIsNotFoldedIntoOurField(String first) {
        String rest = "From: a@b\r\n\r\nx";
        assertThat(rewrite(first + rest, OURS)).isEqualTo(OURS + "\r\n" + rest);
        assertThat(rewrite(first + rest, null)).isEqualTo(first + rest);
    }

    /**
     * s16: a reader that knows only CRLF (a bare LF is data to it) reads on past an empty line after a bare LF, into
     * what the others read as the body, and takes a forged field there for a header field. The empty line gets a CR
     * before its bare LFs (the line above's too): every reader ends the header section there; the body stays.
     * Review s17 L2: also when the first line ends with a bare LF (that reader reads it on to the first CR LF, here
     * in the header or only in the body), and ours then ends with CR LF, or that reader would run it on into From.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\n\r\n", "\n\n", "\r\n\n"})
    void aCrlfOnlyReaderEndsTheHeaderSectionWhereTheOthersDo(String end) {
        String body = "hello\r\nAuthentication-Results: mx.example.org; dkim=pass header.d=paypal.com\r\n\r\nbody\r\n";
        for (String first : List.of("\r\n", "\n")) {
            String message = "From: a@example.com" + first + "Subject: s" + end + body;
            String header = "From: a@example.com" + first + "Subject: s\r\n\r\n";
            assertThat(rewrite(message, OURS)).as(first).isEqualTo(OURS + "\r\n" + header + body);
            assertThat(rewrite(message, null)).as(first).isEqualTo(header + body);
        }
    }

    /**
     * s16: a CRLF-only reader's field runs on over a bare LF: with it, a comment left open closes, and a name ends
     * before a colon the other readings put on a line of its own. Such a field claiming our id goes whole.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Authentication-Results: (x\n) mx.example.org; dkim=pass\r\n",
            "Authentication-Results\n: mx.example.org; dkim=pass\r\n"})
    void aFieldOnlyACrlfOnlyReaderSeesAsOursGoes(String forged) {
        String message = "From: a@example.com\r\n" + forged + "Subject: s\r\n\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(message.getBytes(StandardCharsets.UTF_8),
                "mx.example.org", OURS);
        assertThat(new String(result.message(), StandardCharsets.UTF_8))
                .isEqualTo(OURS + "\r\nFrom: a@example.com\r\nSubject: s\r\n\r\nbody\r\n");
        assertThat(result.removed()).isEqualTo(1);
    }

    /**
     * s16: a forged field after a bare LF in a CRLF message goes with the field a CRLF-only reader reads it in
     * (fail closed): cut alone, it left that field ending in a bare LF right above the empty line, and a CRLF-only
     * reader read on into the body.
     */
    @Test
    void aForgedFieldAfterABareLfGoesWithTheCrlfLineAroundIt() {
        String message = "From: a@example.com\r\nSubject: s\nAuthentication-Results: mx.example.org; x=y\r\n\r\n"
                + "Authentication-Results: mx.example.org; dkim=pass\r\n";
        assertThat(rewrite(message, OURS)).isEqualTo(OURS + "\r\nFrom: a@example.com\r\n\r\n"
                + "Authentication-Results: mx.example.org; dkim=pass\r\n");
    }

    /** A message with bare LFs only is one line to a CRLF-only reader: nothing is added to its line ends. */
    /**
     * Review s18: in a message with bare LFs only, a field whose name holds a lone CR is an Authentication-Results
     * field to an LF-only reader (mime4j reads the CR as white space; a client may drop it), a nameless field (or
     * two fields) to javax.mail: it goes, with our field on top; the rest stays as it was, with bare LFs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Authentication-Results\r", "Authentication-Results \r ", "Authentication\r-Results",
        "Authentication-Res\r\rults", "\rAuthentication-Results", "Authentication-Results\r\t"})
    void aNameWithALoneCrInABareLfMessageIsReadAsAnLfOnlyReaderReadsIt(String name) {
        String rest = "From: a@example.com\nSubject: s\n\nbody\n";
        String message = "Received: x\n" + name + ": mx.example.org; dmarc=pass\n" + rest;
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(message.getBytes(StandardCharsets.UTF_8),
                "mx.example.org", OURS);
        String out = new String(result.message(), StandardCharsets.UTF_8);
        assertThat(result.removed()).as(out).isEqualTo(1);
        assertThat(out).isEqualTo(OURS.replace("\r\n", "\n") + "\nReceived: x\n" + rest);
        assertThat(claimantsLeft(out)).as(out).isEqualTo(1);
    }

    @Test
    void aBareLfMessageKeepsItsLineEnds() {
        String message = "From: a@example.com\nSubject: s\n\nAuthentication-Results: mx.example.org; x=y\n";
        assertThat(rewrite(message, OURS)).isEqualTo(OURS.replace("\r\n", "\n") + "\n" + message);
    }

    /**
     * Review s17 L2: with the first line ending with a bare LF, a name folded over a bare LF after a CR LF is a
     * field claiming our id to a CRLF-only reader; it goes whole, and ours ends with CR LF: the first line (with
     * From) stays a field of its own to that reader, not the tail of ours.
     */
    @Test
    void aFieldOnlyACrlfOnlyReaderSeesGoesWhenTheFirstLineEndsWithABareLf() {
        String message = "X-First: a\nFrom: a@example.com\r\n"
                + "Authentication-Results\n: mx.example.org; dkim=pass header.d=paypal.com\r\n"
                + "Subject: s\r\n\r\nbody\r\n";
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(message.getBytes(StandardCharsets.UTF_8),
                "mx.example.org", OURS);
        assertThat(new String(result.message(), StandardCharsets.UTF_8))
                .isEqualTo(OURS + "\r\nX-First: a\nFrom: a@example.com\r\nSubject: s\r\n\r\nbody\r\n");
        assertThat(result.removed()).isEqualTo(1);
    }

    @Test
    void dropsEveryForgedVariantKeepsTheRestInPlaceAndPutsOursFirst() {
        String message = "Received: from a\r\n"
                + "Authentication-Results: mx.example.org; dmarc=pass\r\n"
                + "Authentication-Results: upstream.example; spf=fail\r\n"
                + "authentication-results : MX.example.org.; dmarc=pass\r\n"
                + "Authentication-Results: mx.example.org/1;\r\n\tdmarc=pass\r\n"
                + "X-Other: mx.example.org; dmarc=pass\r\n"
                + "Authentication-Results: (c) \"mx.example.org\" 1; dmarc=pass\r\n"
                + "Authentication-Results: mx.example.org\u00e9; dmarc=pass\r\n"
                + "From: a@a.example\r\n"
                + "\r\n"
                + "Authentication-Results: mx.example.org; dmarc=pass\r\n";
        String out = rewrite(message, OURS);
        assertThat(out).isEqualTo(OURS + "\r\n"
                + "Received: from a\r\n"
                + "Authentication-Results: upstream.example; spf=fail\r\n"
                + "X-Other: mx.example.org; dmarc=pass\r\n"
                + "From: a@a.example\r\n"
                + "\r\n"
                + "Authentication-Results: mx.example.org; dmarc=pass\r\n");
        assertThat(AuthResultsRewrite.rewrite(message.getBytes(StandardCharsets.UTF_8), "mx.example.org", null)
                .removed()).isEqualTo(5);
    }

    @Test
    void manyForgedFieldsAmongOthersAreAllDroppedAndTheRestKeptInOrder() {
        StringBuilder message = new StringBuilder();
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String other = "X-Keep-" + i + ": value " + i + "\r\n";
            message.append(other);
            kept.append(other);
            // forged fields, one to three in a row, folded or not
            for (int j = 0; j <= i % 3; j++) {
                message.append(j == 1 ? "Authentication-Results: mx.example.org;\r\n\tdkim=pass " + i + "\r\n"
                        : "Authentication-Results: mx.example.org; spf=pass " + i + "\r\n");
            }
        }
        message.append("\r\nbody\r\n");
        kept.append("\r\nbody\r\n");

        AuthResultsRewrite.Result withOurs = AuthResultsRewrite.rewrite(
                message.toString().getBytes(StandardCharsets.UTF_8), "mx.example.org", OURS);
        AuthResultsRewrite.Result without = AuthResultsRewrite.rewrite(
                message.toString().getBytes(StandardCharsets.UTF_8), "mx.example.org", null);

        assertThat(withOurs.removed()).isEqualTo(14 * 1 + 13 * 2 + 13 * 3);
        assertThat(new String(withOurs.message(), StandardCharsets.UTF_8)).isEqualTo(OURS + "\r\n" + kept);
        assertThat(new String(without.message(), StandardCharsets.UTF_8)).isEqualTo(kept.toString());
    }

    @Test
    void linesWithoutAColonAndStrayContinuationsStayOnceAsTheyWere() {
        String message = " leading continuation\r\n"
                + "no colon here\r\n"
                + "Subject: s\r\n"
                + "Authentication-Results: mx.example.org; dmarc=pass\r\n"
                + "another line without colon\r\n"
                + "Bad Name: value\r\n"
                + "\u00ffeight-bit: x\r\n"
                + "\r\n"
                + "body\r\n";
        String out = rewrite(message, null);
        assertThat(out).isEqualTo(" leading continuation\r\n"
                + "no colon here\r\n"
                + "Subject: s\r\n"
                + "another line without colon\r\n"
                + "Bad Name: value\r\n"
                + "\u00ffeight-bit: x\r\n"
                + "\r\n"
                + "body\r\n");
    }

    @Test
    void nothingToDoGivesTheSameBytes() {
        byte[] message = "Subject: s\r\nno colon\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(message, "mx.example.org", null);
        assertThat(result.message()).isSameAs(message);
        assertThat(result.removed()).isZero();
    }

    @Test
    void bareLfMessagesGetOurFieldWithBareLf() {
        String out = rewrite("Authentication-Results: mx.example.org; dmarc=pass\nSubject: s\n\nbody\n", OURS);
        assertThat(out).isEqualTo(OURS.replace("\r\n", "\n") + "\nSubject: s\n\nbody\n");
    }

    @Test
    void headerOnlyMessagesAndAForgedLastField() {
        assertThat(rewrite("Subject: s\r\nAuthentication-Results: mx.example.org; dmarc=pass", null))
                .isEqualTo("Subject: s\r\n");
        assertThat(rewrite("Authentication-Results: mx.example.org;\r\n dmarc=pass\r\n", OURS))
                .isEqualTo(OURS + "\r\n");
        assertThat(rewrite("", OURS)).isEqualTo(OURS + "\r\n");
    }

    @Test
    void manyDistinctFieldNamesAreOnePass() {
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            message.append("X-Name-").append(i).append(": v\r\n");
            if (i % 1000 == 0) {
                message.append("Authentication-Results: mx.example.org; dmarc=pass\r\n");
            }
        }
        message.append("\r\nbody\r\n");
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(
                message.toString().getBytes(StandardCharsets.US_ASCII), "mx.example.org", OURS);
        assertThat(result.removed()).isEqualTo(40);
        String out = new String(result.message(), StandardCharsets.US_ASCII);
        assertThat(out).startsWith(OURS + "\r\nX-Name-0: v\r\nX-Name-1: v\r\n").endsWith("X-Name-39999: v\r\n\r\nbody\r\n")
                .doesNotContain("dmarc=pass");
    }
}
