package dev.authpack.dkim.sign;

import static dev.authpack.dkim.sign.SignTestKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session 23: a user (or tenant) of a James that signs for its domain writes {@code From: "ceo@bank.example"
 * <user@tenant.example>}. Signed, it passes DKIM and DMARC for tenant.example everywhere, and many mail clients show
 * the display name alone: our signature vouches for a message that shows bank.example's CEO.
 */
class ReviewS23DkimSignTest {
    private static final String REST = "\r\nTo: bob@example.net\r\nSubject: invoice\r\n\r\nPay it.\r\n";
    @TempDir
    Path dir;
    private TableSigner signer;

    @BeforeEach
    void tables() throws Exception {
        signer = SignTestKeys.rsaTableSigner(dir, """
                tenant   tenant.example:t:rsa.pem
                esp      esp.example:e:rsa.pem
                """, """
                tenant.example     tenant
                *.tenant.example   tenant
                other.example      esp
                """);
    }

    private SignOutcome sign(TableSigner with, String from) {
        return with.sign(bytes("From: " + from + REST), Submitter.of("user@tenant.example", null));
    }

    @Test
    void aDisplayNameShowingAnotherDomainsAddressIsNotSigned() {
        for (String from : List.of("\"ceo@bank.example\" <user@tenant.example>",
                "ceo@bank.example <user@tenant.example>", "=?utf-8?q?ceo=40bank.example?= <user@tenant.example>",
                "=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?= <user@tenant.example>",
                "\"ceo\uFF20bank\u3002example\" <user@tenant.example>", "user@tenant.example (ceo@bank.example)",
                "\"CEO (ceo@tenant.example.bank.example)\" <user@tenant.example>",
                "\"ceo@xn--bank-.example\" <user@tenant.example>")) {
            SignOutcome outcome = sign(signer, from);
            assertThat(outcome.status()).as(from).isEqualTo(SignOutcome.Status.DISPLAYED_DOMAIN);
            assertThat(outcome.message()).isNull();
            assertThat(outcome.reason()).as(from).startsWith("From shows an address at ")
                    .endsWith(", not at tenant.example or below");
            assertThat(outcome.signatures()).isEmpty();
        }
    }

    @Test
    void theSignersOwnDomainsInADisplayNameAreFine() {
        for (String from : List.of("\"user@tenant.example\" <user@tenant.example>",
                "\"Support (help@support.tenant.example)\" <user@tenant.example>", "Joe <user@tenant.example>",
                "\"Bob \u2764\ufe0f\" <user@tenant.example>", "user@tenant.example",
                "Bob @ Home <user@tenant.example>")) {
            assertThat(sign(signer, from).status()).as(from).isEqualTo(SignOutcome.Status.SIGNED);
        }
        // a key of another d= (the operator's own, signing for a customer's domain): that domain is the signer's too
        SignOutcome esp = signer.sign(bytes("From: \"noreply@esp.example\" <a@other.example>" + REST));
        assertThat(esp.status()).as(esp.reason()).isEqualTo(SignOutcome.Status.SIGNED);
        // a right-to-left mark in a Hebrew display name reverses no one else's name
        SignOutcome rtl = sign(signer, "\"\u05d3\u05d5\u05d3\u200f\" <user@tenant.example>");
        assertThat(rtl.status()).as(rtl.reason()).isEqualTo(SignOutcome.Status.SIGNED);
    }

    @Test
    void manyDomainsShownAreRefusedAsSuch() {
        StringBuilder name = new StringBuilder("\"");
        for (int i = 0; i <= SenderDomain.MAX_SHOWN; i++) {
            name.append("a@d").append(i).append(".tenant.example ");
        }
        SignOutcome outcome = sign(signer, name + "\" <user@tenant.example>");
        assertThat(outcome.status()).isEqualTo(SignOutcome.Status.DISPLAYED_DOMAIN);
        assertThat(outcome.reason()).isEqualTo("From shows more than " + SenderDomain.MAX_SHOWN + " domains");
    }

    @Test
    void theOptOutSignsThemForAMailingList() {
        SignOutcome list = sign(signer.allowingOtherDomainsShown(true),
                "\"'alice@bank.example' via Staff\" <staff@tenant.example>");
        assertThat(list.status()).as(list.reason()).isEqualTo(SignOutcome.Status.SIGNED);
        assertThat(sign(signer.allowingOtherDomainsShown(false), "\"ceo@bank.example\" <user@tenant.example>")
                .status()).isEqualTo(SignOutcome.Status.DISPLAYED_DOMAIN);
    }

    @Test
    void aStreamedSignatureRefusesThemToo() throws Exception {
        byte[] header = bytes("From: \"ceo@bank.example\" <user@tenant.example>\r\nSubject: x\r\n\r\n");
        byte[] whole = bytes("From: \"ceo@bank.example\" <user@tenant.example>\r\nSubject: x\r\n\r\nbody\r\n");
        SignOutcome outcome = signer.signStreamed(header, out -> out.write(whole), Submitter.UNKNOWN);
        assertThat(outcome.status()).isEqualTo(SignOutcome.Status.DISPLAYED_DOMAIN);
    }
}
