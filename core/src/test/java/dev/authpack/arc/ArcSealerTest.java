package dev.authpack.arc;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.internal.DkimCrypto;
import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.dkim.KeyRecord;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static dev.authpack.arc.ArcFixtures.MESSAGE;
import static dev.authpack.arc.ArcFixtures.dns;
import static dev.authpack.arc.ArcFixtures.listSealer;
import static dev.authpack.arc.ArcFixtures.parse;
import static dev.authpack.arc.ArcFixtures.replace;
import static dev.authpack.arc.ArcFixtures.sealValidated;
import static dev.authpack.arc.ArcFixtures.text;
import static dev.authpack.arc.ArcFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArcSealerTest {
    private static final byte[] PLAIN = MESSAGE.getBytes(StandardCharsets.UTF_8);

    @Test
    void theFirstSetGoesOnTopInOrderWithTheInputUnchanged() {
        ArcSealResult result = listSealer().seal(parse(PLAIN), ArcResult.none(), "mx.lists.example", "spf=pass");
        assertThat(result.sealed()).isTrue();
        assertThat(result.reason()).isNull();
        assertThat(result.instance()).isEqualTo(1);
        assertThat(result.cv()).isEqualTo(ArcStatus.NONE);
        String out = text(result.message());
        assertThat(out).startsWith(result.seal() + "\r\n" + result.messageSignature() + "\r\n"
                + result.authenticationResults() + "\r\n");
        assertThat(out).endsWith(MESSAGE);
        assertThat(result.seal()).startsWith("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=lists.example; s=s1; t="
                + ArcFixtures.NOW.instant().getEpochSecond() + ";\r\n b=");
        assertThat(result.messageSignature()).startsWith("ARC-Message-Signature: i=1; a=rsa-sha256;"
                + " c=relaxed/relaxed; d=lists.example;\r\n s=s1; t=" + ArcFixtures.NOW.instant().getEpochSecond()
                + "; h=from:from:reply-to:subject:subject:date:date:to:to:cc:\r\n message-id:message-id; bh=");
        assertThat(result.authenticationResults())
                .isEqualTo("ARC-Authentication-Results: i=1; mx.lists.example;\r\n spf=pass");
        for (String line : out.substring(0, out.indexOf("From:")).split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(ArcSealOptions.DEFAULT_LINE_WIDTH);
        }
    }

    @Test
    void lineEndsOfTheInputAreKept() {
        byte[] lf = MESSAGE.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
        ArcSealResult result = listSealer().seal(parse(lf), ArcResult.none(), "mx.lists.example",
                "spf=pass; dkim=none");
        assertThat(text(result.message())).doesNotContain("\r").endsWith(MESSAGE.replace("\r\n", "\n"));
        assertThat(result.authenticationResults()).contains(";\n dkim=none");
    }

    /**
     * Review s17 (L2): a message whose first line ends with a bare LF and later lines with CRLF. With bare LFs, a
     * reader that knows only CRLF would read the whole set, and the message's first line, as one field (the
     * ARC-Seal). The set ends its lines with CRLF as soon as the message holds a CRLF, and validates in both
     * canonicalizations of the message signature, sealed again by the next hop too.
     */
    @Test
    void aMixedMessageGetsASetEndingItsLinesWithCrlf() {
        String mixed = MESSAGE.replaceFirst("\r\n", "\n");
        for (Canonicalization c : Canonicalization.values()) {
            ArcSealer sealer = new ArcSealer(ArcFixtures.LIST_KEY, ArcSealOptions.of("lists.example", "s1")
                    .withCanonicalization(c, c).withClock(ArcFixtures.NOW));
            ArcSealResult result = sealer.seal(parse(mixed), ArcResult.none(), "mx.lists.example",
                    "spf=pass; dkim=none");
            String out = text(result.message());
            assertThat(out).as("%s", c).startsWith(result.seal() + "\r\n" + result.messageSignature() + "\r\n"
                    + result.authenticationResults() + "\r\n").endsWith(mixed);
            String set = out.substring(0, out.length() - mixed.length());
            assertThat(set.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
            // a CRLF-only reader: the three fields, each whole, then the message's first line on
            assertThat(out.split("\r\n(?![ \t])", 4)).startsWith(result.seal(), result.messageSignature(),
                    result.authenticationResults());
            assertThat(verifier(dns()).verify(result.message()).join().status()).as("%s", c)
                    .isEqualTo(ArcStatus.PASS);
            byte[] forwarded = sealValidated(ArcFixtures.forwarderSealer(), dns(), result.message(), "arc=pass");
            assertThat(verifier(dns()).verify(forwarded).join().status()).isEqualTo(ArcStatus.PASS);
        }
    }

    @Test
    void ourResultsAreWrittenByTheAuthenticationResultsWriter() {
        List<MethodResult> results = List.of(
                new MethodResult("spf", "pass", null,
                        List.of(new ResultProperty("smtp", "mailfrom", "origin.example"))),
                new MethodResult("dkim", "fail", "body hash did not verify; changed",
                        List.of(new ResultProperty("header", "d", "origin.example"))));
        ArcSealResult result = listSealer().seal(parse(PLAIN), ArcResult.none(), "mx.lists.example", results);
        assertThat(result.authenticationResults()).isEqualTo("ARC-Authentication-Results: i=1; mx.lists.example;\r\n"
                + " spf=pass smtp.mailfrom=origin.example;\r\n"
                + " dkim=fail reason=\"body hash did not verify; changed\" header.d=origin.example");
        ArcSealResult none = listSealer().seal(parse(PLAIN), ArcResult.none(), "mx.lists.example", List.of());
        assertThat(none.authenticationResults()).isEqualTo("ARC-Authentication-Results: i=1; mx.lists.example;\r\n"
                + " none");
    }

    @Test
    void aResinfoCannotAddHeaderFields() {
        ArcSealResult result = listSealer().seal(parse(PLAIN), ArcResult.none(), "mx.lists.example",
                "spf=pass\r\nX-Injected: yes\r\n\r\nbody; dkim=pass\u0000");
        RawMessage sealed = parse(result.message());
        assertThat(sealed.fields()).extracting(HeaderField::name).containsExactly("ARC-Seal", "ARC-Message-Signature",
                "ARC-Authentication-Results", "From", "To", "Subject", "Date", "Message-ID");
        assertThat(result.authenticationResults()).isEqualTo("ARC-Authentication-Results: i=1; mx.lists.example;\r\n"
                + " spf=passX-Injected: yesbody;\r\n dkim=pass");
        assertThat(verifier(dns()).verify(sealed).join().status()).isEqualTo(ArcStatus.PASS);
    }

    @Test
    void longResinfosAreFoldedAtTheirSpaces() {
        String reason = "reason=\"" + "word ".repeat(30).strip() + "\"";
        ArcSealResult result = listSealer().seal(parse(PLAIN), ArcResult.none(), "mx.lists.example",
                "dmarc=fail " + reason + " header.from=origin.example");
        for (String line : result.authenticationResults().split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(ArcSealOptions.DEFAULT_LINE_WIDTH);
        }
        assertThat(result.authenticationResults().replace("\r\n", ""))
                .endsWith(" dmarc=fail " + reason + " header.from=origin.example");
        ArcResult verified = verifier(dns()).verify(result.message()).join();
        assertThat(verified.newestSet().authResults()).isEqualTo("dmarc=fail " + reason
                + " header.from=origin.example");
    }

    @Test
    void theDefaultHeaderListCoversThePresentFieldsAndDkimSignatures() {
        String signed = "DKIM-Signature: v=1; a=rsa-sha256; d=origin.example; s=x; h=from; bh=AA==; b=AA==\r\n"
                + "Cc: a@b.example\r\nCc: c@d.example\r\n" + MESSAGE;
        ArcSealResult result = listSealer().seal(parse(signed), ArcResult.none(), "mx.lists.example", "");
        // the h= list may be folded anywhere at a colon (its white space is ignored)
        assertThat(result.messageSignature().replace("\r\n ", ""))
                .contains("h=from:from:reply-to:subject:subject:date:date:to:to:cc:cc:cc:message-id:message-id:"
                        + "dkim-signature;");
        ArcSealResult noFrom = listSealer().seal(parse("Subject: x\r\n\r\nbody\r\n"), ArcResult.none(),
                "mx.lists.example", "");
        assertThat(noFrom.messageSignature().replace("\r\n ", "")).contains("h=from:reply-to:subject:subject:to:cc;");
    }

    @Test
    void aFailedChainIsSealedOverTheNewSetOnly() throws Exception {
        var dns = dns();
        byte[] broken = replace(sealValidated(listSealer(), dns, PLAIN, "spf=pass"), "Subject: ARC test",
                "Subject: changed");
        ArcResult chain = verifier(dns).verify(broken).join();
        assertThat(chain.status()).isEqualTo(ArcStatus.FAIL);
        ArcSealResult result = ArcFixtures.forwarderSealer().seal(parse(broken), chain, "mx.forwarder.example",
                "arc=fail");
        assertThat(result.cv()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.seal()).contains("i=2;").contains("cv=fail;");
        // RFC 8617 §5.1.2: the seal signs AAR(2), AMS(2) and itself only
        ByteBuilder data = new ByteBuilder(2048, 1 << 20);
        for (String field : new String[] {result.authenticationResults(), result.messageSignature()}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, bytes, 0, bytes.length, data);
            data.write(new byte[] {'\r', '\n'}, 0, 2);
        }
        String seal = result.seal();
        int b = seal.indexOf("b=") + 2;
        byte[] unsigned = seal.substring(0, b).getBytes(StandardCharsets.UTF_8);
        HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, unsigned, 0, unsigned.length, data);
        byte[] signature = Base64.getDecoder().decode(seal.substring(b).replace("\r\n ", ""));
        KeyRecord key = KeyRecord.parse(ArcFixtures.FORWARDER_KEY.publicKeyRecord());
        assertThat(DkimCrypto.verifyRsa(DkimAlgorithm.RSA_SHA256, key.rsaKey(), data.array(), data.length(), signature))
                .isTrue();
    }

    @Test
    void aChainOurOverloadLeftUnvalidatedIsNotSealed() {
        // a cv=fail would end the chain for every later hop (RFC 8617 §5.1 step 2) for a lookup we did not send
        var dns = dns();
        byte[] sealed = sealValidated(listSealer(), dns, PLAIN, "spf=pass");
        ArcResult chain = verifier(dns().overload("s1._domainkey.lists.example")).verify(sealed).join();
        assertThat(chain.localOverload()).isTrue();
        ArcSealResult result = ArcFixtures.forwarderSealer().seal(parse(sealed), chain, "mx.forwarder.example",
                "arc=fail");
        assertThat(result.sealed()).isFalse();
        assertThat(result.reason()).contains("not sent").contains("overloaded");
        assertThat(result.message()).isEqualTo(sealed);
        // as a summary kept with the mail (MailAuthCheck's attribute, read by ArcSeal)
        ArcChainSummary kept = ArcChainSummary.of(chain);
        assertThat(kept.localOverload()).isTrue();
        assertThat(ArcFixtures.forwarderSealer().seal(parse(sealed), kept.toArcResult(), "mx.forwarder.example",
                "arc=fail").sealed()).isFalse();
        // only a fail can be our overload's
        assertThat(new ArcChainSummary(ArcStatus.PASS, null, 0, 1, true).localOverload()).isFalse();
    }

    @Test
    void aTerminatedChainIsNotSealed() {
        var dns = dns();
        byte[] failed = replace(sealValidated(listSealer(), dns, PLAIN, "spf=pass"), "cv=none", "cv=fail");
        ArcResult chain = verifier(dns).verify(failed).join();
        ArcSealResult result = listSealer().seal(parse(failed), chain, "mx.lists.example", "arc=fail");
        assertThat(result.sealed()).isFalse();
        assertThat(result.reason()).contains("the newest ARC-Seal says cv=fail");
        assertThat(result.message()).isEqualTo(failed);
        assertThat(result.seal()).isNull();
        assertThat(result.instance()).isZero();
    }

    @Test
    void misuseIsRefused() throws Exception {
        byte[] sealed = sealValidated(listSealer(), dns(), PLAIN, "spf=pass");
        assertThatThrownBy(() -> listSealer().seal(parse(sealed), ArcResult.none(), "mx.lists.example", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("says none");
        ArcResult pass = new ArcResult(ArcStatus.PASS, null, 0, List.of(), 1, false);
        assertThatThrownBy(() -> listSealer().seal(parse(PLAIN), pass, "mx.lists.example", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("says pass");
        assertThatThrownBy(() -> listSealer().seal(parse(PLAIN), ArcResult.none(), "mx lists", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
        assertThatThrownBy(() -> ArcSealOptions.of("lists.example", "s1").withSignedHeaders(List.of("from",
                "ARC-Seal"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be signed");
        assertThatThrownBy(() -> ArcSealOptions.of("lists.example", "s1").withSignedHeaders(List.of("from",
                "Authentication-Results"))).isInstanceOf(IllegalArgumentException.class);
        var ed25519 = DkimKeys.ed25519(new byte[32]);
        assertThatThrownBy(() -> new ArcSealer(ed25519, ArcSealOptions.of("lists.example", "s1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rsa-sha256");
    }

    @Test
    void simpleCanonicalizationOfTheMessageSignatureValidates() {
        ArcSealer sealer = new ArcSealer(ArcFixtures.LIST_KEY, ArcSealOptions.of("lists.example", "s1")
                .withCanonicalization(Canonicalization.SIMPLE, Canonicalization.SIMPLE).withClock(ArcFixtures.NOW));
        ArcSealResult result = sealer.seal(parse(PLAIN), ArcResult.none(), "mx.lists.example", "spf=pass");
        assertThat(result.messageSignature()).contains("c=simple/simple;");
        assertThat(verifier(dns()).verify(result.message()).join().status()).isEqualTo(ArcStatus.PASS);
    }
}
