package dev.authpack.dkim;

import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.authpack.dkim.TestSignatures.ED25519;
import static dev.authpack.dkim.TestSignatures.MESSAGE;
import static dev.authpack.dkim.TestSignatures.RSA_1024;
import static dev.authpack.dkim.TestSignatures.bytes;
import static dev.authpack.dkim.TestSignatures.sign;
import static dev.authpack.dkim.TestSignatures.tags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DkimVerifier#prefetchKeys}: the early start on the header section asks the key names the verification of
 * the whole message will ask, and nothing else is done; {@link DkimVerifier#verify(RawMessage, DkimPrefetch)} takes
 * over the parse of each field whose octets are the same, and gives exactly the report of a plain verification.
 */
class DkimPrefetchTest {
    private static final long NOW = 1_700_000_000L;
    private static final DkimVerifyOptions AT_NOW = DkimVerifyOptions.defaults()
            .withClock(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    private static final String RECEIVED = "Received: from a.example by mx.example with ESMTP;\r\n"
            + "          Sun, 6 Dec 2026 13:00:00 +0000\r\n";

    private static Map<String, String> signer(String selector, String... extra) {
        Map<String, String> tags = tags("v", "1", "a", "ed25519-sha256", "c", "relaxed/relaxed", "d", "example.com",
                "s", selector, "h", "from:to:subject");
        for (int i = 0; i < extra.length; i += 2) {
            tags.put(extra[i], extra[i + 1]);
        }
        return tags;
    }

    private static TxtResolver keys(int selectors) {
        TxtResolver dns = new TxtResolver();
        for (int i = 0; i < selectors; i++) {
            dns.add("s" + i + "._domainkey.example.com", TestSignatures.ed25519Record());
        }
        return dns;
    }

    private static byte[] header(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** {@code field} (with its CRLF) added as the last field of the header section of {@code message}. */
    private static String atTheBottom(String message, String field) {
        int end = message.indexOf("\r\n\r\n") + 2;
        return message.substring(0, end) + field + message.substring(end);
    }

    private static DkimReport plain(byte[] message, TxtResolver answers) throws Exception {
        return new DkimVerifier(answers, AT_NOW).verify(message).get(10, TimeUnit.SECONDS);
    }

    /** A message of four signatures: an unreadable one, two to verify (two key names), an rsa-sha1 one. */
    private static byte[] fourSignatures() {
        byte[] m = sign(bytes(MESSAGE), signer("s0"), ED25519);
        Map<String, String> sha1 = signer("s5");
        sha1.put("a", "rsa-sha1");
        m = sign(m, sha1, RSA_1024);
        m = sign(m, signer("s1"), ED25519);
        return text("DKIM-Signature: v=1; a=garbage\r\n" + string(m));
    }

    @Test
    void theEarlyStartAsksTheKeyNamesOnlyAndVerifiesNothing() throws Exception {
        TxtResolver dns = keys(2);
        DkimVerifier verifier = new DkimVerifier(dns, AT_NOW);
        DkimPrefetch early = verifier.prefetchKeys(RawMessage.parse(header(fourSignatures())));
        early.lookups().get(10, TimeUnit.SECONDS);
        // the names of the two signatures to verify, in field order: not rsa-sha1's (refused before DNS)
        assertThat(dns.asked()).containsExactly("s1._domainkey.example.com", "s0._domainkey.example.com");
        assertThat(early.keyNames()).containsExactly("s1._domainkey.example.com", "s0._domainkey.example.com");
        // the answers are in, and no key record was decoded: no signature was checked (the plain verification
        // of the same header section decodes the key of each signature it checks)
        assertThat(verifier.cachedKeys()).isZero();
        DkimVerifier other = new DkimVerifier(dns, AT_NOW);
        other.verify(header(fourSignatures())).get(10, TimeUnit.SECONDS);
        assertThat(other.cachedKeys()).isEqualTo(1);
    }

    @Test
    void theEarlyStartAsksExactlyTheNamesTheVerificationAsksUnderTheCapAndKeepsABoundedNumberOfParses()
            throws Exception {
        // an expired signature, an unreadable one, then 14 to verify with names of their own: the cap (10) decides
        byte[] m = bytes(MESSAGE);
        for (int i = 13; i >= 0; i--) {
            m = sign(m, signer("s" + i), ED25519);
        }
        m = sign(m, signer("s20", "t", String.valueOf(NOW - 2000), "x", String.valueOf(NOW - 1000)), ED25519);
        m = text("DKIM-Signature: v=1; d=example.com; s=s21; a=rsa-sha256\r\n" + string(m));
        for (int max : List.of(1, 3, DkimVerifyOptions.DEFAULT_MAX_SIGNATURES, 16)) {
            DkimVerifyOptions options = AT_NOW.withMaxSignatures(max);
            TxtResolver plainDns = keys(14);
            new DkimVerifier(plainDns, options).verify(m).get(10, TimeUnit.SECONDS);
            TxtResolver earlyDns = keys(14);
            DkimPrefetch early = new DkimVerifier(earlyDns, options).prefetchKeys(RawMessage.parse(header(m)));
            early.lookups().get(10, TimeUnit.SECONDS);
            assertThat(earlyDns.asked()).as("max " + max).isEqualTo(plainDns.asked());
            assertThat(earlyDns.asked()).as("max " + max).hasSize(Math.min(max, 14));
            assertThat(early.parsesKept()).as("max " + max).isEqualTo(Math.min(max, 16));
        }
    }

    @Test
    void theVerificationTakesOverTheParseOfEachFieldWithTheSameOctetsAndGivesThePlainReport() throws Exception {
        TxtResolver answers = keys(2);
        byte[] m = fourSignatures();
        byte[] stored = text(RECEIVED + string(m));
        DkimVerifier verifier = new DkimVerifier(answers, AT_NOW);
        DkimPrefetch early = verifier.prefetchKeys(RawMessage.parse(header(m)));
        DkimReport report = verifier.verify(RawMessage.parse(stored), early).get(10, TimeUnit.SECONDS);
        // all four fields taken over, the unreadable one too; each result names the field's place in the final
        // message (James' Received on top)
        assertThat(early.reusedParses()).isEqualTo(4);
        assertThat(report).isEqualTo(plain(stored, answers));
        assertThat(report.results()).extracting(DkimResult::fieldIndex).containsExactly(1, 2, 3, 4);
        assertThat(report.results()).extracting(r -> r.status().word())
                .containsExactly("permerror", "pass", "policy", "pass");
    }

    /** Verifies {@code finalMessage} after the early start on {@code collected}: the plain report, always. */
    private static DkimPrefetch after(byte[] collected, byte[] finalMessage, TxtResolver answers, String id)
            throws Exception {
        DkimVerifier verifier = new DkimVerifier(answers, AT_NOW);
        DkimPrefetch early;
        try {
            early = verifier.prefetchKeys(RawMessage.parse(collected));
        } catch (dev.authpack.mail.MessageParseException e) {
            early = DkimPrefetch.NONE;
        }
        DkimReport report = verifier.verify(RawMessage.parse(finalMessage), early).get(10, TimeUnit.SECONDS);
        assertThat(report).as(id).isEqualTo(plain(finalMessage, answers));
        return early;
    }

    @Test
    void aFieldThatDiffersInAnyOctetIsParsedAnew() throws Exception {
        TxtResolver answers = keys(3);
        byte[] m = fourSignatures();
        byte[] collected = header(m);
        String s = string(m);
        String s1 = s.substring(s.indexOf("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com;"
                + " s=s1;"), s.indexOf("DKIM-Signature:", s.indexOf("s=s1;")));
        assertThat(s1).endsWith("\r\n");

        // one octet of a signature changed: that signature fails on its own octets, the others are taken over
        DkimPrefetch changed = after(collected, text(RECEIVED + s.replace("s=s1;", "s=s2;")), answers,
                "s= changed");
        assertThat(changed.reusedParses()).isEqualTo(3);
        DkimPrefetch b = after(collected, text(s.replace(s1, s1.replace("b=", "b=A"))), answers, "b= changed");
        assertThat(b.reusedParses()).isEqualTo(3);
        DkimPrefetch folded = after(collected, text(s.replace(s1, s1.replace("; s=s1;", ";\r\n s=s1;"))), answers,
                "folded anew");
        assertThat(folded.reusedParses()).isEqualTo(3);
        DkimPrefetch fixed = after(collected, text(s.replace("a=garbage", "a=rsa-sha256")), answers,
                "the unreadable one changed");
        assertThat(fixed.reusedParses()).isEqualTo(3);
        // the field name's case is part of the octets: the same value under "dkim-signature" is parsed anew
        after(collected, text(s.replace("DKIM-Signature: v=1; a=garbage", "dkim-signature: v=1; a=garbage")),
                answers, "the name's case changed");

        // added, removed, reordered: the plain report, whatever is taken over
        after(collected, text(string(sign(m, signer("s2"), ED25519))), answers, "a signature added on top");
        after(collected, text(RECEIVED + s1 + s), answers, "a copy of one on top");
        after(collected, text(atTheBottom(s, s1)), answers, "a copy of one below");
        after(collected, text(s.replace(s1, "")), answers, "one removed");
        after(collected, text(s.replace("DKIM-Signature: v=1; a=garbage\r\n", "")), answers,
                "the unreadable one removed");
        after(collected, text(atTheBottom(s.replace(s1, ""), s1)), answers,
                "one moved to the bottom");
        DkimPrefetch other = after(header(sign(bytes(MESSAGE), signer("s2"), ED25519)), m, answers,
                "the header section of another message");
        assertThat(other.reusedParses()).isZero();
        after(text("To: x\r\n\r\n"), m, answers, "no signature early");
        after(text(" continued\r\n\r\n"), m, answers, "an early header section that does not parse");
    }

    @Test
    void signaturesPastTheCapAreParsedAtTheEndAndTheParsesKeptAreBoundedByIt() throws Exception {
        TxtResolver answers = keys(14);
        byte[] m = bytes(MESSAGE);
        for (int i = 13; i >= 0; i--) {
            m = sign(m, signer("s" + i), ED25519);
        }
        DkimPrefetch early = after(header(m), text(RECEIVED + string(m)), answers, "14 signatures");
        assertThat(early.parsesKept()).isEqualTo(DkimVerifyOptions.DEFAULT_MAX_SIGNATURES);
        assertThat(early.reusedParses()).isEqualTo(DkimVerifyOptions.DEFAULT_MAX_SIGNATURES);
        DkimReport report = plain(m, answers);
        assertThat(report.results().subList(0, 10)).allMatch(DkimResult::passed);
        assertThat(report.results().subList(10, 14)).allMatch(DkimResult::notVerified);
    }

    @Test
    void noEarlyStartAsksNothingAndTakesNothingOver() throws Exception {
        assertThat(DkimPrefetch.NONE.lookups()).isDone();
        assertThat(DkimPrefetch.NONE.keyNames()).isEmpty();
        assertThat(DkimPrefetch.NONE.parsesKept()).isZero();
        TxtResolver answers = keys(2);
        byte[] m = fourSignatures();
        assertThat(new DkimVerifier(answers, AT_NOW).verify(RawMessage.parse(m), null).get(10, TimeUnit.SECONDS))
                .isEqualTo(plain(m, answers));
        assertThat(DkimPrefetch.NONE.reusedParses()).isZero();
    }
}
