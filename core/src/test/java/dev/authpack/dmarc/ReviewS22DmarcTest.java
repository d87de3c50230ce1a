package dev.authpack.dmarc;

import static dev.authpack.dmarc.DmarcFailClosedTest.assertEachNamesTheVictimAndIsRejected;
import static dev.authpack.dmarc.DmarcFailClosedTest.assertRejected;
import static dev.authpack.dmarc.DmarcFailClosedTest.from;
import static org.assertj.core.api.Assertions.assertThat;

import static dev.authpack.dmarc.DmarcTesting.dmarc;
import static dev.authpack.dmarc.DmarcTesting.host;
import static dev.authpack.dmarc.DmarcTesting.zone;

import dev.authpack.arc.ArcFixtures;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.TestSignatures;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Session 22's attacker's review of DMARC evaluation: each case is a From value a mail client shows as an address
 * at {@code victim.example} (p=reject), sent by an attacker whose own domain passes SPF.
 */
class ReviewS22DmarcTest {

    @Nested
    class IdeographicFullStops {
        /**
         * IDNA (RFC 3490 §3.1) reads U+3002, U+FF0E and U+FF61 as label separators, so {@code victim.example。} is
         * {@code victim.example.}, the fully qualified name. The best-effort reading trimmed only an ASCII dot at
         * either end: the name was refused, no author domain was left, and the result was a permerror asking for no
         * disposition.
         */
        @Test
        void anIdeographicFullStopAtEitherEndIsTheDotOfAFullyQualifiedName() {
            assertEachNamesTheVictimAndIsRejected(List.of("ceo@victim.example\u3002", "ceo@victim.example\uFF61",
                    "ceo@victim.example\uFF0E", "ceo@\u3002victim.example", "CEO <ceo@victim.example\u3002>",
                    "ceo@victim\u3002example\u3002", "ceo@victim.example.\u3002-", "ceo@x-\u3002victim.example"));
        }

        /** Session 23: an empty label inside is dropped as a reader drops it ({@link ReviewS23DmarcTest}). */
        @Test
        void twoSeparatorsInsideTheNameAreReadAsOne() {
            assertEachNamesTheVictimAndIsRejected(List.of("ceo@victim\u3002\u3002example"));
        }
    }

    @Nested
    class FromFieldsOutsideTheSignature {
        private static final DkimSigningKey KEY = ArcFixtures.rsaKey();
        private static final String NEWSLETTER = "From: News <news@victim.example>\r\nTo: x@attacker.example\r\n"
                + "Subject: Our newsletter\r\nDate: Sun, 1 Mar 2026 11:59:00 +0000\r\n\r\nHello\r\n";

        private ZoneFileResolver dns() {
            return zone(dmarc("victim.example", "v=DMARC1; p=reject"), host("victim.example"),
                    "s1._domainkey.victim.example. TXT \"" + KEY.publicKeyRecord() + "\"",
                    "once._domainkey.victim.example. TXT \"" + String.join("\" \"", TestSignatures.rsaRecord(
                            TestSignatures.RSA_2048).split("(?<=\\G.{200})")) + "\"");
        }

        private DmarcResult evaluate(byte[] message) throws Exception {
            ZoneFileResolver dns = dns();
            RawMessage parsed = RawMessage.parse(message);
            DkimReport dkim = new DkimVerifier(dns).verify(parsed).join();
            return new DmarcEvaluator(dns).evaluate(parsed, DmarcTesting.noSpf(), Optional.of(dkim)).join();
        }

        /**
         * Victim.example signs with h=from once (most signers do not over-sign From; our DkimSigner always does, so
         * the signature is made by hand). The attacker replays one of its messages with {@code From: CEO
         * <ceo@victim.example>} added on top, the one a client shows: the signature still verifies (it signs the
         * bottom-most From, RFC 6376 §5.4.2) and was taken as authenticating victim.example for both From fields,
         * so DMARC passed for an author the signer never wrote.
         */
        @Test
        void aDkimPassAuthenticatesTheAuthorOnlyIfItSignsEveryFromField() throws Exception {
            byte[] signed = TestSignatures.sign(NEWSLETTER.getBytes(StandardCharsets.UTF_8), TestSignatures.tags("v",
                    "1", "a", "rsa-sha256", "c", "relaxed/relaxed", "d", "victim.example", "s", "once", "h",
                    "from:to:subject:date"), TestSignatures.RSA_2048);
            assertThat(evaluate(signed).status()).isEqualTo(DmarcStatus.PASS);

            String s = new String(signed, StandardCharsets.UTF_8);
            int from = s.indexOf("From: News");
            byte[] replayed = (s.substring(0, from) + "From: CEO <ceo@victim.example>\r\n" + s.substring(from))
                    .getBytes(StandardCharsets.UTF_8);
            DmarcResult r = evaluate(replayed);
            assertThat(r.status()).as(r.toString()).isEqualTo(DmarcStatus.FAIL);
            assertRejected(r);
            // the one rule lives in DKIM (SignedHeaders.unsignedInstance): the signature is policy, no pass for DMARC
            DkimReport dkim = new DkimVerifier(dns()).verify(RawMessage.parse(replayed)).join();
            assertThat(dkim.results()).singleElement().satisfies(d -> assertThat(d.reason())
                    .isEqualTo("signature verified, but it does not sign every From field (h= signs 1 of the message's"
                            + " 2)"));
            assertThat(dkim.passes()).isEmpty();
        }

        /**
         * A From field only some readers see (after a lone CR in an added field, which a client may split into a
         * field of its own) is signed by no signature, however many times its h= names From: the over-signed
         * {@code h=from:from} of a message with one From field counted it as signed.
         */
        @Test
        void aFromFieldOnlySomeReadersSeeIsSignedByNoSignature() throws Exception {
            byte[] signed = new DkimSigner(KEY, DkimSignOptions.of("victim.example", "s1")).sign(
                    NEWSLETTER.getBytes(StandardCharsets.UTF_8));
            String s = new String(signed, StandardCharsets.UTF_8);
            byte[] replayed = ("X-Note: x\rFrom: CEO <ceo@victim.example>\r\n" + s).getBytes(StandardCharsets.UTF_8);
            DmarcResult r = evaluate(replayed);
            assertThat(r.status()).as(r.toString()).isNotEqualTo(DmarcStatus.PASS);
            assertRejected(r);
        }

        @Test
        void aSignatureOverEveryFromFieldStillCounts() throws Exception {
            String two = "From: CEO <ceo@victim.example>\r\n" + NEWSLETTER;
            byte[] signed = new DkimSigner(KEY, DkimSignOptions.of("victim.example", "s1")
                    .withSignedHeaders(List.of("from", "from", "to", "subject", "date"))).sign(two.getBytes(
                    StandardCharsets.UTF_8));
            DmarcResult r = evaluate(signed);
            assertThat(r.status()).as(r.toString()).isEqualTo(DmarcStatus.PASS);
        }

        @Test
        void aSignatureThatOverSignsFromStillPassesWithOneFromField() throws Exception {
            byte[] signed = new DkimSigner(KEY, DkimSignOptions.of("victim.example", "s1")).sign(
                    NEWSLETTER.getBytes(StandardCharsets.UTF_8));
            assertThat(evaluate(signed).status()).isEqualTo(DmarcStatus.PASS);
        }
    }
}
