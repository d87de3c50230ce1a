package dev.authpack.dkim;

import dev.authpack.dkim.sign.SignSettings;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.LineEnding;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.authpack.dkim.TestSignatures.MESSAGE;
import static dev.authpack.dkim.TestSignatures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DkimSignerTest {
    private static final long NOW = 1_700_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final DkimSigningKey RSA = key(TestSignatures.RSA_2048);
    private static final DkimSigningKey ED25519 = DkimSigningKey.ed25519(TestSignatures.ED25519);

    private static DkimSigningKey key(java.security.KeyPair pair) {
        try {
            return DkimKeys.rsa(pair.getPrivate());
        } catch (DkimKeyException e) {
            throw new AssertionError(e);
        }
    }

    private static DkimSignOptions options() {
        return DkimSignOptions.of("example.com", "sel").withClock(CLOCK);
    }

    private static TxtResolver dns() {
        return new TxtResolver().add("sel._domainkey.example.com", RSA.publicKeyRecord())
                .add("ed._domainkey.example.com", ED25519.publicKeyRecord());
    }

    private static DkimReport verify(byte[] message) {
        try {
            return new DkimVerifier(dns(), DkimVerifyOptions.defaults().withClock(CLOCK)).verify(message)
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void roundTripsForBothAlgorithmsAndAllCanonicalizations() throws Exception {
        for (Canonicalization header : Canonicalization.values()) {
            for (Canonicalization body : Canonicalization.values()) {
                for (boolean ed : new boolean[] {false, true}) {
                    DkimSigner signer = new DkimSigner(ed ? ED25519 : RSA,
                            DkimSignOptions.of("example.com", ed ? "ed" : "sel").withClock(CLOCK)
                                    .withCanonicalization(header, body));
                    byte[] signed = signer.sign(bytes(MESSAGE));
                    DkimReport report = verify(signed);
                    assertThat(report.results()).as("%s/%s ed25519=%s", header, body, ed).singleElement()
                            .satisfies(r -> assertThat(r.status()).isEqualTo(DkimStatus.PASS));
                    String text = new String(signed, StandardCharsets.ISO_8859_1);
                    assertThat(text).contains("c=" + header.tag() + "/" + body.tag() + ";")
                            .contains("a=" + (ed ? "ed25519-sha256" : "rsa-sha256") + ";");
                    assertThat(verify(bytes(text.replace("hungry", "angry"))).results().get(0).status())
                            .isEqualTo(DkimStatus.FAIL);
                }
            }
        }
    }

    @Test
    void defaultHeaderListSignsWhatIsPresentAndOverSignsTheProductsSet() throws Exception {
        String field = new DkimSigner(RSA, options()).signatureField(RawMessage.parse(bytes(
                "From: a@example.com\r\nTo: b@example.net\r\nTo: c@example.net\r\nX-Other: 1\r\n\r\nbody\r\n")));
        assertThat(field.replace("\r\n ", " ")).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;"
                + " s=sel; t=" + NOW + "; h=from:from:reply-to:subject:to:to:to:cc; bh=");
        assertThat(field).doesNotContain("i=").doesNotContain("q=").doesNotContain("x=");

        String overSigned = new DkimSigner(RSA, options().withOverSignedHeaders(Set.of("from", "subject", "x-extra")))
                .signatureField(RawMessage.parse(bytes("Subject: s\r\nFrom: a@example.com\r\n\r\n")));
        assertThat(overSigned).contains("h=from:from:subject:subject:x-extra;");

        String noFrom = new DkimSigner(RSA, options().withOverSignedHeaders(Set.of()))
                .signatureField(RawMessage.parse(bytes("Subject: s\r\n\r\n")));
        assertThat(noFrom).as("From is always signed").contains("h=from:subject;");
    }

    private static final String FULL = "From: a@example.com\r\nTo: b@example.net\r\nSubject: hello\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\nIn-Reply-To: <0@example.net>\r\n"
            + "References: <0@example.net>\r\n\r\nbody\r\n";

    /** {@code signed} (a signature field on top of {@code message}) with {@code field} put right below the signature. */
    private static byte[] addedBelowSignature(byte[] signed, String message, String field) {
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        int top = text.length() - message.length();
        return bytes(text.substring(0, top) + field + "\r\n" + text.substring(top));
    }

    /**
     * Review s22: a recipient who replays a mail we signed adds a field above a signed one (a mail client shows the
     * top one) or one the mail did not have. The default signature must break for each of these.
     */
    @Test
    void fieldsAReplayerAddsBreakTheDefaultSignature() throws Exception {
        byte[] signed = new DkimSigner(RSA, SignSettings.defaults().withClock(CLOCK).options("example.com", "sel"))
                .sign(bytes(FULL));
        assertThat(new String(signed, StandardCharsets.ISO_8859_1).replace("\r\n ", "")).contains("h=from:from:"
                + "reply-to:subject:subject:date:date:to:to:cc:message-id:message-id:in-reply-to:in-reply-to:"
                + "references:references:mime-version:mime-version:content-type:content-type:"
                + "content-transfer-encoding:content-transfer-encoding;");
        assertThat(verify(signed).results().get(0).status()).isEqualTo(DkimStatus.PASS);
        for (String added : List.of("From: CEO <ceo@example.com>", "Subject: urgent: pay the invoice",
                "To: victim@example.org", "Cc: victim@example.org", "Reply-To: attacker@evil.example",
                "Content-Type: text/html", "Content-Transfer-Encoding: base64", "MIME-Version: 1.0",
                "Date: Sat, 12 Jul 2003 21:00:37 -0700", "Message-ID: <2@evil.example>",
                "In-Reply-To: <3@example.com>", "References: <3@example.com>")) {
            DkimResult r = verify(addedBelowSignature(signed, FULL, added)).results().get(0);
            assertThat(r.status()).as(added).isEqualTo(DkimStatus.FAIL);
        }
        // a field over-signed only when present may be added when absent (a mailing list's Sender), as with rspamd
        assertThat(verify(addedBelowSignature(signed, FULL, "Sender: list@example.org")).results().get(0).status())
                .isEqualTo(DkimStatus.PASS);
        // a field the default list does not sign may still be added (relays add trace fields)
        assertThat(verify(addedBelowSignature(signed, FULL, "Received: from x by y; Sat, 12 Jul 2003 21:00:37 -0700"))
                .results().get(0).status()).isEqualTo(DkimStatus.PASS);
    }

    /**
     * Review s23: {@link DkimSignOptions#of}, what a library user (and our benchmarks' and tests' signers) starts
     * from, over-signed From alone, so a Subject, Reply-To, To or Cc added above a signed mail slipped in; its default
     * is now the product's, the one DkimSign, the CLI and the ARC sealer sign with.
     */
    @Test
    void theLibraryDefaultIsTheProductDefault() throws Exception {
        DkimSignOptions product = SignSettings.defaults().withClock(CLOCK).options("example.com", "sel");
        assertThat(options().overSignedHeaders()).isEqualTo(product.overSignedHeaders());
        assertThat(options().overSignedWhenPresent()).isEqualTo(product.overSignedWhenPresent());
        byte[] signed = new DkimSigner(RSA, options()).sign(bytes(FULL));
        assertThat(verify(signed).results().get(0).status()).isEqualTo(DkimStatus.PASS);
        for (String added : List.of("Subject: urgent: pay the invoice", "Reply-To: attacker@evil.example",
                "To: victim@example.org", "Cc: victim@example.org", "Content-Type: text/html")) {
            DkimResult r = verify(addedBelowSignature(signed, FULL, added)).results().get(0);
            assertThat(r.status()).as(added).isEqualTo(DkimStatus.FAIL);
        }
    }

    /** Review s22: From is over-signed whatever the settings say, so a From added above always breaks. */
    @Test
    void fromIsOverSignedWithAnyHeaderSettings() throws Exception {
        for (DkimSignOptions o : List.of(options().withOverSignedHeaders(Set.of()),
                options().withSignedHeaders(List.of("From", "Subject")),
                options().withSignedHeaders(List.of("subject", "FROM", "to")).withOverSignedHeaders(Set.of()))) {
            byte[] signed = new DkimSigner(RSA, o).sign(bytes(FULL));
            assertThat(verify(signed).results().get(0).status()).isEqualTo(DkimStatus.PASS);
            DkimResult r = verify(addedBelowSignature(signed, FULL, "From: CEO <ceo@example.com>")).results().get(0);
            assertThat(r.status()).as("%s", o.signedHeaders()).isEqualTo(DkimStatus.FAIL);
        }
    }

    @Test
    void explicitHeadersIdentityExpirationQueryTag() throws Exception {
        DkimSignOptions o = options().withSignedHeaders(List.of("From", "Subject", "From"))
                .withIdentity("jo;e@mail.example.com").withExpiration(Duration.ofDays(7)).withQueryTag(true)
                .withSpacedHeaderList(true);
        byte[] signed = new DkimSigner(RSA, o).sign(bytes(MESSAGE));
        String field = new String(signed, StandardCharsets.ISO_8859_1);
        assertThat(field.replace("\r\n ", " ")).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;"
                + " d=example.com; i=jo=3Be@mail.example.com; q=dns/txt; s=sel; t=" + NOW + "; x="
                + (NOW + 7 * 86400) + "; h=From : Subject : From; bh=");
        DkimResult r = verify(signed).results().get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.identity()).isEqualTo("jo;e@mail.example.com");
    }

    @Test
    void foldsAtTheLineWidthAndKeepsLfLineEnds() throws Exception {
        byte[] lf = bytes(MESSAGE.replace("\r\n", "\n"));
        DkimSigner signer = new DkimSigner(RSA, options().withLineWidth(40));
        byte[] signed = signer.sign(lf);
        RawMessage parsed = RawMessage.parse(signed);
        assertThat(parsed.lineEnding()).isEqualTo(LineEnding.LF);
        assertThat(new String(signed, StandardCharsets.ISO_8859_1)).doesNotContain("\r");
        HeaderField field = parsed.fields().get(0);
        assertThat(field.hasName("DKIM-Signature")).isTrue();
        String[] lines = field.toString().split("\n");
        boolean inB = false;
        for (String line : lines) {
            inB |= line.startsWith(" b=");
            assertThat(line.length()).as(line).isLessThanOrEqualTo(inB ? 41 : 40);
        }
        assertThat(lines.length).isGreaterThan(8);
        assertThat(verify(signed).results().get(0).status()).isEqualTo(DkimStatus.PASS);
        // the same message with CRLF verifies too: the signature is over the canonical form
        String crlf = new String(signed, StandardCharsets.ISO_8859_1).replace("\n", "\r\n");
        assertThat(verify(bytes(crlf)).results().get(0).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void signingInTurnWithTwoKeys() throws Exception {
        DkimSigner rsa = new DkimSigner(RSA, options());
        DkimSigner ed = new DkimSigner(ED25519, DkimSignOptions.of("example.com", "ed").withClock(CLOCK));
        byte[] signed = DkimSigner.signInTurn(bytes(MESSAGE), List.of(rsa, ed));
        DkimReport report = verify(signed);
        assertThat(report.results()).extracting(DkimResult::algorithm)
                .containsExactly("ed25519-sha256", "rsa-sha256");
        assertThat(report.results()).allMatch(DkimResult::passed);
        assertThat(report.bodyHashesComputed()).isEqualTo(1);
        String text = new String(signed, StandardCharsets.ISO_8859_1);
        assertThat(text).endsWith(MESSAGE);
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> DkimSignOptions.of("localhost", "sel")).hasMessageContaining("not a domain name");
        assertThatThrownBy(() -> DkimSignOptions.of("example.com", "a b")).hasMessageContaining("not a selector");
        assertThatThrownBy(() -> options().withIdentity("a@example.org")).hasMessageContaining("identity");
        assertThatThrownBy(() -> options().withSignedHeaders(List.of("to", "subject")))
                .hasMessageContaining("must include From");
        assertThatThrownBy(() -> options().withSignedHeaders(List.of("from", "a:b")))
                .hasMessageContaining("invalid header name");
        // review s22: a ';' ends h= in the written field, so the rest would be tags of its own (here an l=0)
        assertThatThrownBy(() -> options().withSignedHeaders(List.of("from", "x;l=0")))
                .hasMessageContaining("cannot be signed").hasMessageContaining("x;l=0");
        assertThatThrownBy(() -> options().withOverSignedHeaders(Set.of("from", "x;l=0")))
                .hasMessageContaining("cannot be signed");
        assertThatThrownBy(() -> options().withExpiration(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> options().withLineWidth(10)).hasMessageContaining("lineWidth");
        assertThat(options().withIdentity("@sub.example.com").identity()).isEqualTo("@sub.example.com");
    }

    /**
     * Review s17 (L2): a message whose first line ends with a bare LF and later lines with CRLF. A reader that knows
     * only CRLF runs a field ending its lines with bare LFs on into the message's first line, up to its first CRLF:
     * the signature would not be a field of its own to it, nor the first line. It ends its lines with CRLF, as soon
     * as the message holds a CRLF, and still verifies in every canonicalization (simple reads a bare LF of the
     * folding as CRLF, relaxed unfolds: the signer signs the field it writes).
     */
    @Test
    void aMixedMessageGetsASignatureEndingItsLinesWithCrlf() throws Exception {
        String mixed = "Subject: Is dinner ready?\n" + MESSAGE.replace("Subject: Is dinner ready?\r\n", "");
        for (Canonicalization header : Canonicalization.values()) {
            for (Canonicalization body : Canonicalization.values()) {
                byte[] signed = new DkimSigner(RSA, options().withLineWidth(40).withCanonicalization(header, body))
                        .sign(bytes(mixed));
                String text = new String(signed, StandardCharsets.ISO_8859_1);
                assertThat(text).endsWith(mixed);
                String field = text.substring(0, text.length() - mixed.length());
                assertThat(field).as("%s/%s", header, body).startsWith("DKIM-Signature:").endsWith("\r\n");
                assertThat(field.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
                // a CRLF-only reader: the signature is its first field, whole; the message's first line its second
                assertThat(text.split("\r\n(?![ \t])", 2)[0] + "\r\n").isEqualTo(field);
                assertThat(verify(signed).results()).as("%s/%s", header, body).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo(DkimStatus.PASS));
                assertThat(verify(bytes(text.replace("hungry", "angry"))).results().get(0).status())
                        .isEqualTo(DkimStatus.FAIL);
            }
        }
        // signed in turn (RSA, then Ed25519): each field on top ends its lines with CRLF, both verify
        byte[] twice = DkimSigner.signInTurn(bytes(mixed), List.of(new DkimSigner(RSA, options()),
                new DkimSigner(ED25519, DkimSignOptions.of("example.com", "ed").withClock(CLOCK))));
        String text = new String(twice, StandardCharsets.ISO_8859_1);
        String fields = text.substring(0, text.length() - mixed.length());
        assertThat(fields).endsWith("\r\n");
        assertThat(fields.replace("\r\n", "")).doesNotContain("\n");
        assertThat(verify(twice).results()).hasSize(2)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(DkimStatus.PASS));
    }

    @Test
    void quotedPrintableForIdentity() {
        assertThat(DkimSigner.quotedPrintable("a b;c=d@x.example")).isEqualTo("a=20b=3Bc=3Dd@x.example");
        assertThat(DkimSigner.quotedPrintable("\u00e9@x.example")).isEqualTo("=C3=A9@x.example");
        assertThat(DkimSignature.decodeQuotedPrintable("=C3=A9@x.example")).isEqualTo("\u00e9@x.example");
    }
}
