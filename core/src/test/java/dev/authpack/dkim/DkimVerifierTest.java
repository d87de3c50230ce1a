package dev.authpack.dkim;

import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.check.AuthResultsMapping;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authpack.dkim.TestSignatures.ED25519;
import static dev.authpack.dkim.TestSignatures.MESSAGE;
import static dev.authpack.dkim.TestSignatures.RSA_1024;
import static dev.authpack.dkim.TestSignatures.RSA_2048;
import static dev.authpack.dkim.TestSignatures.RSA_512;
import static dev.authpack.dkim.TestSignatures.bytes;
import static dev.authpack.dkim.TestSignatures.sign;
import static dev.authpack.dkim.TestSignatures.tags;
import static org.assertj.core.api.Assertions.assertThat;

class DkimVerifierTest {
    private static final long NOW = 1_700_000_000L;
    private static final String KEY_NAME = "sel._domainkey.example.com";
    private static final DkimVerifyOptions AT_NOW = DkimVerifyOptions.defaults()
            .withClock(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    private static Map<String, String> rsaTags(String... extra) {
        Map<String, String> tags = tags("v", "1", "a", "rsa-sha256", "c", "relaxed/relaxed", "d", "example.com",
                "s", "sel", "h", "from:to:subject");
        for (int i = 0; i < extra.length; i += 2) {
            tags.put(extra[i], extra[i + 1]);
        }
        return tags;
    }

    private static TxtResolver rsaDns() {
        return new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(RSA_2048));
    }

