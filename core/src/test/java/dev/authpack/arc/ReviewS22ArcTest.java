package dev.authpack.arc;

import static dev.authpack.arc.ArcFixtures.MESSAGE;
import static dev.authpack.arc.ArcFixtures.dns;
import static dev.authpack.arc.ArcFixtures.listSealer;
import static dev.authpack.arc.ArcFixtures.parse;
import static dev.authpack.arc.ArcFixtures.sealValidated;
import static dev.authpack.arc.ArcFixtures.text;
import static dev.authpack.arc.ArcFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.check.DmarcOverride;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.sign.SignSettings;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.mail.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Session 22's attacker's review of ARC sealing. */
class ReviewS22ArcTest {

    /** MESSAGE with MIME fields, so that the fields over-signed when present are there. */
    private static final String MIME_MESSAGE = MESSAGE.replace("\r\n\r\n",
            "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");

    /**
     * Our set says {@code dmarc=pass header.from=origin.example}. Its ARC-Message-Signature listed From once, so it
     * signed the bottom-most From only (RFC 6376 §5.4.2): a From added above it in transit ({@code CEO
     * <ceo@origin.example>}, the one a client shows) left the chain passing, and a receiver trusting our seals
     * would take our word for the new author. DkimSign over-signs From by default (RFC 6376 §8.15); the sealer did
     * not. Then (review s22, arcsign) the same for every field DkimSign over-signs: the AMS listed Subject, To,
     * Date, Content-Type... once and Reply-To and Cc only when present, so a Subject ("Urgent: wire the money"), a
     * Reply-To or a Content-Type (what the client renders) added above our set left our AMS validating, and a
     * receiver that trusts us and checks only From let it ride on our {@code dmarc=pass}.
     *
     * @param above the field the new one goes above (empty: on top of the message, above our set)
     */
    @ParameterizedTest(name = "{1} above \"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "From: Alice|From: CEO <ceo@origin.example>",
        "Subject: ARC test|Subject: Urgent: wire the money today",
        "''|Reply-To: <payments@attacker.example>",
        "To: list|To: <everyone@origin.example>",
        "''|Cc: <everyone@origin.example>",
        "Content-Type: text/plain|Content-Type: text/html",
        "Date: Sun|Date: Mon, 2 Mar 2026 09:00:00 +0000",
        "Message-ID: <arc-test|Message-ID: <other@origin.example>",
    })
    void aFieldAddedAboveOurSetBreaksOurMessageSignature(String above, String added) {
        byte[] sealed = sealValidated(listSealer(), dns(), MIME_MESSAGE.getBytes(StandardCharsets.UTF_8),
                "dmarc=pass header.from=origin.example");
        assertThat(verifier(dns()).verify(parse(sealed)).join().status()).isEqualTo(ArcStatus.PASS);

        String s = text(sealed);
        int at = s.indexOf(above);
        String forged = s.substring(0, at) + added + "\r\n" + s.substring(at);
        ArcResult r = verifier(dns()).verify(parse(forged.getBytes(StandardCharsets.UTF_8))).join();
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcStatus.FAIL);
        assertThat(r.reason()).contains("ARC-Message-Signature i=1");
    }

    /** A field over-signed only when present may be added when absent (a relay's missing Date or Message-ID). */
    @Test
    void aDateAddedToAMessageWithoutOneLeavesOurSetValid() {
        byte[] sealed = sealValidated(listSealer(), dns(),
                MESSAGE.replace("Date: Sun, 1 Mar 2026 11:59:00 +0000\r\n", "").getBytes(StandardCharsets.UTF_8),
                "dmarc=pass header.from=origin.example");
        String s = text(sealed);
        int at = s.indexOf("From: Alice");
        String added = s.substring(0, at) + "Date: Sun, 1 Mar 2026 12:00:01 +0000\r\n" + s.substring(at);
        ArcResult r = verifier(dns()).verify(parse(added.getBytes(StandardCharsets.UTF_8))).join();
        assertThat(r.status()).as(r.reason()).isEqualTo(ArcStatus.PASS);
    }

    @Test
    void theMessageSignatureListsFromOnceMoreThanItOccurs() {
        ArcSealResult result = listSealer().seal(parse(MESSAGE), ArcResult.none(), "mx.lists.example", "");
        assertThat(result.messageSignature().replace("\r\n", "")).contains("h=from:from:");
    }

    /**
     * The default AMS h= is DkimSign's default h= (one home for the lists), then the DKIM-Signatures (RFC 8617
     * §4.1.2).
     */
    @Test
    void theDefaultMessageSignatureSignsWhatDkimSignSigns() {
        String dkim = "DKIM-Signature: v=1; a=rsa-sha256; d=origin.example; s=x; h=from; bh=AA==; b=AA==\r\n";
        RawMessage message = parse(dkim + MIME_MESSAGE.replace("To: list@lists.example\r\n",
                "To: list@lists.example\r\nCc: a@origin.example\r\nCc: b@origin.example\r\n"));
        String ams = listSealer().seal(message, ArcResult.none(), "mx.lists.example", "").messageSignature();
        String signature = new DkimSigner(ArcFixtures.LIST_KEY,
                SignSettings.defaults().withClock(ArcFixtures.NOW).options("lists.example", "s1"))
                .signatureField(message);
        assertThat(headerList(ams)).isEqualTo(headerList(signature) + ":dkim-signature");
    }

    private static String headerList(String field) {
        String unfolded = field.replaceAll("\\s+", "");
        int h = unfolded.indexOf(";h=") + 3;
        return unfolded.substring(h, unfolded.indexOf(';', h));
    }

    /**
     * The incoming side: a trusted sealer (many list the From once, as Google's ARC-Message-Signature does) said
     * {@code dmarc=pass header.from=origin.example}; the attacker replays that message with {@code CEO
     * <ceo@origin.example>} added above it. The chain still validates (the new From is outside what the newest
     * ARC-Message-Signature signs), DMARC fails for origin.example (the list broke its DKIM signature), and the
     * trusted sealer's word overrode the failure, delivering the author a client shows, which no sealer saw.
     */
    @Test
    void noOverrideWhenTheNewestMessageSignatureLeavesAFromUnsigned() {
        assertNoOverrideWhenAddedAbove(onceEach(), "From: Alice", "From: CEO <ceo@origin.example>");
    }

    /**
     * The override stands in for a DKIM pass, so it asks what a pass asks ({@code SignedHeaders.unsignedInstance}):
     * a {@code Subject} added above a set whose ARC-Message-Signature lists Subject once leaves the chain passing
     * (the new Subject is outside what it signs) while a client shows it; the same field added above a DKIM
     * signature makes it {@code policy}, and the trusted sealer's pass brought the message back. The From-only
     * check let it through.
     */
    @Test
    void noOverrideWhenTheNewestMessageSignatureLeavesASubjectUnsigned() {
        assertNoOverrideWhenAddedAbove(onceEach(), "Subject: ARC test", "Subject: Urgent: wire the money today");
    }

    /** A sealer listing each field once, as many do (our own default over-signs them). */
    private static ArcSealer onceEach() {
        return new ArcSealer(ArcFixtures.LIST_KEY, ArcSealOptions.of("lists.example", "s1")
                .withClock(ArcFixtures.NOW).withSignedHeaders(List.of("from", "to", "subject", "date", "message-id")));
    }

    /**
     * Review s22 (reviewB): the same Subject hidden after a lone CR in an unsigned field ({@code X-Note: x}CR
     * {@code Subject: ...}) is one field to the strict count and two to javax.mail, which shows the hidden one; the
     * chain validates, the AMS seemed to sign every instance and the trusted sealer's pass overrode the failure.
     */
    @Test
    void noOverrideWhenASubjectIsHiddenAfterALoneCrAboveTheSet() {
        assertNoOverrideWhenAddedAbove(listSealer(), "Subject: ARC test", "X-Note: x\rSubject: Urgent: wire the money");
    }

    /**
     * The trusted sealer's pass overrides the DMARC fail of the sealed message, and no longer once {@code added} is
     * put above the field starting {@code above}, though the chain still validates.
     */
    private static void assertNoOverrideWhenAddedAbove(ArcSealer sealer, String above, String added) {
        byte[] sealed = sealValidated(sealer, dns(), MESSAGE.getBytes(StandardCharsets.UTF_8),
                "dmarc=pass header.from=origin.example");
        ArcResult asSealed = verifier(dns()).verify(parse(sealed)).join();
        assertThat(asSealed.sets().get(0).amsSignsEveryInstance()).isTrue();
        assertThat(DmarcOverride.find(failFor("origin.example"), asSealed, Set.of("lists.example"))).isPresent();

        String s = text(sealed);
        int at = s.indexOf(above);
        String forged = s.substring(0, at) + added + "\r\n" + s.substring(at);
        ArcResult replayed = verifier(dns()).verify(parse(forged.getBytes(StandardCharsets.UTF_8))).join();
        assertThat(replayed.status()).isEqualTo(ArcStatus.PASS);
        assertThat(replayed.sets().get(0).amsSignsEveryInstance()).as(added).isFalse();
        assertThat(DmarcOverride.find(failFor("origin.example"), replayed, Set.of("lists.example"))).isEmpty();
    }

    private static DmarcResult failFor(String domain) {
        return new DmarcResult(DmarcStatus.FAIL, "test", domain, List.of(domain), domain, domain, null,
                DmarcPolicy.REJECT, DmarcPolicy.REJECT, DmarcPolicy.REJECT, false, false, null, List.of(), List.of(),
                false, false, false, DmarcMode.RFC9989, 1);
    }

    /**
     * A From field only some readers see (javax.mail ends a line at a lone CR: {@code X-Note: x}CR{@code From: CEO
     * <ceo@origin.example>}) is inside a field no ARC-Message-Signature signs, and the strict From count the AMS is
     * checked against does not hold it: the chain validated and the trusted sealer's pass overrode the failure.
     */
    @Test
    void noOverrideForAFromOnlySomeReadersSee() {
        byte[] sealed = sealValidated(listSealer(), dns(), MESSAGE.getBytes(StandardCharsets.UTF_8),
                "dmarc=pass header.from=origin.example");
        byte[] forged = ("X-Note: x\rFrom: CEO <ceo@origin.example>\r\n" + text(sealed))
                .getBytes(StandardCharsets.UTF_8);
        ArcResult chain = verifier(dns()).verify(forged).join();
        DmarcResult fail = failFor("origin.example");
        boolean hidden = new DmarcEvaluator(dns()).prepare(forged).hasFromOutsideEverySignature();
        assertThat(hidden).isTrue();
        assertThat(DmarcOverride.find(fail, chain, Set.of("lists.example"), hidden)).isEmpty();
        // the chain itself validates; the AMS rule (SignedHeaders.unsignedInstance: the hidden From is in no field
        // list, so h=from:from signs one of the two a lenient reader shows) stops the override too
        assertThat(chain.status()).isEqualTo(ArcStatus.PASS);
        assertThat(chain.sets().get(0).amsSignsEveryInstance()).isFalse();
        assertThat(DmarcOverride.find(fail, chain, Set.of("lists.example"))).isEmpty();
    }
}
