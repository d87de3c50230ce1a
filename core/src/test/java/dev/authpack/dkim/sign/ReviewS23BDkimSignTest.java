package dev.authpack.dkim.sign;

import static dev.authpack.dkim.sign.SignTestKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review s23 B (attacker's review of 359f10c8, DkimSign refusing a From that shows another domain's address): From
 * values a mail client shows as {@code ceo@bank.example} (or an address under bank.example) that the refusal does not
 * see, and so signs for tenant.example. Each test fails on s23-lead (the message is SIGNED).
 */
class ReviewS23BDkimSignTest {
    /** tenant.example and its subdomains signed by one key of d=tenant.example. */
    private static final String KEYS = "tenant tenant.example:t:rsa.pem\n";
    private static final String SIGNING = "tenant.example tenant\n*.tenant.example tenant\n";
    private TableSigner signer;

    @BeforeEach
    void tables(@TempDir Path dir) throws Exception {
        signer = SignTestKeys.rsaTableSigner(dir, KEYS, SIGNING);
    }

    private SignOutcome sign(String from) {
        String message = "From: " + from + "\r\nTo: bob@example.net\r\nSubject: invoice\r\n\r\nPay it.\r\n";
        return signer.sign(bytes(message), Submitter.of("user@tenant.example", null));
    }

    private void assertRefused(List<String> froms) {
        for (String from : froms) {
            SignOutcome outcome = sign(from);
            assertThat(outcome.status()).as(from + ": " + outcome.reason())
                    .isEqualTo(SignOutcome.Status.DISPLAYED_DOMAIN);
        }
    }

    /**
     * RFC 2047 §6.2: white space between two adjacent encoded-words is not displayed. {@code =?utf-8?q?ceo=40ba?=
     * =?utf-8?q?nk.example?=} shows {@code ceo@bank.example}; DisplayedDomains keeps the space and reads {@code ba}
     * (one label, nobody's domain).
     */
    @Test
    void adjacentEncodedWordsAreShownJoined() {
        assertRefused(List.of("=?utf-8?q?ceo=40ba?= =?utf-8?q?nk.example?= <user@tenant.example>",
                "=?utf-8?q?ceo=40bank?=\r\n =?utf-8?q?.example?= <user@tenant.example>",
                "user@tenant.example (=?utf-8?q?ceo=40ba?= =?utf-8?q?nk.example?=)",
                "=?utf-8?b?Y2VvQGJh?= =?utf-8?b?bmsuZXhhbXBsZQ==?= <user@tenant.example>"));
    }

    /**
     * RFC 5322 §3.2.4: a quoted-pair in a quoted display name is shown as the character it escapes.
     * {@code "ceo@bank\.example"} and {@code "ceo@b\ank.example"} show {@code ceo@bank.example}; the scan stops at
     * the backslash.
     */
    @Test
    void aQuotedPairInTheDisplayedDomainIsShownAsItsCharacter() {
        assertRefused(List.of("\"ceo@bank\\.example\" <user@tenant.example>",
                "\"ceo@b\\ank.example\" <user@tenant.example>", "\"ceo\\@bank\\.example\" <user@tenant.example>"));
    }

    /**
     * With any bidi control in the value (a right-to-left mark in a Hebrew name, say), a shown name whose labels
     * reversed are ours or below is taken for ours. {@code example.tenant.bank.example} reversed is
     * {@code example.bank.tenant.example}, below tenant.example: signed, though nothing reverses it and a client shows
     * an address under bank.example.
     */
    @Test
    void aBidiMarkDoesNotMakeANameUnderAnotherDomainOurs() {
        assertRefused(List.of("\"\u200Fceo@example.tenant.bank.example\" <user@tenant.example>",
                "\"ceo@example.tenant.bank.example \u05d3\u200f\" <user@tenant.example>"));
    }

