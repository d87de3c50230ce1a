package dev.authpack.dmarc;

import static dev.authpack.dmarc.DmarcFailClosedTest.assertEachNamesTheVictimAndIsRejected;
import static dev.authpack.dmarc.DmarcFailClosedTest.from;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Session 23: From values whose address has a domain part that is no valid domain name, which a mail client shows as
 * an address at {@code victim.example} (p=reject), sent by an attacker whose own domain passes SPF. The strict
 * reading found no author domain and the best-effort reading none either: the result was a {@code permerror} asking
 * for no disposition, cheaper for the attacker than the victim's {@code fail}.
 */
class ReviewS23DmarcTest {

    /** Empty labels, at any place and written with any of IDNA's full stops: the reader sees victim.example. */
    @Test
    void aNameWithEmptyLabelsIsReadWithoutThem() {
        assertEachNamesTheVictimAndIsRejected(List.of("ceo@victim..example", "CEO <ceo@victim..example>",
                "ceo@victim...example", "ceo@..victim..example..", "ceo@victim\u3002\u3002example",
                "ceo@victim.\uFF0Eexample", "\"CEO\" <ceo@victim.\uFF61.example>"));
    }

    /** Below the victim's name: the reader sees a subdomain of it, whose policy is the victim's too. */
    @Test
    void anEmptyLabelBelowTheVictimNamesTheSubdomain() {
        DmarcResult r = from("ceo@mail..victim.example");
        assertThat(r.fromDomains()).as(r.toString()).contains("mail.victim.example");
        DmarcFailClosedTest.assertRejected(r);
    }

    /** A quoted domain part ({@code ceo@"victim.example"}) is no domain; a client shows the name in the quotes. */
    @Test
    void aQuotedDomainNamesTheNameInside() {
        assertEachNamesTheVictimAndIsRejected(List.of("ceo@\"victim.example\"", "CEO <ceo@\"victim.example\">",
                "ceo@ \"victim..example\""));
    }

    /**
     * An {@code xn--} label without an encoded part ({@code xn--victim-}) is no A-label (it ends with a hyphen and
     * decodes to ASCII alone), but a lenient decoder shows it as {@code victim}.
     */
    @Test
    void anALabelWithoutAnEncodedPartIsReadAsItsAscii() {
        assertEachNamesTheVictimAndIsRejected(List.of("ceo@xn--victim-.example", "ceo@XN--victim-.example",
                "CEO <ceo@xn--victim-..example>"));
    }

    /** What was read so before stays so: spaces next to a dot, over-long labels and names, domain literals. */
    @Test
    void theOtherBrokenShapesStillNameTheVictim() {
        assertEachNamesTheVictimAndIsRejected(List.of("ceo@victim .example", "ceo@victim. example",
                "ceo@" + "a".repeat(64) + ".victim.example", "ceo@[victim.example]", "ceo@.victim.example",
                "ceo@victim.example.."));
        // over 253 octets: its longest valid parent, below the victim
        DmarcResult r = from("ceo@" + "abcdefghi.".repeat(30) + "victim.example");
        assertThat(r.fromDomains()).as(r.toString()).singleElement().asString().endsWith(".victim.example");
        DmarcFailClosedTest.assertRejected(r);
    }

    /**
     * An address literal shows an address, no domain of anyone's: no author domain, a permerror asking for no
     * disposition (rule 4), as before; so does a name that stays invalid whatever a reader drops.
     */
    @Test
    void anAddressLiteralOrANameNothingMakesValidNamesNoOne() {
        for (String value : List.of("ceo@[192.0.2.1]", "ceo@[IPv6:2001:db8::1]", "ceo@xn---.example")) {
            DmarcResult r = from(value);
            assertThat(r.fromDomains()).as(value + ": " + r).isEmpty();
            assertThat(r.status()).as(value + ": " + r).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.disposition()).as(value + ": " + r).isEqualTo(DmarcPolicy.NONE);
        }
    }
}
