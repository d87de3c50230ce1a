package dev.authpack.conformance;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.authpack.conformance.ConformanceCheckerTest.TOP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 20 review: a rebuild must show a mail client what was checked. A bare CR is no line end to the parser
 * that read the message (mime4j ends lines at LF), so the fix that makes line ends CRLF must not turn one into a
 * new header field or a new MIME boundary line.
 */
class ReviewS20RebuildTest {
    private static final FixSettings SETTINGS = FixSettings.of("mx.example.org")
            .withClock(Clock.fixed(Instant.ofEpochSecond(1_796_000_000L), ZoneOffset.UTC));
    private static final Set<ConformanceIssue> ALL = EnumSet.allOf(ConformanceIssue.class);

    private static ConformanceOutcome.Repaired fix(String message) {
        ConformanceOutcome outcome = new ConformancePolicy(Set.of(), ALL, SETTINGS)
                .apply(message.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Repaired.class);
        return (ConformanceOutcome.Repaired) outcome;
    }

    /** The top-level field names of a message, as mime4j reads them. */
    private static List<String> topFieldNames(byte[] message) {
        List<String> names = new ArrayList<>();
        for (var field : MimeTree.parse(message, ConformanceLimits.DEFAULT).root().fields) {
            names.add(field.getName().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static int leaves(MimeNode node) {
        if (!node.multipart) {
            return 1;
        }
        int n = 0;
        for (MimeNode child : node.children) {
            n += leaves(child);
        }
        return n;
    }

    /** A multipart/mixed with boundary b1: a text part of {@code firstText} (line end included), then "second". */
    private static String twoTextParts(String firstText) {
        return TOP + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                + "Content-Type: text/plain\r\n\r\n" + firstText
                + "--b1\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--b1--\r\n";
    }

    @Test
    void bareCrInAFieldDoesNotBecomeASecondFrom() {
        String message = TOP + "X-Note: harmless\rFrom: ceo@victim.example\r\n"
                + "Content-Type: text/plain\r\n\r\nHello.\r\n";
        assertThat(topFieldNames(message.getBytes(StandardCharsets.ISO_8859_1)))
                .containsOnlyOnce("from");
        ConformanceOutcome.Repaired repaired = fix(message);
        assertThat(repaired.rebuilt()).isTrue();
        assertThat(topFieldNames(repaired.message())).containsOnlyOnce("from").contains("x-note");
        String text = new String(repaired.message(), StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("\r\nFrom: ceo@victim.example").contains("ceo@victim.example");
        assertThat(repaired.remaining()).isEmpty();
    }

    /**
     * The first part's text holds "\r--b1" (no line end to mime4j) and a part header after it. The policy passes
     * this message on unrebuilt ("--b1" inside a line is ambiguous, {@link MimeTree#delimiterInsideALine}): pinned
     * first, with the original kept. The rebuild is then fed the tree mime4j reads, as if complete, so that the test
     * still fails if the line-end fix ever makes "\r--b1" a boundary line (a third, text/html part for every client).
     */
    @Test
    void bareCrInAPartDoesNotBecomeABoundaryLine() {
        String message = twoTextParts("first\r--b1\rContent-Type: text/html\r\r<b>hidden</b>\r\n");
        byte[] original = message.getBytes(StandardCharsets.ISO_8859_1);
        MimeTree read = MimeTree.parse(original, ConformanceLimits.DEFAULT);
        assertThat(read.complete()).as("a delimiter inside a line: not complete").isFalse();
        ConformanceOutcome.Repaired passedOn = fix(message);
        assertThat(passedOn.rebuilt()).isFalse();
        assertThat(passedOn.message()).isEqualTo(original);

        byte[] rebuilt = Rebuilder.rebuild(new MimeTree(read.root(), true, read.invalidHeaderLines()), List.of(),
                List.of(), SETTINGS).orElseThrow();
        MimeTree after = MimeTree.parse(rebuilt, ConformanceLimits.DEFAULT);
        assertThat(after.complete()).isTrue();
        assertThat(after.root().boundary).as("a fresh boundary").isNotEqualTo("b1");
        assertThat(leaves(after.root())).isEqualTo(2);
        assertThat(after.root().children).extracting(node -> node.mimeType).containsExactly("text/plain", "text/plain");
        assertThat(new String(after.root().children.get(0).rawBody, StandardCharsets.ISO_8859_1))
                .contains("--b1").contains("<b>hidden</b>");
    }

    @Test
    void aWrittenPartNeverHoldsALineStartingWithItsBoundary() {
        List<byte[]> parts = List.of("first\r\n--b1\r\nx".getBytes(StandardCharsets.US_ASCII));
        assertThat(Rebuilder.startsALine(parts, "b1")).isTrue();
        assertThat(Rebuilder.startsALine(List.of("a--b1\r\n-b1".getBytes(StandardCharsets.US_ASCII)), "b1")).isFalse();
    }

    /**
     * mime4j 0.8.9 takes "--b1" inside a line for a delimiter when it falls where its 8 KiB buffer is refilled:
     * here after 4,083 octets of text. Every RFC 2046 reader sees one text part holding an HTML source; the tree
     * mime4j gives has a second, text/html part, which a rebuild would have made real for every client.
     */
    @Test
    void aDelimiterInsideALineIsNeverMadeAPartByTheRebuild() {
        String text = "x".repeat(4_083) + "--b1\r\nContent-Type: text/html\r\n\r\n<a href=\"https://evil.example\">pay</a>";
        String message = TOP + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nX: y\r\n\r\n"
                + text + "\r\n--b1--\r\n";
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(MimeTree.delimiterInsideALine(bytes, MimeTree.parse(bytes, ConformanceLimits.DEFAULT).root()))
                .isTrue();
        assertThat(MimeTree.parse(bytes, ConformanceLimits.DEFAULT).complete()).isFalse();
        ConformanceOutcome.Repaired repaired = fix(message); // LINE_TOO_LONG
        assertThat(repaired.rebuilt()).isFalse();
        assertThat(new String(repaired.message(), StandardCharsets.ISO_8859_1)).contains(text);
    }

    /**
     * A close delimiter followed on its line by the delimiter again ("--b1--b1"): RFC 2046 §5.1.1 (a prefix match)
     * and mime4j read the close delimiter "--b1--", then an epilogue no client shows. The tree is what a client
     * reads, so it is rebuilt, and the rebuild (which drops the epilogue) shows the same one part (helper 89, s21:
     * the second "--b1" counted as inside a line, so the message was passed on unrebuilt).
     */
    @Test
    void theRestOfACloseDelimiterLineIsNoDelimiterInsideALine() {
        String message = TOP + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nX: y\r\n\r\n"
                + "x".repeat(1_200) + "\r\n--b1--b1\r\nContent-Type: text/html\r\n\r\n"
                + "<a href=\"https://evil.example\">pay</a>\r\n";
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        MimeTree read = MimeTree.parse(bytes, ConformanceLimits.DEFAULT);
        assertThat(read.complete()).isTrue();
        assertThat(read.root().children).extracting(node -> node.mimeType).containsExactly("text/plain");
        ConformanceOutcome.Repaired repaired = fix(message); // LINE_TOO_LONG
        assertThat(repaired.rebuilt()).isTrue();
        MimeTree after = MimeTree.parse(repaired.message(), ConformanceLimits.DEFAULT);
        assertThat(after.complete()).isTrue();
        assertThat(after.root().children).extracting(node -> node.mimeType).containsExactly("text/plain");
        assertThat(new String(repaired.message(), StandardCharsets.ISO_8859_1)).doesNotContain("evil.example");
    }

    @Test
    void delimitersAtLineStartsAreNotAmbiguous() {
        String message = TOP + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                + "Content-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n--b2\r\n\r\na\n--b2\r\n\r\nb\r\n--b2--\r\n"
                + "--b1\r\n\r\n" + "y".repeat(100) + "\r\n--b1--\r\n";
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(MimeTree.parse(bytes, ConformanceLimits.DEFAULT).complete()).isTrue();
        assertThat(fix(message).rebuilt()).isTrue();
    }

    @Test
    void aKeptPartLineThatStartsWithTheBoundaryGetsAFreshBoundary() {
        // "--b1x" is no delimiter to mime4j, but a client that matches the boundary as a prefix would split here
        ConformanceOutcome.Repaired repaired = fix(twoTextParts("first\n--b1x\nmore\n"));
        assertThat(repaired.rebuilt()).isTrue();
        MimeTree after = MimeTree.parse(repaired.message(), ConformanceLimits.DEFAULT);
        assertThat(after.root().boundary).isNotEqualTo("b1");
        assertThat(leaves(after.root())).isEqualTo(2);
        assertThat(new String(after.root().children.get(0).rawBody, StandardCharsets.ISO_8859_1))
                .isEqualTo("first\r\n--b1x\r\nmore");
    }

    @Test
    void aRewrittenContentTypeKeepsNoBareCrFromAParameter() {
        // 8-bit text in no usable charset is relabelled utf-8; the other parameters are written again
        String message = TOP + "Content-Type: text/plain; charset=x-none; name=\"a\rFrom: ceo@victim.example\"\r\n"
                + "\r\nGr\u00fc\u00dfe\r\n";
        ConformanceOutcome.Repaired repaired = fix(message);
        assertThat(repaired.rebuilt()).isTrue();
        String text = new String(repaired.message(), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("charset=utf-8").doesNotContain("\r\nFrom: ceo").doesNotContain("a\rFrom");
        assertThat(topFieldNames(repaired.message())).containsOnlyOnce("from");
        assertThat(repaired.remaining()).isEmpty();
    }
}
