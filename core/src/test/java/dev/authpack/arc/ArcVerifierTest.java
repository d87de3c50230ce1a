package dev.authpack.arc;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.dns.DnsOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static dev.authpack.arc.ArcFixtures.MESSAGE;
import static dev.authpack.arc.ArcFixtures.dns;
import static dev.authpack.arc.ArcFixtures.forwarderSealer;
import static dev.authpack.arc.ArcFixtures.listSealer;
import static dev.authpack.arc.ArcFixtures.replace;
import static dev.authpack.arc.ArcFixtures.sealValidated;
import static dev.authpack.arc.ArcFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;

class ArcVerifierTest {
    private static final byte[] PLAIN = MESSAGE.getBytes(StandardCharsets.UTF_8);

    private static byte[] oneSet(SuiteDns dns) {
        return sealValidated(listSealer(), dns, PLAIN, "spf=pass smtp.mailfrom=origin.example; dmarc=pass");
    }

    @Test
    void aMessageWithoutArcFieldsIsNoneAndCostsNoLookup() {
        SuiteDns dns = dns();
        ArcResult result = verifier(dns).verify(PLAIN).join();
        assertThat(result.status()).isEqualTo(ArcStatus.NONE);
        assertThat(result.sets()).isEmpty();
        assertThat(dns.txtQueries()).isZero();
        assertThat(result.toMethodResult()).isEqualTo(new MethodResult("arc", "none", null, List.of()));
    }

