package dev.authpack.dmarc;

import static dev.authpack.dmarc.DmarcFailClosedTest.assertEachNamesTheVictimAndIsRejected;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Review s23 B (attacker's review of f944f641, DMARC reading a From domain part that is no domain but shows one):
 * From values a client shows as an address at victim.example (p=reject) from which DMARC reads another name, or none
 * (a permerror or none asking for no disposition: cheaper for the attacker than the victim's fail). Each test fails
 * on s23-lead.
 */
class ReviewS23BDmarcTest {

    /**
     * The repair of f944f641 ({@code xn--victim-} shown as {@code victim}) in the last label: the trailing hyphen is
     * trimmed before the basic A-label is recognised, so {@code victim.xn--example-} is evaluated as
     * {@code victim.xn--example}, whose policy is nobody's.
     */
    @Test
    void aBasicALabelIsReadAsItsAsciiInTheLastLabelToo() {
        assertEachNamesTheVictimAndIsRejected(List.of("ceo@victim.xn--example-", "ceo@xn--victim-.xn--example-",
                "CEO <ceo@victim.XN--example-.>"));
    }

    /**
     * RFC 2047 §6.2: white space between adjacent encoded-words is not displayed ({@code ceo@vic tim.example} is
     * read, {@code ceo@victim.example} shown): DMARC evaluates {@code vic}.
     */
    @Test
    void adjacentEncodedWordsAreReadJoined() {
        assertEachNamesTheVictimAndIsRejected(List.of("ceo@=?utf-8?q?vic?= =?utf-8?q?tim.example?=",
                "=?utf-8?q?ceo=40vic?= =?utf-8?q?tim.example?=", "ceo@=?utf-8?q?vic?=\r\n =?utf-8?q?tim.example?="));
    }

    /**
     * A quoted-pair shows the character it escapes: {@code "ceo@victim\.example"} (a From of one quoted string, no
     * mailbox, read best-effort as shown) and {@code ceo@victim\.example} are read as {@code victim}.
     */
    @Test
    void aQuotedPairInADomainIsReadAsItsCharacter() {
        assertEachNamesTheVictimAndIsRejected(List.of("\"ceo@victim\\.example\"", "\"ceo@vic\\tim.example\"",
                "ceo@victim\\.example"));
    }

    /**
     * f944f641 reads {@code ceo@"victim.example"} as the name inside the quotes; a domain quoted in parts
     * ({@code ceo@"victim".example}, which a client shows the same way) is read as {@code victim}.
     */
    @Test
    void aDomainQuotedInPartsNamesTheNameShown() {
        assertEachNamesTheVictimAndIsRejected(List.of("ceo@\"victim\".example", "ceo@victim.\"example\"",
                "ceo@\"victim\".\"example\""));
    }

    /**
     * An encoded-word longer than RFC 2047's 75 characters is not decoded here; clients decode it (mime4j's
     * DecoderUtil, Thunderbird, Gmail). A From of one such word, no mailbox, shows {@code ceo@victim.example}:
     * permerror, no disposition.
     */
    @Test
    void anOverlongEncodedWordIsReadAsClientsShowIt() {
        assertEachNamesTheVictimAndIsRejected(List.of(
                "=?utf-8?q?=63=65=6F=40=76=69=63=74=69=6D=2E=65=78=61=6D=70=6C=65_____________?="));
    }

    /**
     * s23-lead decoded only the first 100 encoded-words are decoded; a From
     * of no mailbox showing {@code ceo@victim.example} after 100 filler words is a permerror with no disposition.
     */
    @Test
    void encodedWordsPastTheHundredthAreReadDecodedToo() {
        String filler = "=?us-ascii?q?_?=".repeat(100);
        assertEachNamesTheVictimAndIsRejected(List.of(filler + "=?utf-8?q?ceo=40victim.example?="));
    }
}
