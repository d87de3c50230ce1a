package dev.authpack.dmarc;

import static dev.authpack.dmarc.DmarcFailClosedTest.assertRejected;
import static dev.authpack.dmarc.DmarcFailClosedTest.from;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Session 22's attacker's review of DMARC evaluation: each case is a From value a mail client shows as an address
 * at {@code victim.example} (p=reject), sent by an attacker whose own domain passes SPF.
 */
class ReviewS22DmarcTest {

    @Nested
    class IdeographicFullStops {
        /**
         * IDNA (RFC 3490 §3.1) reads U+3002, U+FF0E and U+FF61 as label separators, so {@code victim.example。} is
         * {@code victim.example.}, the fully qualified name. The best-effort reading trimmed only an ASCII dot at
         * either end: the name was refused, no author domain was left, and the result was a permerror asking for no
         * disposition.
         */
        @Test
        void anIdeographicFullStopAtEitherEndIsTheDotOfAFullyQualifiedName() {
            for (String v : List.of("ceo@victim.example\u3002", "ceo@victim.example\uFF61", "ceo@victim.example\uFF0E",
                    "ceo@\u3002victim.example", "CEO <ceo@victim.example\u3002>", "ceo@victim\u3002example\u3002",
                    "ceo@victim.example.\u3002-", "ceo@x-\u3002victim.example")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void twoSeparatorsInsideTheNameAreStillNoName() {
            DmarcResult r = from("ceo@victim\u3002\u3002example");
            assertThat(r.fromDomains()).as(r.toString()).doesNotContain("victim.example");
        }
    }
}
