package dev.authpack.conformance;

import dev.authpack.mail.AuthorDomains;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.Field;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23 review (attacker): a repair run after MailAuthCheck (the documented order for inbound mail) must not
 * change which address a mail client shows as the author, nor add a header field no check saw. DMARC evaluated the
 * From field as received; a rebuild that shows another one makes the Authentication-Results describe a message the
 * reader never sees.
 */
class ReviewS23ConformanceTest {
    private static final FixSettings SETTINGS = FixSettings.of("mx.example.org")
            .withClock(Clock.fixed(Instant.ofEpochSecond(1_796_000_000L), ZoneOffset.UTC));
    private static final Set<ConformanceIssue> ALL = EnumSet.allOf(ConformanceIssue.class);
    private static final String REST = "To: b@example.net\r\nSubject: hi\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n";

    private static ConformanceOutcome.Repaired fix(byte[] message, FixSettings settings) {
        ConformanceOutcome outcome = new ConformancePolicy(Set.of(), ALL, settings).apply(message);
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Repaired.class);
        return (ConformanceOutcome.Repaired) outcome;
    }

    private static List<String> topFieldNames(byte[] message) {
        List<String> names = new ArrayList<>();
        for (Field field : MimeTree.parse(message, ConformanceLimits.DEFAULT).root().fields) {
            names.add(field.getName().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** The unfolded value of the message's first From field, octets as ISO-8859-1 characters. */
    private static String fromValue(byte[] message) {
        Field from = MimeTree.parse(message, ConformanceLimits.DEFAULT).root().field("From");
        byte[] value = Rebuilder.valueBytes(from);
        return new String(value, StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "").strip();
    }

    /** The mailbox addresses a lenient reader (mime4j's, as mail clients read) takes from a From value. */
    private static List<String> shown(String fromValue) {
        List<String> out = new ArrayList<>();
        for (Address address : LenientAddressParser.DEFAULT.parseAddressList(fromValue)) {
            if (address instanceof Mailbox mailbox) {
                out.add(mailbox.getAddress());
            } else if (address instanceof Group group) {
                group.getMailboxes().forEach(m -> out.add(m.getAddress()));
            }
        }
        return out;
    }

    /**
     * The display name is UTF-8 (NEEDS_TRANSFER_ENCODING) and a comment after the angle address holds another one.
     * DMARC reads evil.example (the attacker's domain, which it can make pass); the fix took the last '<' of the
     * item for the address, encoded everything before it as the display name and left {@code <ceo@victim.example>)}
     * as the address every client then shows.
     */
    @Test
    void anAngleAddressInATrailingCommentNeverBecomesTheAuthor() {
        String from = "\"Zo\u00eb\" <attacker@evil.example> (<ceo@victim.example>)";
        byte[] message = ("From: " + from + "\r\n" + REST + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "Hello.\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(AuthorDomains.addrSpecs(from)).as("what DMARC reads").containsExactly("attacker@evil.example");

        ConformanceOutcome.Repaired repaired = fix(message, SETTINGS);

        assertThat(repaired.rebuilt()).isTrue();
        String fixed = fromValue(repaired.message());
        assertThat(shown(fixed)).containsExactly("attacker@evil.example");
        assertThat(AuthorDomains.addrSpecs(fixed)).containsExactly("attacker@evil.example");
        assertThat(repaired.remaining()).isEmpty();
    }

    /** The display name holds a quoted angle address before the real one: it stays display-name text. */
    @Test
    void aQuotedAngleAddressInTheDisplayNameStaysText() {
        String from = "\"Zo\u00eb <ceo@victim.example>\" <attacker@evil.example>";
        byte[] message = ("From: " + from + "\r\n" + REST + "\r\nHello.\r\n").getBytes(StandardCharsets.UTF_8);
        String fixed = fromValue(fix(message, SETTINGS).message());
        assertThat(shown(fixed)).containsExactly("attacker@evil.example");
        assertThat(fixed).doesNotContain("<ceo@victim.example>");
    }

    /**
     * mime4j decodes an encoded-word in a quoted Content-Type parameter ("=?utf-8?B?...?=", here CRLF "From: ...");
     * a rebuild that rewrites the Content-Type (8-bit text relabelled utf-8) wrote the decoded value back quoted,
     * CRLF included: a second From field in the header, above the checked one, that no check and no DMARC saw.
     */
    @Test
    void anEncodedWordInAParameterNeverBecomesAHeaderField() {
        String encoded = Base64.getEncoder().encodeToString(
                "\r\nFrom: ceo@victim.example\r\nX-A: ".getBytes(StandardCharsets.US_ASCII));
        String message = "Content-Type: text/plain; name=\"=?utf-8?B?" + encoded + "?=\"\r\n"
                + "From: attacker@evil.example\r\n" + REST + "\r\nCaf\u00e9\r\n";
        assertRewrittenTypeAddsNoField(message);
    }

    /** A quoted-pair of a bare CR in a parameter ("\\\r"): mime4j keeps the CR; written, it ended a line. */
    @Test
    void aQuotedBareCrInAParameterNeverEndsALine() {
        String message = "Content-Type: text/plain; name=\"a\\\rFrom: ceo@victim.example\"\r\n"
                + "From: attacker@evil.example\r\n" + REST + "\r\nCaf\u00e9\r\n";
        assertRewrittenTypeAddsNoField(message);
    }

    private static void assertRewrittenTypeAddsNoField(String message) {
        byte[] original = message.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(topFieldNames(original)).containsOnlyOnce("from");
        ConformanceOutcome.Repaired repaired = fix(original, SETTINGS);
        assertThat(repaired.rebuilt()).isTrue();
        String text = new String(repaired.message(), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("charset=utf-8").doesNotContain("\nFrom: ceo").doesNotContain("\rFrom: ceo");
        assertThat(topFieldNames(repaired.message())).containsOnlyOnce("from");
        assertThat(LineScan.of(repaired.message()).nonCanonicalEndings()).isFalse();
        assertThat(shown(fromValue(repaired.message()))).containsExactly("attacker@evil.example");
    }

    /**
     * Field text in no charset is decoded in one detected charset. NUL octets make the detector choose UTF-16, in
     * which the octets of {@code <attacker@evil.example> (} are CJK characters and a comment of NUL-interleaved
     * octets is {@code <ceo@victim.example>}: the written From showed the victim's address, where every reader of
     * the original (DMARC included) sees the attacker's. A guess that does not keep the ASCII octets as they are is
     * not used for field text.
     */
    @Test
    void aGuessedFieldCharsetNeverChangesTheAddressesOfAField() {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.writeBytes("<attacker@evil.example>  (".getBytes(StandardCharsets.US_ASCII)); // 26 octets
        value.writeBytes("\u00e9<ceo@victim.example>)".getBytes(StandardCharsets.UTF_16BE));
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes("From:".getBytes(StandardCharsets.US_ASCII));
        message.writeBytes(value.toByteArray());
        // a second unlabelled 8-bit value of two octets keeps the detector's sample of even length
        message.writeBytes(("\r\nX-Junk: \u00e9\r\n" + REST + "\r\nHello.\r\n").getBytes(StandardCharsets.ISO_8859_1));
        String original = new String(value.toByteArray(), StandardCharsets.ISO_8859_1);
        assertThat(shown(original)).as("what a reader of the original sees").containsExactly("attacker@evil.example");
        assertThat(DetectorGuesser.of(Set.of(), Set.of()).guess((original + "\n \u00e9\n")
                .getBytes(StandardCharsets.ISO_8859_1))).as("the detector's guess")
                .contains(StandardCharsets.UTF_16BE);

        ConformanceOutcome.Repaired repaired = fix(message.toByteArray(),
                SETTINGS.withGuesser(DetectorGuesser.of(Set.of(), Set.of())));

        assertThat(repaired.rebuilt()).isTrue();
        String fixed = fromValue(repaired.message());
        assertThat(fixed).doesNotContain("<ceo@victim.example>");
        assertThat(shown(fixed)).containsExactly("attacker@evil.example");
    }

    @Test
    void keepsAsciiComparesTheAsciiOctetsInOrder() {
        byte[] raw = "a\u00e9<b".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Rebuilder.keepsAscii(raw, "a\u00e9<b")).isTrue();
        assertThat(Rebuilder.keepsAscii(raw, "a<b")).isTrue();
        assertThat(Rebuilder.keepsAscii(raw, "a\u00e9b")).isFalse();
        assertThat(Rebuilder.keepsAscii(raw, "a\u00e9<b>")).isFalse();
        assertThat(Rebuilder.keepsAscii(raw, "\u4e00\u4e01")).isFalse();
    }

    /**
     * The reject set refuses lines without a colon (the sample configuration's hook). Past 1,000 header fields
     * mime4j stops reading the header and the walk ends: the line after them, and the From field after that, were
     * never looked at, and the message was accepted as if checked. A walk cut short now counts as having the issues
     * the walk finds that the checks refuse.
     */
    @Test
    void aColonlessLinePastTheFieldBoundIsRefused() {
        Set<ConformanceIssue> checks = Set.of(ConformanceIssue.MISSING_COLON_VALUE);
        assertThat(new ConformancePolicy(checks, Set.of(), SETTINGS).apply(padded(10)))
                .as("within the bound").isInstanceOf(ConformanceOutcome.Rejected.class);
        ConformanceOutcome outcome = new ConformancePolicy(checks, Set.of(), SETTINGS)
                .apply(padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS));
        assertThat(outcome.report().complete()).isFalse();
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Rejected.class);
        assertThat(((ConformanceOutcome.Rejected) outcome).issues())
                .containsExactly(ConformanceIssue.MISSING_COLON_VALUE);
        // a check that is also a fix is refused too (review s23 C1, this line asserted the opposite): the line past
        // the bound was not read, so it cannot be repaired, and unrepaired the administrator refuses it
        assertThat(new ConformancePolicy(checks, checks, SETTINGS).apply(padded(1000)))
                .isInstanceOf(ConformanceOutcome.Rejected.class);
    }

    /**
     * Review s23 C1: a walk issue that only {@code fixes} names, past the field bound, is not refused (the
     * administrator chose not to refuse it) but no longer passes as checked: {@code PassedUnchecked}, naming the
     * label and the bound; with another fix made (a missing Date added on top, no rebuild of a tree not walked
     * whole) the {@code Repaired} outcome names them the same way. Within the bound nothing of the kind.
     */
    @Test
    void aFixOnlyWalkIssuePastTheFieldBoundIsReportedUnchecked() {
        Set<ConformanceIssue> fixes = Set.of(ConformanceIssue.MISSING_COLON_VALUE);
        ConformanceOutcome past = new ConformancePolicy(Set.of(), fixes, SETTINGS)
                .apply(padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS));
        assertThat(past).isInstanceOf(ConformanceOutcome.PassedUnchecked.class);
        assertThat(past.unwalked().issues()).containsExactly(ConformanceIssue.MISSING_COLON_VALUE);
        assertThat(past.unwalked().bound()).contains("more than 1000 header fields");

        Set<ConformanceIssue> withDate = Set.of(ConformanceIssue.MISSING_COLON_VALUE,
                ConformanceIssue.MISSING_DATE_HEADER);
        byte[] undated = new String(padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS), StandardCharsets.US_ASCII)
                .replaceFirst("Date: [^\r]*\r\n", "").getBytes(StandardCharsets.US_ASCII);
        ConformanceOutcome.Repaired repaired = (ConformanceOutcome.Repaired)
                new ConformancePolicy(Set.of(), withDate, SETTINGS).apply(undated);
        assertThat(repaired.rebuilt()).isFalse();
        assertThat(repaired.fixed()).containsExactly(ConformanceIssue.MISSING_DATE_HEADER);
        assertThat(repaired.unwalked().issues()).containsExactly(ConformanceIssue.MISSING_COLON_VALUE);

        ConformanceOutcome within = new ConformancePolicy(Set.of(), fixes, SETTINGS).apply(padded(10));
        assertThat(within).isInstanceOf(ConformanceOutcome.Repaired.class);
        assertThat(within.unwalked()).isEqualTo(ConformanceOutcome.Unwalked.NONE);
    }

    /** The same past the 500 entities walked: part 502's header has "From :" and a line without a colon. */
    @Test
    void aPartPastThePartBoundIsRefusedByTheChecksOfTheWalk() {
        StringBuilder m = new StringBuilder("From: attacker@evil.example\r\n" + REST
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
        for (int i = 0; i < ConformanceLimits.DEFAULT_MAX_PARTS; i++) {
            m.append("--b1\r\nContent-Type: text/plain\r\n\r\npart ").append(i).append("\r\n");
        }
        m.append("--b1\r\nFrom : ceo@victim.example\r\nno colon here\r\n\r\nlast\r\n--b1--\r\n");
        byte[] message = m.toString().getBytes(StandardCharsets.US_ASCII);
        Set<ConformanceIssue> checks = Set.of(ConformanceIssue.MISSING_COLON_VALUE,
                ConformanceIssue.NAME_ENDS_WITH_SPACE, ConformanceIssue.LINE_TOO_LONG);
        ConformanceOutcome outcome = new ConformancePolicy(checks, Set.of(), SETTINGS).apply(message);
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Rejected.class);
        assertThat(((ConformanceOutcome.Rejected) outcome).issues()).containsExactlyInAnyOrder(
                ConformanceIssue.MISSING_COLON_VALUE, ConformanceIssue.NAME_ENDS_WITH_SPACE);
    }

    /**
     * A line of CR CR LF: a lone CR, then a line end. Readers that end lines at a lone CR (javax.mail, Python) see
     * an empty line there, the end of the header section; the strict DKIM parser sees a line without a colon; mime4j
     * reads on. The builder that lets a headerless part through took any line of only CRs and LFs for the empty
     * header and dropped it unreported: the reject set's MISSING_COLON_VALUE passed the message, and a rebuild wrote
     * the From after it into the header of every reader. It is now a line without a colon, as mime4j reports it.
     */
    @Test
    void aLineOfCrCrLfIsALineWithoutAColon() {
        String message = "From: attacker@evil.example\r\nX: y\r\n\r\r\nFrom: ceo@victim.example\r\n" + REST
                + "\r\nHello.\r\n";
        ConformanceOutcome outcome = new ConformancePolicy(Set.of(ConformanceIssue.MISSING_COLON_VALUE), Set.of(),
                SETTINGS).apply(message.getBytes(StandardCharsets.US_ASCII));
        assertThat(outcome.report().issues()).contains(ConformanceIssue.MISSING_COLON_VALUE);
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Rejected.class);
        // the same in a part's header, where an empty header (the blank line alone) is still no issue
        String part = "From: a@example.com\r\n" + REST + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n"
                + "--b1\r\n\r\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n--b1\r\n\r\nplain\r\n--b1--\r\n";
        assertThat(new ConformanceChecker().check(part.getBytes(StandardCharsets.US_ASCII)).issues())
                .contains(ConformanceIssue.MISSING_COLON_VALUE);
        String headerless = part.replace("\r\r\nContent-Type: text/html\r\n", "\r\n");
        assertThat(new ConformanceChecker().check(headerless.getBytes(StandardCharsets.US_ASCII)).issues())
                .doesNotContain(ConformanceIssue.MISSING_COLON_VALUE);
    }

    /**
     * An attached message with 8-bit octets is kept whole and labelled 8bit (RFC 2046 §5.2.1); the multipart around
     * it lost its Content-Transfer-Encoding in the rebuild and so declared 7bit (RFC 2045 §6.4: a composite entity
     * is labelled with the widest encoding of what it holds) over 8-bit content.
     */
    @Test
    void aMultipartHoldingAnEightBitPartIsLabelledEightBit() {
        String message = "From: a@example.com\r\n" + REST + "Content-Type: multipart/mixed; boundary=b1\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n--b1\r\nContent-Type: message/rfc822\r\n\r\n"
                + "From: x@example.org\r\nSubject: caf\u00e9\r\n\r\nhi\r\n--b1\r\n\r\n" + "y".repeat(100)
                + "\r\n--b1--\r\n";
        ConformanceOutcome.Repaired repaired = fix(message.getBytes(StandardCharsets.ISO_8859_1), SETTINGS);
        assertThat(repaired.rebuilt()).isTrue();
        MimeNode root = MimeTree.parse(repaired.message(), ConformanceLimits.DEFAULT).root();
        assertThat(root.multipart).isTrue();
        assertThat(root.transferEncoding).isEqualTo("8bit");
        assertThat(root.children.get(0).transferEncoding).isEqualTo("8bit");
        assertThat(root.children.get(1).transferEncoding).isEqualTo("quoted-printable");
    }

    @Test
    void splitAndTheAngleAddressSkipQuotesCommentsAndAngles() {
        assertThat(HeaderText.split("a <b,c>, d (x,\\)y), \"e,\\\"f\", g", ','))
                .containsExactly("a <b,c>", " d (x,\\)y)", " \"e,\\\"f\"", " g");
        assertThat(HeaderText.split(",".repeat(2 * HeaderText.MAX_ITEMS), ',')).hasSize(HeaderText.MAX_ITEMS + 1);
        assertThat(HeaderText.angleAddrStart("\"<q>\" (<c>) <a@b> (<d>)")).isEqualTo(12);
        assertThat(HeaderText.angleAddrStart("\"<q> (<c>)")).isEqualTo(-1);
    }

    /** {@code pads} header fields, then a line without a colon, then the rest of a message. */
    private static byte[] padded(int pads) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < pads; i++) {
            m.append("X-Pad: ").append(i).append("\r\n");
        }
        m.append("no colon here\r\nFrom: ceo@victim.example\r\n").append(REST).append("\r\nHello.\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