    @Test
    void oneSetPassesWithItsDetails() {
        SuiteDns dns = dns();
        ArcResult result = verifier(dns).verify(oneSet(dns)).join();
        assertThat(result.status()).isEqualTo(ArcStatus.PASS);
        assertThat(result.reason()).isNull();
        assertThat(result.oldestPass()).isZero();
        assertThat(result.highestInstance()).isEqualTo(1);
        ArcSet set = result.newestSet();
        assertThat(set.instance()).isEqualTo(1);
        assertThat(set.sealDomain()).isEqualTo("lists.example");
        assertThat(set.sealSelector()).isEqualTo("s1");
        assertThat(set.amsDomain()).isEqualTo("lists.example");
        assertThat(set.cv()).isEqualTo("none");
        assertThat(set.authservId()).isEqualTo("mx.lists.example");
        assertThat(set.authResults()).isEqualTo("spf=pass smtp.mailfrom=origin.example; dmarc=pass");
        assertThat(set.parsedAuthResults().header().orElseThrow().results())
                .extracting(MethodResult::method, MethodResult::result)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spf", "pass"),
                        org.assertj.core.groups.Tuple.tuple("dmarc", "pass"));
        assertThat(set.ams()).isEqualTo(SignatureVerdict.PASS);
        assertThat(set.seal()).isEqualTo(SignatureVerdict.PASS);
        assertThat(result.toMethodResult("192.0.2.1")).isEqualTo(new MethodResult("arc", "pass", null, List.of(
                new ResultProperty("header", "oldest-pass", "0"), new ResultProperty("smtp", "remote-ip",
                        "192.0.2.1"))));
    }

    @Test
    void aForwarderThatChangesTheMessageKeepsThePassAndMovesTheOldestPass() {
        SuiteDns dns = dns();
        byte[] sealedByList = oneSet(dns);
        // the forwarder validates on arrival, then changes a signed field, then seals with what it found
        ArcResult atArrival = verifier(dns).verify(sealedByList).join();
        assertThat(atArrival.status()).isEqualTo(ArcStatus.PASS);
        byte[] retitled = replace(sealedByList, "Subject: ARC test", "Subject: [fwd] ARC test");
        ArcSealResult forwarded = forwarderSealer().seal(ArcFixtures.parse(retitled), atArrival, "mx.forwarder.example",
                "arc=pass");
        assertThat(forwarded.cv()).isEqualTo(ArcStatus.PASS);
        byte[] third = sealValidated(listSealer(), dns, forwarded.message(), "arc=pass");

        ArcResult result = verifier(dns).verify(third).join();
        assertThat(result.status()).isEqualTo(ArcStatus.PASS);
        assertThat(result.sets()).extracting(ArcSet::instance).containsExactly(1, 2, 3);
        assertThat(result.sets()).extracting(ArcSet::sealDomain)
                .containsExactly("lists.example", "forwarder.example", "lists.example");
        assertThat(result.oldestPass()).isEqualTo(2);
        assertThat(result.sets()).extracting(ArcSet::ams)
                .containsExactly(SignatureVerdict.FAIL, SignatureVerdict.PASS, SignatureVerdict.PASS);
        assertThat(result.sets().get(0).amsReason()).isEqualTo("signature did not verify");
        assertThat(result.sets()).extracting(ArcSet::seal).containsOnly(SignatureVerdict.PASS);
        assertThat(result.toMethodResult().properties())
                .containsExactly(new ResultProperty("header", "oldest-pass", "2"));
    }

    @Test
    void aForwarderThatFindsABrokenChainSealsCvFail() {
        SuiteDns dns = dns();
        byte[] changed = replace(oneSet(dns), "this message is sealed.", "this message is sealed.\r\nfooter");
        ArcResult atArrival = verifier(dns).verify(changed).join();
        assertThat(atArrival.status()).isEqualTo(ArcStatus.FAIL);
        ArcSealResult forwarded = forwarderSealer().seal(ArcFixtures.parse(changed), atArrival, "mx.forwarder.example",
                "arc=fail");
        assertThat(forwarded.sealed()).isTrue();
        assertThat(forwarded.instance()).isEqualTo(2);
        assertThat(forwarded.cv()).isEqualTo(ArcStatus.FAIL);
        ArcResult after = verifier(dns).verify(forwarded.message()).join();
        assertThat(after.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(after.terminated()).isTrue();
    }

    @Test
    void aChangeAfterTheNewestSealFailsTheChain() {
        SuiteDns dns = dns();
        byte[] sealed = oneSet(dns);
        ArcResult body = verifier(dns).verify(replace(sealed, "this message is sealed.", "changed")).join();
        assertThat(body.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(body.reason()).isEqualTo("ARC-Message-Signature i=1 did not validate: body hash did not verify");
        assertThat(body.newestSet().ams()).isEqualTo(SignatureVerdict.FAIL);
        assertThat(body.newestSet().seal()).isEqualTo(SignatureVerdict.NOT_CHECKED);
        assertThat(body.toMethodResult()).isEqualTo(new MethodResult("arc", "fail", body.reason(), List.of()));

        ArcResult results = verifier(dns).verify(replace(sealed, "dmarc=pass", "dmarc=none")).join();
        assertThat(results.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(results.reason()).isEqualTo("ARC-Seal i=1 did not validate: signature did not verify");
    }

    @Test
    void aKeyLookupFailureFailsTheChainPermanently() {
        SuiteDns dns = dns();
        byte[] sealed = oneSet(dns);
        ArcResult result = verifier(dns().fail("s1._domainkey.lists.example", DnsOutcome.TEMP_FAILURE))
                .verify(sealed).join();
        // RFC 8617 §5.2.1: all failures are permanent
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).contains("key unavailable (DNS failure");
        assertThat(result.localOverload()).isFalse();
    }

    @Test
    void aKeyLookupNotSentIsAFailMarkedAsOurOverload() {
        SuiteDns dns = dns();
        byte[] sealed = oneSet(dns);
        ArcResult result = verifier(dns().overload("s1._domainkey.lists.example")).verify(sealed).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.localOverload()).isTrue();
        assertThat(result.reason()).isEqualTo("ARC-Message-Signature i=1 did not validate: key unavailable (lookup"
                + " of s1._domainkey.lists.example not sent, this server's DNS resolver is overloaded: test"
                + " overload)");
        // the sets are read as for any chain: local policy needs its sealers
        assertThat(result.newestSet().sealDomain()).isEqualTo("lists.example");
        assertThat(result.newestSet().ams()).isEqualTo(SignatureVerdict.FAIL);
        // RFC 8617 §10.1: arc= has no temperror
        assertThat(result.toMethodResult()).isEqualTo(new MethodResult("arc", "fail", result.reason(), List.of()));
    }

    @Test
    void aKeyNotSentDoesNotHideAFailureFurtherOn() {
        SuiteDns dns = dns();
        byte[] sealedByList = oneSet(dns);
        byte[] forwarded = sealValidated(forwarderSealer(), dns, sealedByList, "arc=pass");
        // the forwarder's key (i=2) is not sent: every other signature validates
        ArcResult undetermined = verifier(dns().overload("s2._domainkey.forwarder.example")).verify(forwarded)
                .join();
        assertThat(undetermined.localOverload()).isTrue();
        assertThat(undetermined.reason()).startsWith("ARC-Message-Signature i=2 did not validate: key unavailable"
                + " (lookup of s2._domainkey.forwarder.example not sent");
        assertThat(undetermined.sets()).extracting(ArcSet::seal)
                .containsExactly(SignatureVerdict.PASS, SignatureVerdict.FAIL);
        // the list's seal (i=1) broken besides: that failure is the chain's, not our overload
        byte[] broken = replace(forwarded, "dmarc=pass", "dmarc=none");
        ArcResult failed = verifier(dns().overload("s2._domainkey.forwarder.example")).verify(broken).join();
        assertThat(failed.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(failed.localOverload()).isFalse();
        assertThat(failed.reason()).startsWith("ARC-Seal i=1 did not validate");
    }

    @Test
    void anOlderMessageSignatureWhoseKeyWasNotSentLeavesThePassWithTheOldestPassVerifiedAndFlagged() {
        // the list signs its AMS with a1 and seals with s1; the forwarder seals on without changing the message
        SuiteDns dns = dns().add("a1._domainkey.lists.example", ArcFixtures.LIST_KEY.publicKeyRecord());
        byte[] first = ArcFixtures.firstSetWithOwnAmsSelector(ArcFixtures.LIST_KEY, "lists.example", "a1", "s1",
                PLAIN, "dmarc=pass");
        byte[] forwarded = sealValidated(forwarderSealer(), dns, first, "arc=pass");
        ArcResult all = verifier(dns).verify(forwarded).join();
        assertThat(all.status()).isEqualTo(ArcStatus.PASS);
        assertThat(all.oldestPass()).isZero();
        assertThat(all.localOverload()).isFalse();

        // RFC 8617 §5.2 step 5: AMS i=1 undetermined (its key lookup not sent), so the oldest pass verified is 2;
        // it may be lower, and the result says why
        ArcResult undetermined = verifier(dns().add("a1._domainkey.lists.example",
                ArcFixtures.LIST_KEY.publicKeyRecord()).overload("a1._domainkey.lists.example")).verify(forwarded)
                .join();
        assertThat(undetermined.status()).isEqualTo(ArcStatus.PASS);
        assertThat(undetermined.oldestPass()).isEqualTo(2);
        assertThat(undetermined.localOverload()).isTrue();
        assertThat(undetermined.reason()).isEqualTo("oldest-pass may be lower: ARC-Message-Signature i=1 not"
                + " validated: key unavailable (lookup of a1._domainkey.lists.example not sent, this server's DNS"
                + " resolver is overloaded: test overload)");
        assertThat(undetermined.toMethodResult()).isEqualTo(new MethodResult("arc", "pass", undetermined.reason(),
                List.of(new ResultProperty("header", "oldest-pass", "2"))));
        // the chain passed: a sealer adds a cv=pass set over it
        ArcSealResult sealed = listSealer().seal(ArcFixtures.parse(forwarded), undetermined, "mx.lists.example",
                "arc=pass");
        assertThat(sealed.sealed()).isTrue();
        assertThat(sealed.cv()).isEqualTo(ArcStatus.PASS);

        // a real DNS failure at that key is the signature's failure: oldest-pass 2, not flagged
        ArcResult failed = verifier(dns().add("a1._domainkey.lists.example", ArcFixtures.LIST_KEY.publicKeyRecord())
                .fail("a1._domainkey.lists.example", DnsOutcome.TEMP_FAILURE)).verify(forwarded).join();
        assertThat(failed.status()).isEqualTo(ArcStatus.PASS);
        assertThat(failed.oldestPass()).isEqualTo(2);
        assertThat(failed.localOverload()).isFalse();
        assertThat(failed.reason()).isNull();
    }

    @Test
    void aKeyLookupWithoutAnswerTimesOut() {
        SuiteDns dns = dns();
        byte[] sealed = oneSet(dns);
        ArcVerifier verifier = new ArcVerifier(dns().hang("s1._domainkey.lists.example"),
                ArcVerifyOptions.defaults().withClock(ArcFixtures.NOW).withKeyLookupTimeout(Duration.ofMillis(100)));
        ArcResult result = verifier.verify(sealed).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).contains("DNS timeout");
    }

    @Test
    void eachKeyNameIsLookedUpOnce() {
        SuiteDns dns = dns();
        byte[] three = sealValidated(listSealer(), dns, sealValidated(listSealer(), dns, oneSet(dns), "arc=pass"),
                "arc=pass");
        SuiteDns counting = dns();
        assertThat(verifier(counting).verify(three).join().status()).isEqualTo(ArcStatus.PASS);
        assertThat(counting.txtQueries()).isEqualTo(1);
    }

    @Test
    void withoutOldestPassTheOlderSignaturesAreNotChecked() {
        SuiteDns dns = dns();
        byte[] two = sealValidated(forwarderSealer(), dns, oneSet(dns), "arc=pass");
        SuiteDns counting = dns();
        ArcResult result = new ArcVerifier(counting, ArcVerifyOptions.defaults().withClock(ArcFixtures.NOW)
                .withComputeOldestPass(false)).verify(two).join();
        assertThat(result.status()).isEqualTo(ArcStatus.PASS);
        assertThat(result.oldestPass()).isEqualTo(-1);
        assertThat(result.sets().get(0).ams()).isEqualTo(SignatureVerdict.NOT_CHECKED);
        assertThat(result.sets().get(0).seal()).isEqualTo(SignatureVerdict.PASS);
        assertThat(result.toMethodResult().properties()).isEmpty();
        // both seals' keys, not the first AMS's (same name as the first seal's here, so two names in all)
        assertThat(counting.txtQueries()).isEqualTo(2);
    }

    @Test
    void ed25519IsNotAnArcAlgorithmUnlessAllowed() {
        SuiteDns dns = dns();
        byte[] sealed = replace(oneSet(dns), "ARC-Seal: i=1; a=rsa-sha256;", "ARC-Seal: i=1; a=ed25519-sha256;");
        ArcResult strict = verifier(dns).verify(sealed).join();
        assertThat(strict.reason()).isEqualTo("ARC-Seal i=1 did not validate: a=ed25519-sha256 is not an ARC"
                + " algorithm (RFC 8617 uses rsa-sha256)");
        ArcResult allowed = new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(ArcFixtures.NOW)
                .withAllowEd25519(true)).verify(sealed).join();
        // the algorithm is accepted; the published key is RSA, so the seal still fails, for that reason
        assertThat(allowed.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(allowed.reason()).contains("inappropriate key algorithm");
    }

    @Test
    void aKeyWithAHugePublicExponentIsRefusedWithoutVerifying() throws Exception {
        SuiteDns dns = dns();
        byte[] sealed = oneSet(dns);
        // a 3072-bit modulus (no known primes needed: the key is refused before it is used), a 3,067-bit exponent
        BigInteger n = BigInteger.ONE.shiftLeft(3071).add(BigInteger.valueOf(12345));
        BigInteger e = BigInteger.ONE.shiftLeft(3066).add(BigInteger.ONE);
        byte[] spki = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)).getEncoded();
        SuiteDns huge = new SuiteDns().add("s1._domainkey.lists.example", "v=DKIM1; k=rsa; p="
                + Base64.getEncoder().encodeToString(spki));
        ArcResult result = verifier(huge).verify(sealed).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).isEqualTo("ARC-Message-Signature i=1 did not validate: RSA public exponent of"
                + " 3067 bits is above the maximum of 32 bits");
    }

    @Test
    void rsaSha1IsRefused() {
        SuiteDns dns = dns();
        byte[] sealed = replace(oneSet(dns), "ARC-Seal: i=1; a=rsa-sha256;", "ARC-Seal: i=1; a=rsa-sha1;");
        assertThat(verifier(dns).verify(sealed).join().reason()).contains("rsa-sha1 is not accepted");
    }

    @Test
    void anExpiredMessageSignatureFails() {
        SuiteDns dns = dns();
        long now = ArcFixtures.NOW.instant().getEpochSecond();
        byte[] beforeT = replace(oneSet(dns), "ARC-Message-Signature: i=1;", "ARC-Message-Signature: i=1; x=1000;");
        assertThat(verifier(dns).verify(beforeT).join().reason()).isEqualTo("ARC-Message-Signature i=1 did not"
                + " validate: x= (1000) is earlier than t= (" + now + ")");
        byte[] expiring = replace(oneSet(dns), "ARC-Message-Signature: i=1;", "ARC-Message-Signature: i=1; x="
                + (now + 10) + ";");
        ArcVerifier anHourLater = new ArcVerifier(dns, ArcVerifyOptions.defaults()
                .withClock(java.time.Clock.offset(ArcFixtures.NOW, Duration.ofHours(1))));
        assertThat(anHourLater.verify(expiring).join().reason()).isEqualTo("ARC-Message-Signature i=1 did not"
                + " validate: signature expired (x=" + (now + 10) + ")");
    }

    @Test
    void aSealThatAlreadySaysFailTerminatesTheChain() {
        SuiteDns dns = dns();
        byte[] sealed = replace(oneSet(dns), "cv=none", "cv=fail");
        ArcResult result = verifier(dns).verify(sealed).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.terminated()).isTrue();
        assertThat(result.reason()).isEqualTo("the newest ARC-Seal (i=1) says cv=fail");
        SuiteDns counting = dns();
        assertThat(verifier(counting).verify(sealed).join().terminated()).isTrue();
        assertThat(counting.txtQueries()).isZero();
    }

    @Test
    void moreSetsThanTheLimitFailWithoutLookups() {
        SuiteDns dns = dns();
        byte[] two = sealValidated(listSealer(), dns, oneSet(dns), "arc=pass");
        SuiteDns counting = dns();
        ArcResult result = new ArcVerifier(counting, ArcVerifyOptions.defaults().withClock(ArcFixtures.NOW)
                .withMaxSets(1)).verify(two).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).isEqualTo("more than 1 ARC Sets (instance 2)");
        assertThat(counting.txtQueries()).isZero();

        byte[] instance51 = replace(replace(replace(oneSet(dns), "ARC-Seal: i=1;", "ARC-Seal: i=51;"),
                "ARC-Message-Signature: i=1;", "ARC-Message-Signature: i=51;"),
                "ARC-Authentication-Results: i=1;", "ARC-Authentication-Results: i=51;");
        ArcResult high = verifier(counting).verify(instance51).join();
        assertThat(high.reason()).isEqualTo("more than 50 ARC Sets (instance 51)");
        assertThat(high.highestInstance()).isEqualTo(51);
    }

    @Test
    void fiftySetsPassAndAFiftyFirstIsNotAdded() {
        SuiteDns dns = dns();
        byte[] message = PLAIN;
        ArcSealer sealer = listSealer();
        for (int i = 1; i <= 50; i++) {
            ArcStatus status = i == 1 ? ArcStatus.NONE : ArcStatus.PASS;
            ArcResult chain = new ArcResult(status, null, 0, List.of(), i - 1, false);
            message = sealer.seal(ArcFixtures.parse(message), chain, "mx.lists.example", "arc=" + status.word())
                    .message();
        }
        ArcResult result = verifier(dns).verify(message).join();
        assertThat(result.status()).isEqualTo(ArcStatus.PASS);
        assertThat(result.sets()).hasSize(50);
        assertThat(result.oldestPass()).isZero();
        ArcSealResult more = sealer.seal(ArcFixtures.parse(message), result, "mx.lists.example", "arc=pass");
        assertThat(more.sealed()).isFalse();
        assertThat(more.reason()).contains("instance 51 would exceed the limit of 50");
        assertThat(more.message()).isEqualTo(message);
    }

    @Test
    void structureProblemsFail() {
        SuiteDns dns = dns();
        byte[] sealed = oneSet(dns);
        String text = ArcFixtures.text(sealed);
        String aar = text.substring(text.indexOf("ARC-Authentication-Results:"), text.indexOf("From:"));
        byte[] strayAar = ("ARC-Authentication-Results: i=2; other.example; spf=pass\r\n" + text)
                .getBytes(StandardCharsets.UTF_8);
        assertThat(verifier(dns).verify(strayAar).join().reason())
                .isEqualTo("ARC Set i=2 has no ARC-Message-Signature");
        byte[] duplicate = (aar + text).getBytes(StandardCharsets.UTF_8);
        assertThat(verifier(dns).verify(duplicate).join().reason())
                .isEqualTo("ARC Set i=1 has more than one ARC-Authentication-Results");
        byte[] sealH = replace(sealed, "cv=none;", "cv=none; h=from;");
        assertThat(verifier(dns).verify(sealH).join().reason()).isEqualTo("ARC-Seal i=1 has an h= tag");
        byte[] onlyAar = ("ARC-Authentication-Results: i=1; x.example; none\r\n" + MESSAGE)
                .getBytes(StandardCharsets.UTF_8);
        ArcResult lone = verifier(dns).verify(onlyAar).join();
        assertThat(lone.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(lone.sets()).hasSize(1);
        assertThat(lone.sets().get(0).authservId()).isEqualTo("x.example");
        assertThat(lone.sets().get(0).authResults()).isEqualTo("none");
    }

    @Test
    void anUnreadableMessageFails() {
        byte[] unreadable = " starts with a continuation\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        ArcResult result = verifier(dns()).verify(unreadable).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).startsWith("message could not be parsed");
    }

    @Test
    void lfAndCrlfMessagesValidateAlike() {
        SuiteDns dns = dns();
        byte[] lf = MESSAGE.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
        byte[] sealed = sealValidated(listSealer(), dns, lf, "spf=pass");
        assertThat(ArcFixtures.text(sealed)).doesNotContain("\r");
        assertThat(verifier(dns).verify(sealed).join().status()).isEqualTo(ArcStatus.PASS);
        byte[] crlf = ArcFixtures.text(sealed).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(verifier(dns).verify(crlf).join().status()).isEqualTo(ArcStatus.PASS);
    }
}
