package dev.authpack.conformance;

import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dns.ZoneFileResolver;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.authpack.conformance.ConformanceCheckerTest.CLEAN;
import static dev.authpack.conformance.ConformanceCheckerTest.TOP;
import static dev.authpack.conformance.ConformanceCheckerTest.bytes;
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

class ConformancePolicyTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_796_000_000L), ZoneOffset.UTC);
    private static final FixSettings SETTINGS = FixSettings.of("mx.example.org").withClock(CLOCK);
    private static final Set<ConformanceIssue> ALL = EnumSet.allOf(ConformanceIssue.class);

    private static ConformanceOutcome apply(Set<ConformanceIssue> checks, Set<ConformanceIssue> fixes, String message) {
        return new ConformancePolicy(checks, fixes, SETTINGS).apply(bytes(message));
    }

    private static ConformanceOutcome.Repaired repaired(ConformanceOutcome outcome) {
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Repaired.class);
        return (ConformanceOutcome.Repaired) outcome;
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.ISO_8859_1);
    }

    @Test
    void checksRejectWithKumoMtaWordingUnlessAlsoFixed() {
        String message = CLEAN.replace("Subject: hi", "Subject : hi").replace("Hello.", "x".repeat(90));
        ConformanceOutcome outcome = apply(ALL, Set.of(), message);
        assertThat(outcome).isInstanceOf(ConformanceOutcome.Rejected.class);
        assertThat(((ConformanceOutcome.Rejected) outcome).reason())
                .isEqualTo("Message has conformance issues: LINE_TOO_LONG, NAME_ENDS_WITH_SPACE");
        ConformanceOutcome fixedInstead = apply(ALL, Set.of(NAME_ENDS_WITH_SPACE), message);
        assertThat(((ConformanceOutcome.Rejected) fixedInstead).issues()).containsExactly(LINE_TOO_LONG);
        assertThat(apply(Set.of(MISSING_COLON_VALUE), Set.of(), message)).isInstanceOf(ConformanceOutcome.Passed.class);
        assertThat(apply(ALL, ALL, CLEAN)).isInstanceOf(ConformanceOutcome.Passed.class);
    }

    @Test
    void missingHeadersOnlyAreAddedOnTopAndNothingElseChanges() {
        String message = CLEAN.replace("Date: Sun, 6 Dec 2026 03:00:00 +0000\r\n", "")
                .replace("Message-ID: <1@example.com>\r\n", "").replace("MIME-Version: 1.0\r\n", "")
                .replace("Hello.", "x".repeat(100)); // a long line that is not in the fixes stays
        ConformanceOutcome.Repaired out = repaired(apply(Set.of(), ALL.stream()
                .filter(ConformanceIssue::isMissingHeader).collect(java.util.stream.Collectors.toSet()), message));
        assertThat(out.rebuilt()).isFalse();
        String fixed = text(out.message());
        assertThat(fixed).matches("(?s)Date: Mon, 30 Nov 2026 00:53:20 \\+0000\r\n"
                + "Message-ID: <[0-9a-f]{32}@mx\\.example\\.org>\r\nMIME-Version: 1\\.0\r\n.*");
        assertThat(fixed.substring(fixed.indexOf("From:"))).isEqualTo(message);
        assertThat(out.remaining()).isEmpty();
        assertThat(new ConformanceChecker().check(out.message()).issues()).containsExactly(LINE_TOO_LONG);
    }

    @Test
    void unparseableFieldsAreReplacedAndLfMessagesGetLfFields() {
        String message = CLEAN.replace("Sun, 6 Dec 2026 03:00:00 +0000", "not a date").replace("\r\n", "\n");
        ConformanceOutcome.Repaired out = repaired(apply(Set.of(), Set.of(MISSING_DATE_HEADER), message));
        String fixed = text(out.message());
        assertThat(fixed).startsWith("Date: Mon, 30 Nov 2026 00:53:20 +0000\n").doesNotContain("not a date").doesNotContain("\r");
        assertThat(fixed.substring(fixed.indexOf('\n') + 1)).isEqualTo(message.replace("Date: not a date\n", ""));
    }

    /**
     * Review s17 (L2): a message whose first line ends with a bare LF and later lines with CRLF gets fields ending
     * with CRLF, parsed or not: with a bare LF, a reader that knows only CRLF would run them on into the message's
     * first line. Only a message with bare LFs and no CRLF gets bare LFs (above).
     */
    @Test
    void aMixedMessageGetsFieldsEndingWithCrlf() {
        String mixed = CLEAN.replace("Date: Sun, 6 Dec 2026 03:00:00 +0000\r\n", "").replaceFirst("\r\n", "\n");
        String unparseable = mixed.replace("Subject: hi", "Subject: hi\r\nno colon");
        for (String message : List.of(mixed, unparseable)) {
            String fixed = text(repaired(apply(Set.of(), Set.of(MISSING_DATE_HEADER), message)).message());
            assertThat(fixed).as(message).isEqualTo("Date: Mon, 30 Nov 2026 00:53:20 +0000\r\n" + message);
        }
    }

    @Test
    void addingAMessageIdKeepsADkimSignatureValid() throws Exception {
        DkimSigningKey key = DkimKeys.ed25519(new byte[32]);
        String unsigned = CLEAN.replace("Message-ID: <1@example.com>\r\n", "");
        byte[] signed = new DkimSigner(key, DkimSignOptions.of("example.com", "sel").withClock(CLOCK))
                .sign(bytes(unsigned));
        ConformanceOutcome.Repaired out = repaired(new ConformancePolicy(Set.of(),
                Set.of(MISSING_MESSAGE_ID_HEADER), SETTINGS).apply(signed));
        assertThat(text(out.message())).startsWith("Message-ID: <");
        DkimVerifier verifier = new DkimVerifier(ZoneFileResolver.fromText(
                "sel._domainkey.example.com. 300 IN TXT \"" + key.publicKeyRecord() + "\""),
                dev.authpack.dkim.DkimVerifyOptions.defaults().withClock(CLOCK));
        DkimReport report = verifier.verify(out.message()).get(10, TimeUnit.SECONDS);
        assertThat(report.anyPass()).as(report.toString()).isTrue();
        DkimReport broken = verifier.verify(bytes(text(out.message()).replace("Hello.", "Hullo."))).get(10,
                TimeUnit.SECONDS);
        assertThat(broken.anyPass()).as("the verifier does check").isFalse();
    }

    @Test
    void rebuildRepairsLineEndingsNamesAndLongLinesAndLosesNothing() {
        String body = "line one\nline two " + "word ".repeat(40) + "\n";
        String message = (CLEAN.replace("Subject: hi", "Subject : hi\r\nX-Broken") .replace("Hello.\r\n", body))
                .replace("\r\n", "\n");
        ConformanceOutcome.Repaired out = repaired(apply(Set.of(), ALL, message));
        assertThat(out.rebuilt()).isTrue();
        assertThat(out.fixed()).containsExactlyInAnyOrder(NON_CANONICAL_LINE_ENDINGS, NAME_ENDS_WITH_SPACE,
                MISSING_COLON_VALUE, LINE_TOO_LONG);
        assertThat(out.remaining()).isEmpty();
        assertThat(new ConformanceChecker().check(out.message()).issues()).isEmpty();
        String fixed = text(out.message());
        assertThat(fixed).contains("\r\nSubject: hi\r\n").doesNotContain("X-Broken")
                .contains("Content-Transfer-Encoding: quoted-printable").contains("Date: Sun, 6 Dec 2026");
        assertThat(leaves(out.message()).get(0)).isEqualTo(bytes(body.replace("\n", "\r\n")));
    }

    /**
     * Review s20: a part with no header fields (RFC 2046 §5.1) passes a reject set holding MISSING_COLON_VALUE, and a
     * rebuild keeps it headerless (no fix to make or report for it) while repairing the rest.
     */
    @Test
    void aHeaderlessPartPassesTheChecksAndARebuildKeepsIt() {
        String message = ConformanceCheckerTest.multipart("", "headerless body");
        assertThat(apply(ALL, Set.of(), message)).isInstanceOf(ConformanceOutcome.Passed.class);
        ConformanceOutcome.Repaired out = repaired(apply(ALL, ALL, message.replace("\r\n", "\n")));
        assertThat(out.rebuilt()).isTrue();
        assertThat(out.fixed()).containsExactly(NON_CANONICAL_LINE_ENDINGS);
        assertThat(out.remaining()).isEmpty();
        assertThat(new ConformanceChecker().check(out.message()).issues()).isEmpty();
        assertThat(text(out.message())).contains("\r\n--b1\r\n\r\nheaderless body\r\n--b1--\r\n");
    }

    @Test
    void eightBitTextWithAUsableCharsetKeepsItsOctetsAndLabel() {
        String message = CLEAN.replace("us-ascii", "iso-8859-1").replace("Hello.", "H\u00e9llo \u00e0 tous, mostly ASCII text here.");
        ConformanceOutcome.Repaired out = repaired(apply(Set.of(), Set.of(NEEDS_TRANSFER_ENCODING), message));
        assertThat(out.remaining()).isEmpty();
        assertThat(text(out.message())).contains("charset=iso-8859-1").contains("H=E9llo =E0 tous, mostly ASCII text here=2E\r\n");
        assertThat(leaves(out.message()).get(0)).isEqualTo(bytes("H\u00e9llo \u00e0 tous, mostly ASCII text here.\r\n"));
    }

    @Test
    void unlabelledEightBitIsLossyUtf8WithoutDetectionAndDetectedWithIt() {
        Charset cp1251 = Charset.forName("windows-1251");
        String russian = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!";
        String header = "From: a@example.com\r\nSubject: ";
        byte[] message = concat(bytes(header), russian.getBytes(cp1251), bytes("\r\nDate: Sun, 6 Dec 2026 03:00:00 "
                + "+0000\r\nMessage-ID: <1@example.com>\r\n\r\n"), russian.getBytes(cp1251), bytes("\r\n"));
        ConformancePolicy lossy = new ConformancePolicy(Set.of(), ALL, SETTINGS);
        ConformanceOutcome.Repaired plain = repaired(lossy.apply(message));
        assertThat(new String(leaves(plain.message()).get(0), StandardCharsets.UTF_8)).contains("\ufffd")
                .doesNotContain(russian);
        assertThat(text(plain.message())).contains("charset=utf-8").contains("MIME-Version: 1.0");

        CharsetGuesser guesser = text -> Optional.of(cp1251);
        ConformanceOutcome.Repaired detected = repaired(new ConformancePolicy(Set.of(), ALL,
                SETTINGS.withGuesser(guesser)).apply(message));
        assertThat(new String(leaves(detected.message()).get(0), StandardCharsets.UTF_8)).isEqualTo(russian + "\r\n");
        assertThat(text(detected.message())).contains("Subject: =?UTF-8?");
        assertThat(decodedSubject(detected.message())).isEqualTo(russian);
        assertThat(new ConformanceChecker().check(detected.message()).issues()).isEmpty();
    }

    @Test
    void theDetectorRepairsAnUnlabelledWindows1251Message() {
        Charset cp1251 = Charset.forName("windows-1251");
        String russian = "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435! "
                + "\u042d\u0442\u043e \u043f\u0438\u0441\u044c\u043c\u043e \u043d\u0430\u043f\u0438\u0441\u0430\u043d\u043e "
                + "\u043f\u043e-\u0440\u0443\u0441\u0441\u043a\u0438, \u0431\u0435\u0437 \u0443\u043a\u0430\u0437\u0430\u043d\u0438\u044f "
                + "\u043a\u043e\u0434\u0438\u0440\u043e\u0432\u043a\u0438.";
        byte[] message = concat(bytes("From: a@example.com\nSubject: test\n\n"), russian.getBytes(cp1251),
                bytes("\n"));
        ConformanceOutcome.Repaired out = repaired(new ConformancePolicy(Set.of(), ALL,
                SETTINGS.withGuesser(DetectorGuesser.of(Set.of("windows-1251", "koi8-r", "utf-8", "iso-8859-5"),
                        Set.of("koi8-r")))).apply(message));
        assertThat(new String(leaves(out.message()).get(0), StandardCharsets.UTF_8)).isEqualTo(russian + "\r\n");
        assertThat(out.remaining()).isEmpty();
        assertThatThrownBy(() -> DetectorGuesser.of(Set.of("klingon"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windows-1251");
    }

    @Test
    void aDeclaredCharsetTheJdkLacksIsUsable() {
        String message = CLEAN.replace("us-ascii", "iso-8859-10").replace("Hello.", "\u00e6\u00f0 text");
        ConformanceOutcome.Repaired out = repaired(apply(Set.of(), Set.of(NEEDS_TRANSFER_ENCODING), message));
        assertThat(text(out.message())).contains("charset=iso-8859-10").doesNotContain("utf-8");
        assertThat(leaves(out.message()).get(0)).isEqualTo(bytes("\u00e6\u00f0 text\r\n"));
    }

    @Test
    void attachmentsAreByteIdenticalAfterDecoding() {
        byte[] binary = new byte[3000];
        new Random(1).nextBytes(binary);
        String message = TOP + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\nThis is MIME.\r\n--outer\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + new String("Gr\u00fc\u00dfe".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                + "\r\n--outer\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
                + "filename=\"a.bin\"\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                + new String(binary, StandardCharsets.ISO_8859_1) + "\r\n--outer\r\n"
                + "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\n"
                + "iVBORw0KGgo=\n--outer--\r\n";
        ConformanceOutcome.Repaired out = repaired(apply(Set.of(), ALL, message));
        assertThat(out.rebuilt()).isTrue();
        assertThat(out.remaining()).isEmpty();
        List<byte[]> leaves = leaves(out.message());
        assertThat(leaves).hasSize(3);
        assertThat(new String(leaves.get(0), StandardCharsets.UTF_8)).isEqualTo("Gr\u00fc\u00dfe");
        assertThat(leaves.get(1)).isEqualTo(binary);
        assertThat(leaves.get(2)).isEqualTo(java.util.Base64.getDecoder().decode("iVBORw0KGgo="));
        assertThat(text(out.message())).contains("boundary=\"outer\"").contains("filename=\"a.bin\"")
                .contains("This is MIME.");
    }

    @Test
    void aTreeBeyondTheLimitsIsNotRebuiltOnlyGivenItsFields() {
        StringBuilder parts = new StringBuilder(TOP.replace("Message-ID: <1@example.com>\r\n", "")
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 5; i++) {
            parts.append("--b\nContent-Type: text/plain\r\n\r\npart\r\n");
        }
        parts.append("--b--\r\n");
        ConformancePolicy policy = new ConformancePolicy(Set.of(), ALL, SETTINGS,
                new ConformanceLimits(4, 5, 100, 10_000));
        ConformanceOutcome.Repaired out = repaired(policy.apply(bytes(parts.toString())));
        assertThat(out.rebuilt()).isFalse();
        assertThat(out.remaining()).containsExactly(NON_CANONICAL_LINE_ENDINGS);
        assertThat(text(out.message())).startsWith("Message-ID: <").endsWith(parts.toString());
    }

    @Test
    void neverThrowsAndNeverLosesTheMessage() {
        Random random = new Random(88);
        ConformancePolicy policy = new ConformancePolicy(Set.of(), ALL, SETTINGS);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[random.nextInt(600)];
            random.nextBytes(junk);
            byte[] message = i % 2 == 0 ? junk : concat(bytes("Content-Type: multipart/alternative; boundary=q\n\n"
                    + "--q\nContent-Type: text/html\n\n"), junk, bytes("\n--q--\n"));
            ConformanceOutcome outcome = policy.apply(message);
            assertThat(outcome).isNotNull();
            if (outcome instanceof ConformanceOutcome.Repaired r) {
                assertThat(r.message()).isNotEmpty();
            }
        }
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> FixSettings.of("bad id")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mx.example.org");
        assertThatThrownBy(() -> FixSettings.of("a".repeat(254))).isInstanceOf(IllegalArgumentException.class);
        assertThat(FixSettings.of("mx.example.org").newMessageId()).matches("<[0-9a-f]{32}@mx\\.example\\.org>");
    }

    /** The transfer-decoded content of each leaf, parsed back with mime4j. */
    static List<byte[]> leaves(byte[] message) {
        List<byte[]> out = new ArrayList<>();
        try {
            MimeTokenStream stream = new MimeTokenStream(MimeConfig.PERMISSIVE, DecodeMonitor.SILENT, null);
            stream.parse(new ByteArrayInputStream(message));
            for (EntityState s = stream.getState(); s != EntityState.T_END_OF_STREAM; s = stream.next()) {
                if (s == EntityState.T_BODY) {
                    out.add(stream.getDecodedInputStream().readAllBytes());
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static String decodedSubject(byte[] message) {
        String text = text(message);
        int start = text.indexOf("Subject: ") + 9;
        int end = text.indexOf("\r\n", start);
        while (text.startsWith(" ", end + 2) || text.startsWith("\t", end + 2)) {
            end = text.indexOf("\r\n", end + 2);
        }
        return org.apache.james.mime4j.codec.DecoderUtil.decodeEncodedWords(
                text.substring(start, end).replace("\r\n", ""), DecodeMonitor.SILENT);
    }

    static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
