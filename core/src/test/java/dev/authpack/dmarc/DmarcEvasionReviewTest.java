package dev.authpack.dmarc;

import static dev.authpack.dmarc.DmarcFailClosedTest.VICTIM;
import static dev.authpack.dmarc.DmarcFailClosedTest.assertRejected;
import static dev.authpack.dmarc.DmarcFailClosedTest.from;
import static dev.authpack.dmarc.DmarcFailClosedTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Evasions found by the attacker's review of the fail-closed rules (issue 9): each names a way a mail client can
 * show {@code ceo@victim.example} (p=reject) while the evaluator saw something else. Sent by an attacker whose
 * own domain passes SPF; {@code disposition} must stay {@code reject}.
 */
class DmarcEvasionReviewTest {

    @Nested
    class GroupNames {
        @Test
        void anAddressWrittenAsTheGroupNameIsAnAuthor() {
            // RFC 5322 §3.4: a group's display name is a phrase, which holds no '@'; clients show it
            for (String v : List.of("ceo@victim.example: x@attacker.example;", "ceo@victim.example:;",
                    "ceo@victim.example: ;", "Boss ceo@victim.example: x@attacker.example;",
                    "x@attacker.example, ceo@victim.example:;")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void aGroupWithAPlainNameIsUnchanged() {
            DmarcResult r = from("Team: x@attacker.example;");
            assertThat(r.fromDomains()).containsExactly("attacker.example");
            assertThat(r.status()).isEqualTo(DmarcStatus.NONE);
            assertThat(r.reason()).doesNotContain("best-effort");
        }
    }

    @Nested
    class DomainLiterals {
        @Test
        void aDomainLiteralHoldingANameShowsThatName() {
            for (String v : List.of("ceo@[victim.example]", "ceo@[victim.example], x@attacker.example",
                    "ceo@[ victim.example ]")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void anAddressLiteralStillHasNoAuthorDomain() {
            for (String v : List.of("x@[192.0.2.1]", "x@[IPv6:2001:db8::1]")) {
                DmarcResult r = from(v);
                assertThat(r.status()).as(v).isEqualTo(DmarcStatus.PERMERROR);
                assertThat(r.fromDomains()).isEmpty();
            }
        }
    }

    @Nested
    class InvisibleCharacters {
        @Test
        void defaultIgnorableCharactersOutsideFormatAreInvisibleToo() {
            List<String> values = List.of(
                    "ceo@vic\uDB40\uDC20tim.example",        // U+E0020 TAG SPACE (Cf, supplementary)
                    "ceo@vic\uD82F\uDCA0tim.example",        // U+1BCA0 SHORTHAND FORMAT LETTER OVERLAP (Cf)
                    "ceo@vic\u3164tim.example",              // HANGUL FILLER (Lo, default ignorable)
                    "ceo@vic\u115Ftim.example",              // HANGUL CHOSEONG FILLER
                    "ceo@vic\u1160tim.example",              // HANGUL JUNGSEONG FILLER
                    "ceo@vic\uFFA0tim.example",              // HALFWIDTH HANGUL FILLER
                    "ceo@vic\u17B4tim.example",              // KHMER VOWEL INHERENT AQ (Mn, default ignorable)
                    "ceo@victim.example\u3164");
            for (String v : values) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void emojiVariationSelectorsInADisplayNameKeepTheStrictReading() {
            DmarcResult r = from("\"\u2764\uFE0F ceo@victim.example via List\" <list@attacker.example>");
            assertThat(r.fromDomains()).containsExactly("attacker.example");
            DmarcResult inDomain = from("ceo@vic\uFE0Ftim.example");
            assertThat(inDomain.fromDomains()).containsExactly("victim.example");
            assertRejected(inDomain);
        }

        @Test
        void aRightToLeftOverrideShowsTheDomainReversed() {
            // U+202E RLO displays "elpmaxe.mitciv" as "victim.example"
            for (String v : List.of("ceo@\u202Eelpmaxe.mitciv", "ceo@\u202Eelpmaxe.mitciv\u202C",
                    "\u202Eelpmaxe.mitciv@oec", "Boss <ceo@\u202Eelpmaxe.mitciv\u202C>",
                    "ceo@\u2067\u202Eelpmaxe.mitciv\u202C\u2069")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }
    }

    @Nested
    class LookAlikeDots {
        @Test
        void confusableFullStopsAreReadAsDots() {
            for (String v : List.of("ceo@victim\uA4F8example", "ceo@victim\u0660example", "ceo@victim\u06F0example",
                    "ceo@victim\u0701example", "ceo@victim\u0702example", "ceo@victim\uA60Eexample")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }
    }

    @Nested
    class FoldedFieldNames {
        @Test
        void aFieldNameFoldedBeforeItsColonIsReadAsClientsUnfoldIt() {
            // JavaMail (and so James) unfolds "From\r\n : v" and trims the name to "From"
            for (String m : List.of("Subject: x\r\nFrom\r\n : " + VICTIM + "\r\n\r\n",
                    "Subject: x\r\nFrom\r\n\t: " + VICTIM + "\r\n\r\n",
                    "From\r\n : " + VICTIM + "\r\nSubject: x\r\n\r\n",
                    "Subject: x\r\nFr\r\n om: " + VICTIM + "\r\n\r\n",
                    "Subject: x\nFrom\n : " + VICTIM + "\n\n",
                    "From: x@attacker.example\r\nFrom\r\n : " + VICTIM + "\r\n\r\n")) {
                DmarcResult r = message(m);
                assertThat(r.fromDomains()).as(m).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void aLoneCarriageReturnInsideAnAddressIsReadAsNothingToo() {
            // a client that ignores a lone CR shows ceo@victim.example; one that breaks the line shows "vic"
            for (String m : List.of("X Bad: y\r\nFrom: ceo@vic\rtim.example\r\n\r\n",
                    "From: ceo@vic\rtim.example\r\nX Bad: y\r\n\r\n",
                    "From: ceo@vic\rtim.example\r\n\r\n",
                    "X Bad: y\nFrom: Boss <ceo@victim\r.example>\n\n")) {
                DmarcResult r = message(m);
                assertThat(r.fromDomains()).as(m).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void otherFoldedNamesAreNotFromFields() {
            DmarcResult r = message("From: x@attacker.example\r\nX-Note\r\n : " + VICTIM + "\r\n\r\n");
            assertThat(r.fromDomains()).containsExactly("attacker.example");
        }
    }

    @Nested
    class NamesTheDnsCannotHold {
        @Test
        void aSubdomainOfTheVictimTooLongForTheDnsIsTheVictims() {
            for (String v : List.of("ceo@" + "a".repeat(64) + ".victim.example",
                    "ceo@" + "a.".repeat(130) + "victim.example",
                    "Boss <ceo@" + "b".repeat(70) + ".victim.example>")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).anyMatch(d -> d.endsWith("victim.example"));
                assertRejected(r);
            }
        }

        @Test
        void spacesAroundADotDoNotSplitTheName() {
            // U+00A0 shows as a space; RFC 5322's obsolete syntax allows white space next to the dot
            for (String v : List.of("ceo@victim\u00A0.example", "ceo@victim.\u00A0example",
                    "ceo@victim\u2009.\u2009example\u0001")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void aDotFollowedBySpaceIsReadBothWays() {
            // RFC 5322 joins "victim.example. attacker" into victim.example.attacker; a client shows victim.example
            for (String v : List.of("ceo@victim.example. attacker", "ceo@victim.example .attacker",
                    "Boss <ceo@victim.example. attacker>", "ceo@victim.example.(c)attacker")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        @org.junit.jupiter.api.Timeout(value = 20, unit = java.util.concurrent.TimeUnit.SECONDS)
        void hostileRunsOfDotsAndHyphensStayLinear() {
            for (String filler : List.of(".", "-", ".-", "a.", " .")) {
                String v = "ceo@" + filler.repeat(400_000 / filler.length()) + " ceo@victim.example";
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(filler).contains("victim.example");
                assertRejected(r);
            }
        }
    }

    @Nested
    class EncodedWords {
        @Test
        void charsetsAndEncodingsClientsDecodeLeniently() {
            for (String v : List.of("=?utf-7?q?ceo+AEA-victim.example?=",
                    "=?UTF-7?B?Y2VvK0FFQS12aWN0aW0uZXhhbXBsZQ==?=",
                    "=?unicode-1-1-utf-7?q?ceo+AEA-victim+AC4-example?=",
                    "=?utf-8?b?Y2VvQHZpY3RpbS5leGFtcGxl=?=",
                    "=?utf-8?b?Y2VvQHZpY3RpbS5leGFtcGxl!!?=")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }
    }

    @Nested
    class NoMailboxButANameShown {
        @Test
        void anEncodedWordInAnAddressIsDecodedAsClientsShowIt() {
            // RFC 2047 §5 forbids it there; clients decode it: ceo@victim.example@attacker.example
            for (String v : List.of("=?utf-8?q?ceo=40victim.example?=@attacker.example",
                    "Boss <=?utf-8?q?ceo=40victim.example?=@attacker.example>")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void withoutAnyMailboxTheNamesShownCount() {
            // no address at all: what a client shows is the name, and no list or forwarder writes such a From
            for (String v : List.of("\"ceo@victim.example\":;", "=?utf-8?q?ceo=40victim.example?=:;",
                    "(ceo@victim.example)", "\"ceo@victim.example\" <x@[192.0.2.1]>")) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void aListsQuotedNameBesideARealAddressStillDoesNotCount() {
            DmarcResult r = from("\"ceo@victim.example via List\" <list@attacker.example>");
            assertThat(r.fromDomains()).containsExactly("attacker.example");
        }
    }

    /**
     * Outside dmarc/ (dev.authpack.check.DmarcOverride, not fixed here): a trusted ARC sealer's {@code dmarc=pass}
     * is taken for the whole message whatever author domain it was about. An attacker gets a set sealed by a
     * trusted sealer for mail From its own domain (dmarc=pass header.from=attacker.example), then adds
     * {@code From: ceo@victim.example} above it (an AMS with h=from covers the bottom From only) and sends it
     * on: the chain still validates, DMARC fails for victim.example, and the override sets the disposition to none.
     * Fix: override only when the sealer's dmarc=pass names (header.from) the author domain that failed.
     */
    @Nested
    class ArcOverrideReplay {
        @Test
        void aTrustedSealersPassForAnotherAuthorDomainDoesNotOverride() {
            DmarcResult failed = from(VICTIM);
            assertRejected(failed);
            String aar = "dmarc=pass header.from=attacker.example";
            dev.authpack.arc.ArcSet set = new dev.authpack.arc.ArcSet(1, "lists.example.org", "s", "none",
                    "lists.example.org", "s", "lists.example.org", aar,
                    dev.authpack.authres.AuthResultsParser.parse("lists.example.org; " + aar),
                    dev.authpack.arc.SignatureVerdict.PASS, null, dev.authpack.arc.SignatureVerdict.PASS, null,
                    true);
            dev.authpack.arc.ArcResult arc = new dev.authpack.arc.ArcResult(dev.authpack.arc.ArcStatus.PASS, null, 0,
                    List.of(set), 1, false);
            assertThat(dev.authpack.check.DmarcOverride.find(failed, arc, java.util.Set.of("lists.example.org")))
                    .as("a pass for attacker.example says nothing about victim.example").isEmpty();
        }
    }
}
