package dev.authpack.dkim.sign;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.authpack.dkim.sign.SignTestKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Review s22: a key signs only a From domain that is the submitter's own or below it. */
class SubmitterTest {
    @TempDir
    Path dir;
    private TableSigner signer;

    @BeforeEach
    void tables() throws Exception {
        signer = SignTestKeys.rsaTableSigner(dir, """
                com      example.com:r:rsa.pem
                shared   %:shared:rsa.pem
                """, """
                example.com     com
                *.example.com   com
                *               shared
                """);
    }

    private SignOutcome sign(String from, Submitter submitter) {
        return signer.sign(bytes("From: " + from + "\r\nSubject: s\r\n\r\nbody\r\n"), submitter);
    }

    @Test
    void anotherDomainsUserCannotHaveItsFromSigned() {
        SignOutcome forged = sign("CEO <ceo@example.com>", Submitter.of("mallory@tenant.example",
                "mallory@tenant.example"));
        assertThat(forged.status()).isEqualTo(SignOutcome.Status.SENDER_MISMATCH);
        assertThat(forged.message()).isNull();
        assertThat(forged.reason()).isEqualTo("From domain example.com is not the authenticated user's domain"
                + " tenant.example or below it");
        // the % key would sign any author domain: bound the same way
        assertThat(sign("x@victim.example", Submitter.of(null, "app@tenant.example")).reason())
                .isEqualTo("From domain victim.example is neither the envelope sender's domain tenant.example nor"
                        + " above or below it");
        // a look-alike suffix is not a subdomain
        assertThat(sign("x@evil-example.com", Submitter.of("a@example.com", null)).status())
                .isEqualTo(SignOutcome.Status.SENDER_MISMATCH);
        assertThat(sign("x@example.com", Submitter.of("a@eu.example.com", null)).status())
                .as("a subdomain's user is not its parent's").isEqualTo(SignOutcome.Status.SENDER_MISMATCH);
        // both bind: an AUTH user of example.com with another domain's envelope
        assertThat(sign("x@example.com", Submitter.of("a@example.com", "b@tenant.example")).status())
                .isEqualTo(SignOutcome.Status.SENDER_MISMATCH);
        // an unreadable domain matches nothing
        assertThat(sign("x@example.com", Submitter.of("@", null)).status())
                .isEqualTo(SignOutcome.Status.SENDER_MISMATCH);
        assertThat(sign("x@example.com", Submitter.of(null, "a@[192.0.2.1]")).status())
                .isEqualTo(SignOutcome.Status.SENDER_MISMATCH);
    }

    /**
     * Review s22: a From only some readers see (after a lone CR or a bare LF, which a CRLF-only or a lenient reader
     * reads as a line break) would ride on a signature made for the From we read: such a header section is not
     * signed, as the streamed path already refuses it.
     */
    @Test
    void aHeaderSectionReadersDisagreeOnIsNotSigned() {
        Submitter own = Submitter.of("mallory@example.com", "mallory@example.com");
        for (String header : new String[] {"Subject: hi\rFrom: CEO <ceo@bank.example>\r\nFrom: mallory@example.com\r\n",
                "From: mallory@example.com\r\nSubject: x\nTo: y@example.net\r\n",
                "From: mallory@example.com\nSubject: all bare LF\n"}) {
            SignOutcome outcome = signer.sign(bytes(header + (header.endsWith("\r\n") ? "\r\n" : "\n") + "body\r\n"),
                    own);
            assertThat(outcome.status()).as(header).isEqualTo(SignOutcome.Status.UNREADABLE);
            assertThat(outcome.reason()).contains("not CRLF lines alone");
        }
        // a bare LF in the body is the body's business
        assertThat(signer.sign(bytes("From: mallory@example.com\r\n\r\nbody\nmore\r"), own).signed()).isTrue();
    }

    @Test
    void ownDomainAndItsSubdomainsAreSigned() {
        assertThat(sign("x@Example.COM", Submitter.of("a@example.com.", "A@EXAMPLE.com")).signed()).isTrue();
        assertThat(sign("news@eu.example.com", Submitter.of("a@example.com", null)).signed()).isTrue();
        // a return path on a bounce subdomain (no AUTH: a client of the relay networks)
        assertThat(sign("x@example.com", Submitter.of(null, "b+x@bounces.example.com")).signed()).isTrue();
        assertThat(sign("x@example.com", Submitter.of(null, "b@example.com.evil.example")).status())
                .isEqualTo(SignOutcome.Status.SENDER_MISMATCH);
        // nothing known (a bounce without AUTH, a user name without a domain): not bound
        assertThat(sign("x@example.com", Submitter.of("alice", null)).signed()).isTrue();
        assertThat(sign("x@example.com", Submitter.UNKNOWN).signed()).isTrue();
        // no key comes first: NO_KEY is said whoever the submitter
        assertThat(new TableSigner(SigningTable.builder().build(), SignSettings.defaults())
                .sign(bytes("From: x@example.com\r\n\r\nbody\r\n"), Submitter.of("a@tenant.example", null)).status())
                .isEqualTo(SignOutcome.Status.NO_KEY);
    }
}
