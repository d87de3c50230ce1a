package dev.authpack.conformance;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.authpack.conformance.ConformanceIssue.LINE_TOO_LONG;
import static dev.authpack.conformance.ConformanceIssue.MISSING_COLON_VALUE;
import static dev.authpack.conformance.ConformanceIssue.MISSING_DATE_HEADER;
import static dev.authpack.conformance.ConformanceIssue.MISSING_MESSAGE_ID_HEADER;
import static dev.authpack.conformance.ConformanceIssue.MISSING_MIME_VERSION;
import static dev.authpack.conformance.ConformanceIssue.NAME_ENDS_WITH_SPACE;
import static dev.authpack.conformance.ConformanceIssue.NEEDS_TRANSFER_ENCODING;
import static dev.authpack.conformance.ConformanceIssue.NON_CANONICAL_LINE_ENDINGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConformanceCheckerTest {
    static final String TOP = "From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n";
    static final String CLEAN = TOP + "Content-Type: text/plain; charset=us-ascii\r\n\r\nHello.\r\n";

    private static ConformanceReport check(String message) {
        return check(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ConformanceReport check(byte[] message) {
        return new ConformanceChecker().check(message);
    }

    static String multipart(String partHeader, String partBody) {
        return TOP + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\n"
                + "Content-Type: text/plain\r\n\r\nfirst\r\n--b1\r\n" + partHeader + "\r\n" + partBody
                + "\r\n--b1--\r\n";
    }

    @Test
    void cleanMessageHasNoIssues() {
        ConformanceReport report = check(CLEAN);
        assertThat(report.issues()).isEmpty();
        assertThat(report.complete()).isTrue();
    }

    @Test
    void missingColonValueInTopAndPartHeaders() {
        assertThat(check(CLEAN.replace("Subject: hi\r\n", "Subject\r\n")).issues()).containsExactly(MISSING_COLON_VALUE);
        assertThat(check(multipart("Content-Type: text/plain\r\nX-Broken\r\n", "body")).issues())
                .containsExactly(MISSING_COLON_VALUE);
    }

    /**
     * Review s20: RFC 2046 §5.1 lets a body part have no header fields (it is then text/plain; charset=us-ascii):
     * the part starts with the blank line right after its boundary line. mime4j warns "Invalid header" about the
     * empty header; that is no line without a colon, and reporting it would reject legitimate mail.
     */
    @Test
    void aPartWithNoHeaderFieldsIsConformant() {
        assertThat(check(multipart("", "body")).issues()).isEmpty();
        String firstHeaderless = TOP + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n\r\nfirst\r\n"
                + "--b1\r\n\r\n\r\n--b1--\r\n"; // the second part is headerless and empty
        ConformanceReport report = check(firstHeaderless);
        assertThat(report.issues()).isEmpty();
        assertThat(report.complete()).isTrue();
        assertThat(check(multipart("", "body").replace("\r\n", "\n")).issues())
                .containsExactly(NON_CANONICAL_LINE_ENDINGS);
        // a message whose own header is empty has no line without a colon either (only fields missing)
        assertThat(check("\r\nHello.\r\n").issues())
                .containsExactlyInAnyOrder(MISSING_DATE_HEADER, MISSING_MESSAGE_ID_HEADER, MISSING_MIME_VERSION);
    }

    /** What the headerless part must not hide: a part header that has a line without a colon is still reported. */
    @Test
    void aPartHeaderWithALineWithoutAColonIsStillReported() {
        assertThat(check(multipart("X-Broken\r\n", "body")).issues()).containsExactly(MISSING_COLON_VALUE);
        assertThat(check(multipart(" folded onto nothing\r\n", "body")).issues()).containsExactly(MISSING_COLON_VALUE);
        assertThat(check(multipart("X-Broken\r\nContent-Type: text/plain\r\n", "body")).issues())
                .containsExactly(MISSING_COLON_VALUE);
        // a headerless part next to a broken one: the broken one still counts
        String both = TOP + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n\r\nfirst\r\n"
                + "--b1\r\nX-Broken\r\n\r\nsecond\r\n--b1--\r\n";
        assertThat(check(both).issues()).containsExactly(MISSING_COLON_VALUE);
    }

    @Test
    void nonCanonicalLineEndings() {
        assertThat(check(CLEAN.replace("Hello.\r\n", "Hello.\nmore\r\n")).issues())
                .containsExactly(NON_CANONICAL_LINE_ENDINGS);
        assertThat(check(CLEAN.replace("Hello.\r\n", "Hello.\rmore\r\n")).issues())
                .containsExactly(NON_CANONICAL_LINE_ENDINGS);
        assertThat(check(CLEAN.replace("\r\n", "\n")).issues()).containsExactly(NON_CANONICAL_LINE_ENDINGS);
    }

    @Test
    void nameEndsWithSpaceInTopAndPartHeaders() {
        assertThat(check(CLEAN.replace("Subject: hi", "Subject : hi")).issues()).containsExactly(NAME_ENDS_WITH_SPACE);
        assertThat(check(CLEAN.replace("Subject: hi", "Subject\t: hi")).issues()).containsExactly(NAME_ENDS_WITH_SPACE);
        assertThat(check(multipart("Content-Type : text/plain\r\n", "body")).issues())
                .containsExactly(NAME_ENDS_WITH_SPACE);
    }

    @Test
    void lineTooLongIsAbove78OctetsWithoutTheLineEnding() {
        String at78 = "x".repeat(78);
        assertThat(check(CLEAN.replace("Hello.", at78)).issues()).isEmpty();
        assertThat(check(CLEAN.replace("Hello.", at78 + "x")).issues()).containsExactly(LINE_TOO_LONG);
        assertThat(check(CLEAN.replace("Hello.\r\n", at78 + "x")).issues()).as("last line without ending")
                .containsExactly(LINE_TOO_LONG);
        assertThat(check(CLEAN.replace("Subject: hi", "Subject: " + "y".repeat(70))).issues())
                .containsExactly(LINE_TOO_LONG);
        assertThat(check(multipart("Content-Type: text/plain\r\n", "z".repeat(100))).issues())
                .containsExactly(LINE_TOO_LONG);
    }

    @Test
    void needsTransferEncodingForEightBitAnywhere() {
        assertThat(check(CLEAN.replace("Hello.", "H\u00e9llo.")).issues()).containsExactly(NEEDS_TRANSFER_ENCODING);
        assertThat(check(CLEAN.replace("Subject: hi", "Subject: h\u00e9")).issues())
                .containsExactly(NEEDS_TRANSFER_ENCODING);
        String declared8bit = CLEAN.replace("charset=us-ascii\r\n", "charset=iso-8859-1\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n").replace("Hello.", "H\u00e9llo.");
        assertThat(check(declared8bit).issues()).as("8bit declared still needs encoding for a 7-bit path")
                .containsExactly(NEEDS_TRANSFER_ENCODING);
        assertThat(check(multipart("Content-Type: application/octet-stream\r\n", "\u00ff\u00fe")).issues())
                .containsExactly(NEEDS_TRANSFER_ENCODING);
    }

    @Test
    void transferEncodedTextThatDoesNotDecodeInItsCharsetNeedsTransferEncoding() {
        String qp = CLEAN.replace("charset=us-ascii\r\n", "charset=us-ascii\r\nContent-Transfer-Encoding: "
                + "quoted-printable\r\n").replace("Hello.", "H=E9llo.");
        assertThat(check(qp).issues()).containsExactly(NEEDS_TRANSFER_ENCODING);
        assertThat(check(qp.replace("us-ascii", "iso-8859-1")).issues()).isEmpty();
        assertThat(check(qp.replace("us-ascii", "no-such-charset")).issues()).containsExactly(NEEDS_TRANSFER_ENCODING);
        String b64 = CLEAN.replace("charset=us-ascii\r\n", "charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n")
                .replace("Hello.", "w6k=");
        assertThat(check(b64).issues()).isEmpty();
        assertThat(check(b64.replace("w6k=", "6Q==")).issues()).as("0xE9 alone is not UTF-8")
                .containsExactly(NEEDS_TRANSFER_ENCODING);
    }

    @Test
    void missingOrUnparseableDateAndMessageIdCountAsMissing() {
        assertThat(check(CLEAN.replace("Date: Sun, 6 Dec 2026 03:00:00 +0000\r\n", "")).issues())
                .containsExactly(MISSING_DATE_HEADER);
        assertThat(check(CLEAN.replace("Sun, 6 Dec 2026 03:00:00 +0000", "yesterday")).issues())
                .containsExactly(MISSING_DATE_HEADER);
        assertThat(check(CLEAN.replace("Sun, 6 Dec 2026 03:00:00 +0000", "6 Dec 2026 25:00:00 +0000")).issues())
                .containsExactly(MISSING_DATE_HEADER);
        assertThat(check(CLEAN.replace("Sun, 6 Dec 2026 03:00:00 +0000", "6 Dec 2026 03:00 GMT (UTC)")).issues())
                .as("obsolete zone, no seconds, comment: valid").isEmpty();
        assertThat(check(CLEAN.replace("Message-ID: <1@example.com>\r\n", "")).issues())
                .containsExactly(MISSING_MESSAGE_ID_HEADER);
        for (String bad : new String[] {"1@example.com", "<1example.com>", "<1@example.com", "<a..b@x>", "<@x>",
                "<1@example.com> trailing", "<1@ex\u00e9.com>"}) {
            assertThat(check(CLEAN.replace("<1@example.com>", bad)).issues()).as(bad)
                    .contains(MISSING_MESSAGE_ID_HEADER);
        }
        for (String good : new String[] {" <a.b@[1.2.3.4]> (comment)", "<\"q x\"@example.com>", "<a@b>"}) {
            assertThat(check(CLEAN.replace("<1@example.com>", good)).issues()).as(good).isEmpty();
        }
    }

    @Test
    void mimeVersionMustBeOnePointZero() {
        assertThat(check(CLEAN.replace("MIME-Version: 1.0\r\n", "")).issues()).containsExactly(MISSING_MIME_VERSION);
        assertThat(check(CLEAN.replace("MIME-Version: 1.0", "MIME-Version: 2.0")).issues())
                .containsExactly(MISSING_MIME_VERSION);
        assertThat(check(CLEAN.replace("MIME-Version: 1.0", "Mime-Version: 1.0 (Apple Message framework)"))
                .issues()).isEmpty();
    }

    @Test
    void partHeadersDoNotCountForTheTopLevelFields() {
        String noDate = multipart("Content-Type: text/plain\r\nDate: Sun, 6 Dec 2026 03:00:00 +0000\r\n", "b")
                .replace("Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID", "Message-ID");
        assertThat(check(noDate).issues()).containsExactly(MISSING_DATE_HEADER);
    }

    @Test
    void partsBeyondTheLimitStopTheWalkAndSaySo() {
        StringBuilder parts = new StringBuilder(TOP + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 5; i++) {
            parts.append("--b\r\nContent-Type : text/plain\r\n\r\npart\r\n".replace(" :", i == 4 ? " :" : ":"));
        }
        parts.append("--b--\r\n");
        ConformanceLimits four = new ConformanceLimits(4, 20, 100, 10_000);
        ConformanceReport cut = new ConformanceChecker(four).check(parts.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(cut.complete()).isFalse();
        assertThat(cut.issues()).as("the fifth part is not walked").doesNotContain(NAME_ENDS_WITH_SPACE);
        ConformanceReport all = new ConformanceChecker(new ConformanceLimits(6, 20, 100, 10_000))
                .check(parts.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(all.complete()).isTrue();
        assertThat(all.issues()).containsExactly(NAME_ENDS_WITH_SPACE);
    }

    @Test
    void depthFieldCountAndHeaderBytesAreBounded() {
        String nested = TOP + "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
                + "Content-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                + "--i--\r\n--o--\r\n";
        assertThat(new ConformanceChecker(new ConformanceLimits(100, 1, 100, 10_000)).check(bytes(nested))
                .complete()).isFalse();
        assertThat(new ConformanceChecker(new ConformanceLimits(100, 2, 100, 10_000)).check(bytes(nested))
                .complete()).isTrue();
        assertThat(new ConformanceChecker(new ConformanceLimits(100, 2, 5, 10_000)).check(bytes(CLEAN))
                .complete()).as("7 fields > 5").isFalse();
        assertThat(new ConformanceChecker(new ConformanceLimits(100, 2, 100, 100)).check(bytes(CLEAN))
                .complete()).as("header section > 100 octets").isFalse();
        assertThatThrownBy(() -> new ConformanceLimits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverThrowsOnGarbage() {
        Random random = new Random(8);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            if (i % 3 == 0) {
                byte[] prefix = bytes("Content-Type: multipart/mixed; boundary=\"\u0001\"\r\n\r\n--\u0001\r\n");
                byte[] both = new byte[prefix.length + junk.length];
                System.arraycopy(prefix, 0, both, 0, prefix.length);
                System.arraycopy(junk, 0, both, prefix.length, junk.length);
                junk = both;
            }
            assertThat(check(junk)).isNotNull();
        }
        assertThat(check(new byte[0]).issues()).contains(MISSING_DATE_HEADER, MISSING_MESSAGE_ID_HEADER,
                MISSING_MIME_VERSION);
    }

    @Test
    void labelListsParseAsKumoMta() {
        assertThat(ConformanceIssue.parseList("LINE_TOO_LONG|MISSING_COLON_VALUE||"))
                .containsExactlyInAnyOrder(LINE_TOO_LONG, MISSING_COLON_VALUE);
        assertThat(ConformanceIssue.parseList("")).isEmpty();
        assertThatThrownBy(() -> ConformanceIssue.parseList("LINE_TOO_LONG|spoon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'spoon'")
                .hasMessageContaining("LINE_TOO_LONG, MISSING_COLON_VALUE, MISSING_DATE_HEADER, "
                        + "MISSING_MESSAGE_ID_HEADER, MISSING_MIME_VERSION, NAME_ENDS_WITH_SPACE, "
                        + "NEEDS_TRANSFER_ENCODING, NON_CANONICAL_LINE_ENDINGS");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