    /**
     * Ordinary mail refused (Low, a judgement call): a social-media handle in a display name ({@code "Jane Doe
     * (@jane.doe)"}) has no local part, so no client shows it as an address, yet it is read as the domain
     * {@code jane.doe} and the mail is passed on unsigned.
     */
    @Test
    void aHandleWithoutALocalPartIsNoAddressShown() {
        for (String from : List.of("\"Jane Doe (@jane.doe)\" <user@tenant.example>",
                "\"Jane Doe @jane.doe\" <user@tenant.example>")) {
            SignOutcome outcome = sign(from);
            assertThat(outcome.status()).as(from + ": " + outcome.reason()).isEqualTo(SignOutcome.Status.SIGNED);
        }
    }

    /**
     * s23-lead decoded only the first 100 encoded-words of a value are
     * decoded; clients decode them all. 100 empty-looking words (1.6 KB, far within the 64 KiB From the signer reads)
     * before {@code =?utf-8?q?ceo=40bank.example?=} leave it as written.
     */
    @Test
    void encodedWordsPastTheHundredthAreShownDecodedToo() {
        String filler = "=?us-ascii?q?_?=".repeat(100);
        assertRefused(List.of(filler + " =?utf-8?q?ceo=40bank.example?= <user@tenant.example>",
                "user@tenant.example (" + filler + "=?utf-8?q?ceo=40bank.example?=)"));
    }

    /**
     * A multi-octet character split over two adjacent encoded-words of one charset (RFC 2047 §5 forbids it; clients
     * join the octets, Thunderbird among them): {@code ＠} (EF BC A0 in UTF-8) written {@code =EF=BC} + {@code =A0}
     * is decoded here word by word into two replacement characters, no at sign.
     */
    @Test
    void aCharacterSplitOverAdjacentEncodedWordsIsShownWhole() {
        assertRefused(List.of("=?utf-8?q?ceo=EF=BC?==?utf-8?q?=A0bank.example?= <user@tenant.example>",
                "=?utf-8?q?ceo=EF?= =?utf-8?q?=BC=A0bank.example?= <user@tenant.example>"));
    }

    /**
     * An encoded-word longer than RFC 2047's 75 characters is not decoded here; clients decode it (mime4j's
     * DecoderUtil, Thunderbird, Gmail): the display name shows {@code ceo@bank.example}, followed by spaces.
     */
    @Test
    void anOverlongEncodedWordIsShownDecoded() {
        String word = "=?utf-8?q?=63=65=6F=40=62=61=6E=6B=2E=65=78=61=6D=70=6C=65" + "_".repeat(20) + "?=";
        assertThat(word.length()).isGreaterThan(75);
        assertRefused(List.of(word + " <user@tenant.example>", "user@tenant.example (" + word + ")"));
    }

    /**
     * The other side of {@link #aHandleWithoutALocalPartIsNoAddressShown} (fixB): a handle of a registrable name
     * (under a public suffix) still counts, as does any name after a local part, seen anywhere in the value.
     */
    @Test
    void aHandleOfARegistrableNameStillCounts() {
        assertRefused(List.of("\"Bank (@bank.com)\" <user@tenant.example>", "\"CEO @bank.com\" <user@tenant.example>",
                "\"(@jane.doe) ceo@jane.doe\" <user@tenant.example>", "\"ceo@bank.example (@bank.example)\" <user@tenant.example>"));
    }

    /**
     * A name read only by reversing the labels of another is ours only when it reverses exactly one of our domains
     * (fixB): a Hebrew name's right-to-left mark next to our own address is signed; a subdomain of ours whose
     * reversal shows an address under bank.example is not.
     */
    @Test
    void aReversalIsOursOnlyOfOurOwnDomain() {
        assertThat(sign("\"\u05d3\u05d5\u05d3\u200f\" <user@tenant.example>").status())
                .isEqualTo(SignOutcome.Status.SIGNED);
        assertRefused(List.of("\"\u202Ex@example.bank.tenant.example\" <user@tenant.example>",
                "\u200F <ceo@example.bank.tenant.example>"));
    }
}