    private static DkimReport verify(byte[] message, DnsResolver dns, DkimVerifyOptions options) {
        try {
            return new DkimVerifier(dns, options).verify(message).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static DkimResult single(byte[] message, DnsResolver dns, DkimVerifyOptions options) {
        DkimReport report = verify(message, dns, options);
        assertThat(report.results()).hasSize(1);
        return report.results().get(0);
    }

    @Test
    void aVerifierOverAnotherResolverAsksOnlyItAndSharesTheDecodedKeys() throws Exception {
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        TxtResolver server = rsaDns();
        TxtResolver transaction = rsaDns();
        DkimVerifier verifier = new DkimVerifier(server, AT_NOW);
        DkimVerifier over = verifier.over(transaction);

        DkimReport report = over.verify(signed).get(10, TimeUnit.SECONDS);

        assertThat(report.results()).singleElement().extracting(DkimResult::status).isEqualTo(DkimStatus.PASS);
        assertThat(transaction.txtQueries()).isEqualTo(1);
        assertThat(server.txtQueries()).isZero();
        assertThat(verifier.cachedKeys()).isEqualTo(1);
        assertThat(verifier.verify(signed).get(10, TimeUnit.SECONDS).results().get(0).status())
                .isEqualTo(DkimStatus.PASS);
        assertThat(verifier.cachedKeys()).isEqualTo(1);
    }

    @Test
    void passesAndReportsTheArProperties() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags("i", "joe@example.com"), RSA_2048);
        DkimReport report = verify(signed, rsaDns(), AT_NOW);
        DkimResult r = report.results().get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.reason()).isNull();
        assertThat(r.fieldIndex()).isZero();
        assertThat(r.testing()).isFalse();
        String b = signatureStart(signed);
        MethodResult ar = AuthResultsMapping.dkim(report).get(0);
        assertThat(ar.method()).isEqualTo("dkim");
        assertThat(ar.result()).isEqualTo("pass");
        assertThat(ar.properties()).containsExactly(
                new ResultProperty("header", "d", "example.com"),
                new ResultProperty("header", "i", "joe@example.com"),
                new ResultProperty("header", "s", "sel"),
                new ResultProperty("header", "a", "rsa-sha256"),
                new ResultProperty("header", "b", b));
        assertThat(b).hasSize(8);
        assertThat(report.signed()).isTrue();
        assertThat(report.anyPass()).isTrue();
        assertThat(report.passes()).containsExactly(r);
    }

    private static String signatureStart(byte[] signed) {
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        int b = text.indexOf(" b=");
        return text.substring(b + 3, b + 11);
    }

    @Test
    void unsignedMessageIsNone() {
        DkimReport report = verify(bytes(MESSAGE), new TxtResolver(), AT_NOW);
        assertThat(report.signed()).isFalse();
        assertThat(AuthResultsMapping.dkim(report)).containsExactly(new MethodResult("dkim", "none", null, List.of()));
    }

    @Test
    void unreadableMessageIsPermerror() {
        DkimReport report = verify(bytes(" folded first line\r\n\r\n"), new TxtResolver(), AT_NOW);
        assertThat(report.error()).contains("message could not be parsed");
        assertThat(report.signed()).isTrue();
        assertThat(AuthResultsMapping.dkim(report)).singleElement().extracting(MethodResult::result).isEqualTo("permerror");
    }

    @Test
    void tamperingFails() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        DkimResult body = single(bytes(text.replace("We lost", "We won")), rsaDns(), AT_NOW);
        assertThat(body.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(body.reason()).isEqualTo("body hash did not verify");
        DkimResult header = single(bytes(text.replace("dinner", "lunch")), rsaDns(), AT_NOW);
        assertThat(header.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(header.reason()).isEqualTo("signature did not verify");
        // an unsigned field may change
        assertThat(single(bytes(text.replace("Message-ID: <1@", "Message-ID: <2@")), rsaDns(), AT_NOW).status())
                .isEqualTo(DkimStatus.PASS);
    }

    @Test
    void ed25519PassesAndWrongSignatureLengthFails() {
        Map<String, String> tags = rsaTags();
        tags.put("a", "ed25519-sha256");
        byte[] signed = sign(bytes(MESSAGE), tags, ED25519);
        TxtResolver dns = new TxtResolver().add(KEY_NAME, TestSignatures.ed25519Record());
        assertThat(single(signed, dns, AT_NOW).status()).isEqualTo(DkimStatus.PASS);
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        int b = text.indexOf(" b=") + 3;
        String shortened = text.substring(0, b) + "AAAA" + text.substring(b + 88);
        DkimResult r = single(bytes(shortened), dns, AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(r.reason()).isEqualTo("signature did not verify");
    }

    @Test
    void rsaSha1IsPolicyUnlessAllowed() {
        Map<String, String> tags = rsaTags();
        tags.put("a", "rsa-sha1");
        byte[] signed = sign(bytes(MESSAGE), tags, RSA_2048);
        TxtResolver dns = rsaDns();
        DkimResult r = single(signed, dns, AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).contains("rsa-sha1").contains("RFC 8301");
        assertThat(dns.txtQueries()).as("refused before any DNS lookup").isZero();
        assertThat(single(signed, dns, AT_NOW.withAllowSha1(true)).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void rsaKeySizeBounds() {
        TxtResolver dns = new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(RSA_512));
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_512);
        DkimResult small = single(signed, dns, AT_NOW);
        assertThat(small.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(small.reason()).isEqualTo("RSA key of 512 bits is below the minimum of 1024 (RFC 8301 section 3.2)");
        assertThat(single(signed, dns, AT_NOW.withRsaKeyBits(512, 8192)).status()).isEqualTo(DkimStatus.PASS);

        byte[] big = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        DkimResult tooBig = single(big, rsaDns(), AT_NOW.withRsaKeyBits(1024, 1024));
        assertThat(tooBig.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(tooBig.reason()).contains("above the maximum of 1024");

        TxtResolver dns1024 = new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(RSA_1024));
        assertThat(single(sign(bytes(MESSAGE), rsaTags(), RSA_1024), dns1024, AT_NOW).status())
                .isEqualTo(DkimStatus.PASS);
    }

    @Test
    void rsaPublicExponentBound() {
        // a 3,067-bit exponent: each verification would cost ~27 normal ones
        TxtResolver dns = new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(TestSignatures.hugeExponentKey()));
        DkimResult refused = single(sign(bytes(MESSAGE), rsaTags(), RSA_2048), dns, AT_NOW);
        assertThat(refused.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(refused.reason()).isEqualTo("RSA public exponent of 3067 bits is above the maximum of 32 bits");

        // keys that verify: the largest exponent accepted is below 2^32
        KeyPair big = TestSignatures.rsaWithExponent(BigInteger.ONE.shiftLeft(31).add(BigInteger.ONE));
        assertThat(((RSAPublicKey) big.getPublic()).getPublicExponent().bitLength()).isEqualTo(32);
        TxtResolver bigDns = new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(big));
        assertThat(single(sign(bytes(MESSAGE), rsaTags(), big), bigDns, AT_NOW).status()).isEqualTo(DkimStatus.PASS);
        KeyPair over = TestSignatures.rsaWithExponent(BigInteger.ONE.shiftLeft(32).add(BigInteger.ONE));
        TxtResolver overDns = new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(over));
        assertThat(single(sign(bytes(MESSAGE), rsaTags(), over), overDns, AT_NOW).reason())
                .isEqualTo("RSA public exponent of 33 bits is above the maximum of 32 bits");
    }

    @Test
    void bodyLengthLeavingContentUnsignedIsPolicyUnlessAllowed() {
        byte[] message = bytes(MESSAGE);
        // relaxed: the double space of the body becomes one
        int bodyLength = "Hi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n\r\nJoe.\r\n".length();
        byte[] signed = sign(message, rsaTags("l", "10"), RSA_2048);
        DkimResult r = single(signed, rsaDns(), AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).isEqualTo("signature verified, but l=10 leaves " + (bodyLength - 10)
                + " octets of the body unsigned");
        assertThat(single(signed, rsaDns(), AT_NOW.withAllowUnsignedBodyContent(true)).status())
                .isEqualTo(DkimStatus.PASS);
        // l= equal to the body: nothing unsigned
        assertThat(single(sign(message, rsaTags("l", String.valueOf(bodyLength)), RSA_2048), rsaDns(), AT_NOW)
                .status()).isEqualTo(DkimStatus.PASS);
        // l=0 signs no body at all
        assertThat(single(sign(message, rsaTags("l", "0"), RSA_2048), rsaDns(),
                AT_NOW.withAllowUnsignedBodyContent(true)).status()).isEqualTo(DkimStatus.PASS);
    }

    /**
     * Review s22: a replayer puts a From of its choosing above the signed one. The signature picks its From from
     * the bottom (RFC 6376 §5.4.2) and still verifies, but a mail client shows the top one: never a pass.
     */
    @Test
    void fromAddedAboveTheSignedOneIsNotAPass() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        int top = text.indexOf("\r\nFrom:") + 2;
        byte[] added = bytes(text.substring(0, top) + "From: CEO <ceo@example.com>\r\n" + text.substring(top));
        DkimResult r = single(added, rsaDns(), AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).isEqualTo("signature verified, but it does not sign every From field (h= signs 1"
                + " of the message's 2)");
        // on top of the signature field itself, the same
        byte[] onTop = bytes("From: CEO <ceo@example.com>\r\n" + text);
        assertThat(single(onTop, rsaDns(), AT_NOW).status()).isEqualTo(DkimStatus.POLICY);
        // below the signed one: the signature takes the added From, and fails
        int below = text.indexOf("\r\nTo:") + 2;
        byte[] under = bytes(text.substring(0, below) + "From: CEO <ceo@example.com>\r\n" + text.substring(below));
        assertThat(single(under, rsaDns(), AT_NOW).status()).isEqualTo(DkimStatus.FAIL);
        // a signer that signed both From fields (h= names From twice): nothing added, the signature passes
        byte[] two = bytes("From: a@example.com\r\n" + MESSAGE);
        assertThat(single(sign(two, rsaTags("h", "from:from:to:subject"), RSA_2048), rsaDns(), AT_NOW).status())
                .isEqualTo(DkimStatus.PASS);
        // and an over-signed From (h= names it once more than present) passes as before
        assertThat(single(sign(bytes(MESSAGE), rsaTags("h", "from:from:to"), RSA_2048), rsaDns(), AT_NOW).status())
                .isEqualTo(DkimStatus.PASS);
    }

    /**
     * Review s22: the same for any field a message has at most once (RFC 5322 §3.6, RFC 2045) that h= signs: a
     * second Subject (or Content-Type) put above the signed one is what the client shows.
     */
    @Test
    void aSecondInstanceOfASignedSingleFieldAboveIsNotAPass() {
        for (String added : List.of("Subject: urgent: pay the invoice", "Date: Sat, 12 Jul 2003 21:00:37 -0700",
                "Content-Type: text/html", "To: victim@example.org")) {
            DkimResult r = verifiedWithAboveTheSignedFields(added + "\r\n");
            assertThat(r.status()).as(added).isEqualTo(DkimStatus.POLICY);
            String name = added.substring(0, added.indexOf(':'));
            assertThat(r.reason()).isEqualTo("signature verified, but it does not sign every " + name + " field (h= "
                    + "signs 1 of the message's 2)");
        }
        // a field h= does not sign at all is the signer's choice: a Message-ID added still passes
        assertThat(verifiedWithAboveTheSignedFields("Message-ID: <2@evil.example>\r\n").status())
                .isEqualTo(DkimStatus.PASS);
        // and fields that may repeat (Received, Comments) are not counted
        byte[] comments = sign(bytes("Comments: a\r\n" + MESSAGE), rsaTags("h", "from:comments"), RSA_2048);
        String c = new String(comments, StandardCharsets.ISO_8859_1);
        int at = c.indexOf("Comments:");
        assertThat(single(bytes(c.substring(0, at) + "Comments: b\r\n" + c.substring(at)), rsaDns(), AT_NOW)
                .status()).isEqualTo(DkimStatus.PASS);
    }

    /**
     * Review s22 (reviewB): the rule above counts instances as our parser reads the header section, where a lone CR
     * does not end a line. A field added above the signed ones and unsigned, {@code X-Note: x CR Subject: ...},
     * is one field to us and two to a reader that ends a line at a lone CR (javax.mail, as DmarcEvaluator's hidden
     * From rule says): that reader shows the hidden Subject (or Content-Type), and the signature still passed.
     */
    @Test
    void aSingleFieldHiddenAfterALoneCrAboveIsNotAPass() {
        for (String hidden : List.of("Subject: urgent: pay the invoice", "Content-Type: text/html")) {
            DkimResult r = verifiedWithAboveTheSignedFields("X-Note: x\r" + hidden + "\r\n");
            assertThat(r.status()).as(hidden).isNotEqualTo(DkimStatus.PASS);
        }
    }

    /**
     * The same with the field over-signed (h=subject:subject, as DkimSign and ArcSeal sign by default): h= names
     * Subject twice and a lenient reader shows two, but the hidden one is in no field list the signature was made
     * over, so only one is signed (it passed: the counts were compared as such).
     */
    @Test
    void aHiddenFieldIsNotSignedByOverSigning() {
        String text = new String(sign(bytes(MESSAGE), rsaTags("h", "from:from:to:subject:subject:date"), RSA_2048),
                StandardCharsets.ISO_8859_1);
        int top = text.length() - MESSAGE.length();
        assertThat(single(bytes(text), rsaDns(), AT_NOW).status()).isEqualTo(DkimStatus.PASS);
        DkimResult r = single(bytes(text.substring(0, top) + "X-Note: x\rSubject: urgent: pay the invoice\r\n"
                + text.substring(top)), rsaDns(), AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).isEqualTo("signature verified, but it does not sign every Subject field (h= signs 1"
                + " of the message's 2)");
    }

    /**
     * A message with a Content-Type signed with h=from:to:subject:date:content-type, verified with {@code added}
     * (whole lines) put between the DKIM-Signature field and the signed fields.
     */
    private static DkimResult verifiedWithAboveTheSignedFields(String added) {
        String message = MESSAGE.replace("Message-ID", "Content-Type: text/plain\r\nMessage-ID");
        String text = new String(sign(bytes(message), rsaTags("h", "from:to:subject:date:content-type"), RSA_2048),
                StandardCharsets.ISO_8859_1);
        int top = text.length() - message.length();
        return single(bytes(text.substring(0, top) + added + text.substring(top)), rsaDns(), AT_NOW);
    }

    @Test
    void bodyLengthBeyondTheBodyIsPermerror() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags("l", "10", "bh", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
                RSA_2048);
        String text = new String(signed, StandardCharsets.ISO_8859_1).replace("l=10;", "l=100000;");
        DkimResult r = single(bytes(text), rsaDns(), AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).startsWith("l=100000 is longer than the canonicalized body");
        // 76 digits are syntactically fine and longer than any body
        DkimResult huge = single(bytes(text.replace("l=100000;", "l=" + "9".repeat(76) + ";")), rsaDns(), AT_NOW);
        assertThat(huge.status()).isEqualTo(DkimStatus.PERMERROR);
    }

    @Test
    void timestampsWithClockSkew() {
        DkimResult soon = single(sign(bytes(MESSAGE), rsaTags("t", String.valueOf(NOW + 299)), RSA_2048), rsaDns(),
                AT_NOW);
        assertThat(soon.status()).isEqualTo(DkimStatus.PASS);
        byte[] future = sign(bytes(MESSAGE), rsaTags("t", String.valueOf(NOW + 301)), RSA_2048);
        DkimResult r = single(future, rsaDns(), AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).contains("in the future");
        assertThat(single(future, rsaDns(), AT_NOW.withClockSkew(Duration.ofMinutes(10))).status())
                .isEqualTo(DkimStatus.PASS);

        Map<String, String> recent = rsaTags("t", String.valueOf(NOW - 1000), "x", String.valueOf(NOW - 299));
        assertThat(single(sign(bytes(MESSAGE), recent, RSA_2048), rsaDns(), AT_NOW).status())
                .isEqualTo(DkimStatus.PASS);
        Map<String, String> old = rsaTags("t", String.valueOf(NOW - 1000), "x", String.valueOf(NOW - 301));
        DkimResult expired = single(sign(bytes(MESSAGE), old, RSA_2048), rsaDns(), AT_NOW);
        assertThat(expired.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(expired.reason()).isEqualTo("signature expired (x=" + (NOW - 301) + ")");
        assertThat(single(sign(bytes(MESSAGE), old, RSA_2048), rsaDns(), AT_NOW.withClockSkew(Duration.ofSeconds(302)))
                .status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void signatureCap() {
        byte[] message = bytes(MESSAGE);
        for (int i = 0; i < 12; i++) {
            message = sign(message, rsaTags(), RSA_2048);
        }
        // an unreadable field on top does not count against the cap
        message = TestSignatures.bytes("DKIM-Signature: garbage\r\n" + new String(message, StandardCharsets.ISO_8859_1));
        DkimReport report = verify(message, rsaDns(), AT_NOW);
        assertThat(report.results()).hasSize(13);
        assertThat(report.results().get(0).status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(report.results().subList(1, 11)).allMatch(DkimResult::passed);
        assertThat(report.results().subList(11, 13)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
            assertThat(r.reason()).isEqualTo("not verified: more than 10 signatures to verify in the message");
            assertThat(r.domain()).isEqualTo("example.com");
        });
        DkimReport more = verify(message, rsaDns(), AT_NOW.withMaxSignatures(12));
        assertThat(more.results().subList(1, 13)).allMatch(DkimResult::passed);
        assertThat(verify(message, rsaDns(), AT_NOW.withMaxSignatures(1)).passes()).hasSize(1);
    }

    @Test
    void nineHundredNinetySignaturesCostWhatTenDo() {
        // each with a key name, canonicalization and l= of its own, each key published: nothing is shared
        StringBuilder fields = new StringBuilder();
        TxtResolver dns = new TxtResolver();
        String bh = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        for (int i = 0; i < 990; i++) {
            String canon = i % 2 == 0 ? "relaxed/relaxed" : "simple/simple";
            fields.append("DKIM-Signature: v=1; a=rsa-sha256; c=").append(canon).append("; d=d").append(i)
                    .append(".example; s=s; h=from; l=").append(i % 40).append("; bh=").append(bh)
                    .append("; b=AAAA\r\n");
            dns.add("s._domainkey.d" + i + ".example", TestSignatures.rsaRecord(RSA_1024));
        }
        byte[] message = bytes(fields + MESSAGE);
        DkimReport report = verify(message, dns, AT_NOW);
        assertThat(report.results()).hasSize(990);
        assertThat(dns.txtQueries()).isEqualTo(DkimVerifyOptions.DEFAULT_MAX_SIGNATURES);
        assertThat(report.bodyHashesComputed()).isEqualTo(DkimVerifyOptions.DEFAULT_MAX_SIGNATURES);
        assertThat(report.results().subList(0, 10)).allMatch(r -> !r.notVerified());
        assertThat(report.results().subList(10, 990)).allMatch(DkimResult::notVerified);
        assertThat(report.notVerified()).isEqualTo(980);

        // the field we write lists at most 10 of them: check.AuthCheckReport.capped (AuthCheckReportTest)
    }

    @Test
    void bodyHashesAreSharedAndKeysLookedUpOnce() {
        byte[] message = bytes(MESSAGE);
        message = sign(message, rsaTags(), RSA_2048);
        message = sign(message, rsaTags("h", "from:subject"), RSA_2048);
        message = sign(message, rsaTags("c", "relaxed/simple"), RSA_2048);
        message = sign(message, rsaTags("l", "20"), RSA_2048);
        Map<String, String> ed = rsaTags("s", "ed");
        ed.put("a", "ed25519-sha256");
        message = sign(message, ed, ED25519);
        TxtResolver dns = rsaDns().add("ed._domainkey.example.com", TestSignatures.ed25519Record());
        DkimReport report = verify(message, dns, AT_NOW.withAllowUnsignedBodyContent(true));
        assertThat(report.results()).hasSize(5).allMatch(DkimResult::passed);
        // relaxed/sha256 (shared by three signatures, one of them ed25519), relaxed/sha256/l=20, simple/sha256
        assertThat(report.bodyHashesComputed()).isEqualTo(3);
        assertThat(dns.txtQueries()).isEqualTo(2);
    }

    @Test
    void bodyHasherMakesOnePassPerCanonicalization() throws Exception {
        RawMessage message = RawMessage.parse(bytes(MESSAGE));
        BodyHasher.Computed computed = BodyHasher.compute(message, List.of(
                new BodyHasher.Key(Canonicalization.RELAXED, "SHA-256", -1),
                new BodyHasher.Key(Canonicalization.RELAXED, "SHA-256", -1),
                new BodyHasher.Key(Canonicalization.RELAXED, "SHA-1", -1),
                new BodyHasher.Key(Canonicalization.RELAXED, "SHA-256", 5),
                new BodyHasher.Key(Canonicalization.SIMPLE, "SHA-256", -1)));
        assertThat(computed.digests()).isEqualTo(4);
        assertThat(computed.passes()).isEqualTo(2);
        BodyHasher.Hash limited = computed.hashes().get(new BodyHasher.Key(Canonicalization.RELAXED, "SHA-256", 5));
        assertThat(limited.digest()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256")
                .digest(bytes("Hi.\r\n")));
        assertThat(limited.canonicalLength()).isEqualTo("Hi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n\r\nJoe.\r\n"
                .length());
    }

    @Test
    void dnsProblems() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        DkimResult timeout = single(signed, new TxtResolver().fail(KEY_NAME, DnsOutcome.TIMEOUT), AT_NOW);
        assertThat(timeout.status()).isEqualTo(DkimStatus.TEMPERROR);
        assertThat(timeout.reason()).startsWith("key unavailable (DNS timeout");
        DkimResult servfail = single(signed, new TxtResolver().fail(KEY_NAME, DnsOutcome.TEMP_FAILURE), AT_NOW);
        assertThat(servfail.status()).isEqualTo(DkimStatus.TEMPERROR);
        DkimResult missing = single(signed, new TxtResolver(), AT_NOW);
        assertThat(missing.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(missing.reason()).isEqualTo("no key for signature (NXDOMAIN at " + KEY_NAME + ")");
        DkimResult noData = single(signed, new TxtResolver().add(KEY_NAME), AT_NOW);
        assertThat(noData.reason()).isEqualTo("no key for signature (no TXT record at " + KEY_NAME + ")");
    }

    @Test
    void resolverThatThrowsOrNeverAnswers() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        DkimResult thrown = single(signed, new Unanswering(true), AT_NOW);
        assertThat(thrown.status()).isEqualTo(DkimStatus.TEMPERROR);
        DkimResult silent = single(signed, new Unanswering(false),
                AT_NOW.withKeyLookupTimeout(Duration.ofMillis(50)));
        assertThat(silent.status()).isEqualTo(DkimStatus.TEMPERROR);
        assertThat(silent.reason()).contains("no answer within 50 ms");
    }

    @Test
    void severalTxtRecords() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        TxtResolver junkFirst = new TxtResolver().add(KEY_NAME, "v=spf1 -all", "some; junk",
                TestSignatures.rsaRecord(RSA_2048));
        assertThat(single(signed, junkFirst, AT_NOW).status()).isEqualTo(DkimStatus.PASS);
        TxtResolver wrongKeyFirst = new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(RSA_1024),
                TestSignatures.rsaRecord(RSA_2048));
        assertThat(single(signed, wrongKeyFirst, AT_NOW).status()).isEqualTo(DkimStatus.PASS);
        TxtResolver allWrong = new TxtResolver().add(KEY_NAME, TestSignatures.rsaRecord(RSA_1024), "v=DKIM1; p=");
        DkimResult r = single(signed, allWrong, AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.FAIL);
        TxtResolver onlyJunk = new TxtResolver().add(KEY_NAME, "v=spf1 -all", "v=DKIM1; k=rsa");
        DkimResult junk = single(signed, onlyJunk, AT_NOW);
        assertThat(junk.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(junk.reason()).isEqualTo("key syntax error: v=spf1 -all is not DKIM1");
    }

    @Test
    void keyRecordProblemsAreReported() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags("i", "joe@mail.example.com"), RSA_2048);
        String p = TestSignatures.rsaRecord(RSA_2048).substring("v=DKIM1; k=rsa; ".length());
        assertThat(reason(signed, "v=DKIM1; p=")).isEqualTo("key revoked (empty p=)");
        assertThat(reason(signed, "k=ed25519; " + p)).isEqualTo("inappropriate key algorithm: k=ed25519 but a=rsa-sha256");
        assertThat(reason(signed, "k=dsa; " + p)).isEqualTo("unknown key type k=dsa");
        assertThat(reason(signed, "h=sha1; " + p)).startsWith("inappropriate hash algorithm");
        assertThat(reason(signed, "s=chat; " + p)).isEqualTo("inappropriate service type: key record s=chat");
        assertThat(reason(signed, "t=s; " + p)).isEqualTo("key has t=s but the i= domain mail.example.com is not"
                + " d= example.com");
        assertThat(reason(signed, "p=!!!")).isEqualTo("unusable key: p= is not valid base64");
        assertThat(reason(signed, "p=AAAA")).startsWith("unusable key: p= is not an RSA public key");
        assertThat(reason(signed, "v=DKIM2; " + p)).isEqualTo("key syntax error: v=DKIM2 is not DKIM1");
        // accepted variations
        DkimResult testing = single(signed, new TxtResolver().add(KEY_NAME, "t=y:s2; s=email:*; h=sha256; " + p),
                AT_NOW);
        assertThat(testing.status()).isEqualTo(DkimStatus.PASS);
        assertThat(testing.testing()).isTrue();
        assertThat(testing.reason()).isEqualTo("key is in testing mode (t=y)");
        assertThat(single(signed, new TxtResolver().add(KEY_NAME, p + "; v=DKIM1; g=*; x9=unknown"), AT_NOW).status())
                .isEqualTo(DkimStatus.PASS);
    }

    private static String reason(byte[] signed, String record) {
        DkimResult r = single(signed, new TxtResolver().add(KEY_NAME, record), AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        return r.reason();
    }

    @Test
    void pkcs1PublicKeyIsAccepted() throws Exception {
        byte[] spki = RSA_2048.getPublic().getEncoded();
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info =
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(spki);
        String pkcs1 = java.util.Base64.getEncoder().encodeToString(info.getPublicKeyData().getOctets());
        byte[] signed = sign(bytes(MESSAGE), rsaTags(), RSA_2048);
        assertThat(single(signed, new TxtResolver().add(KEY_NAME, "v=DKIM1; p=" + pkcs1), AT_NOW).status())
                .isEqualTo(DkimStatus.PASS);
    }

    @Test
    void invalidSignatureFieldsAreNamedInTheResult() {
        byte[] message = bytes("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=to; bh=AAAA; b=QUJDREVGR0hJSktM\r\n"
                + MESSAGE);
        DkimResult r = single(message, rsaDns(), AT_NOW);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).isEqualTo("From field not signed (h= does not include From)");
        assertThat(r.domain()).isEqualTo("example.com");
        assertThat(r.selector()).isEqualTo("sel");
        assertThat(r.signatureStart()).isEqualTo("QUJDREVG");
        assertThat(AuthResultsMapping.dkim(r).properties()).extracting(ResultProperty::property)
                .containsExactly("d", "s", "a", "b");
    }

    @Test
    void bareLfMessagesVerify() {
        byte[] signed = sign(bytes(MESSAGE), rsaTags("c", "simple/simple"), RSA_2048);
        String lf = new String(signed, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        assertThat(single(bytes(lf), rsaDns(), AT_NOW).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void parsedKeysAreCached() {
        KeyRecordCache cache = new KeyRecordCache(2);
        String record = TestSignatures.rsaRecord(RSA_2048);
        KeyRecord first = cache.get(record);
        assertThat(cache.get(record)).isSameAs(first);
        cache.get(TestSignatures.rsaRecord(RSA_1024));
        cache.get(TestSignatures.ed25519Record());
        assertThat(cache.size()).as("emptied when full").isLessThanOrEqualTo(2);
    }

    /** A resolver whose TXT lookups throw or never complete. */
    private record Unanswering(boolean throwing) implements DnsResolver {
        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            if (throwing) {
                throw new IllegalStateException("broken resolver");
            }
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            return new CompletableFuture<>();
        }
    }
}
