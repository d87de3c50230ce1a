package dev.authpack.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeWalkTest {

    @Test
    void targetsOfShortNamesAreEveryAncestor() {
        assertThat(TreeWalk.targets("a.mail.example.com"))
                .containsExactly("a.mail.example.com", "mail.example.com", "example.com", "com");
        assertThat(TreeWalk.targets("example.com")).containsExactly("example.com", "com");
        assertThat(TreeWalk.targets("localhost")).containsExactly("localhost");
    }

    @Test
    void longNamesSkipToSevenLabelsSoAWalkNeverExceedsEightQueries() {
        // the example of RFC 9989 §4.10
        assertThat(TreeWalk.targets("a.b.c.d.e.f.g.h.i.j.mail.example.com")).containsExactly(
                "a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
                "i.j.mail.example.com", "j.mail.example.com", "mail.example.com", "example.com", "com");
        assertThat(TreeWalk.targets("1.2.3.4.5.6.7.8")).containsExactly("1.2.3.4.5.6.7.8", "2.3.4.5.6.7.8",
                "3.4.5.6.7.8", "4.5.6.7.8", "5.6.7.8", "6.7.8", "7.8", "8");
        assertThat(TreeWalk.targets("1.2.3.4.5.6.7")).hasSize(7);
        for (int labels = 1; labels <= 127; labels++) {
            String name = String.join(".", java.util.Collections.nCopies(labels, "a"));
            assertThat(TreeWalk.targets(name)).hasSizeLessThanOrEqualTo(TreeWalk.MAX_QUERIES);
        }
    }

    private static TreeWalk.Outcome walk(String start, Map<String, String> records) {
        List<PolicyLookup> lookups = new ArrayList<>();
        for (String t : TreeWalk.targets(start)) {
            String txt = records.get(t);
            lookups.add(txt == null
                    ? PolicyLookup.absent(t, "none")
                    : new PolicyLookup(t, PolicyLookup.Kind.FOUND, DmarcRecordParser.parse(txt, 4096), ""));
        }
        return TreeWalk.select(start, lookups);
    }

    @Test
    void organizationalDomainIsTheRecordWithFewestLabels() {
        // RFC 9989 §4.10.2, first example
        TreeWalk.Outcome o = walk("a.mail.example.com", Map.of(
                "mail.example.com", "v=DMARC1; p=none", "example.com", "v=DMARC1; p=reject"));
        assertThat(o.orgDomain()).isEqualTo("example.com");
        assertThat(o.records()).extracting(PolicyLookup::domain).containsExactly("mail.example.com", "example.com");
    }

    @Test
    void psdNoNamesItselfAndStopsTheWalk() {
        // second example
        TreeWalk.Outcome o = walk("a.mail.example.com", Map.of(
                "mail.example.com", "v=DMARC1; p=none; psd=n", "example.com", "v=DMARC1; p=reject"));
        assertThat(o.orgDomain()).isEqualTo("mail.example.com");
        assertThat(o.records()).extracting(PolicyLookup::domain).containsExactly("mail.example.com");
    }

    @Test
    void psdYesNamesTheDomainOneLabelBelow() {
        // third example
        TreeWalk.Outcome o = walk("a.mail.example.com", Map.of("com", "v=DMARC1; p=reject; psd=y"));
        assertThat(o.orgDomain()).isEqualTo("example.com");
        assertThat(o.publicSuffixRecord().domain()).isEqualTo("com");
        TreeWalk.Outcome two = walk("a.mail.example.com", Map.of(
                "example.com", "v=DMARC1; p=reject; psd=y", "com", "v=DMARC1; p=none; psd=y"));
        assertThat(two.orgDomain()).isEqualTo("mail.example.com");
        assertThat(two.records()).extracting(PolicyLookup::domain).containsExactly("example.com");
    }

    @Test
    void psdYesAtTheStartIsNotUsedForOneLabelBelow() {
        TreeWalk.Outcome o = walk("example.gov", Map.of("example.gov", "v=DMARC1; p=reject; psd=y"));
        assertThat(o.orgDomain()).isEqualTo("example.gov");
        assertThat(o.publicSuffixRecord()).isNull();
    }

    @Test
    void psdUnknownDoesNotStop() {
        TreeWalk.Outcome o = walk("a.example.com", Map.of(
                "a.example.com", "v=DMARC1; p=none; psd=u", "com", "v=DMARC1; p=none"));
        assertThat(o.records()).hasSize(2);
        assertThat(o.orgDomain()).isEqualTo("com");
    }

    @Test
    void withoutRecordsTheStartIsItsOwnOrganizationalDomain() {
        assertThat(walk("a.mail.example.com", Map.of()).orgDomain()).isEqualTo("a.mail.example.com");
    }

    @Test
    void aDnsErrorBeforeTheStopLeavesTheOutcomeUnknown() {
        List<PolicyLookup> lookups = List.of(PolicyLookup.absent("a.example.com", ""),
                new PolicyLookup("example.com", PolicyLookup.Kind.ERROR, null, "DNS TIMEOUT"),
                PolicyLookup.absent("com", ""));
        TreeWalk.Outcome o = TreeWalk.select("a.example.com", lookups);
        assertThat(o.failed()).isTrue();
        assertThat(o.orgDomain()).isNull();
        // after a psd stop, a later error does not matter
        List<PolicyLookup> stopped = List.of(new PolicyLookup("a.example.com", PolicyLookup.Kind.FOUND,
                        DmarcRecordParser.parse("v=DMARC1; psd=n", 4096), ""),
                new PolicyLookup("example.com", PolicyLookup.Kind.ERROR, null, "DNS TIMEOUT"),
                PolicyLookup.absent("com", ""));
        assertThat(TreeWalk.select("a.example.com", stopped).orgDomain()).isEqualTo("a.example.com");
    }

    @Test
    void multipleRecordsAtANameCountAsNone() {
        List<PolicyLookup> lookups = List.of(
                new PolicyLookup("a.example.com", PolicyLookup.Kind.MULTIPLE, null, "2 records"),
                PolicyLookup.absent("example.com", ""), PolicyLookup.absent("com", ""));
        assertThat(TreeWalk.select("a.example.com", lookups).orgDomain()).isEqualTo("a.example.com");
    }

    @Test
    void oneLabelBelow() {
        assertThat(TreeWalk.oneLabelBelow("com", "a.b.example.com")).isEqualTo("example.com");
        assertThat(TreeWalk.oneLabelBelow("co.uk", "www.shop.co.uk")).isEqualTo("shop.co.uk");
        assertThat(TreeWalk.oneLabelBelow("com", "example.com")).isEqualTo("example.com");
    }

    @Test
    void commonAncestorIsLabelWise() {
        assertThat(TreeWalk.commonAncestor("a.example.com", "b.example.com")).isEqualTo("example.com");
        assertThat(TreeWalk.commonAncestor("example.com", "mail.example.com")).isEqualTo("example.com");
        assertThat(TreeWalk.commonAncestor("xample.com", "example.com")).isEqualTo("com");
        assertThat(TreeWalk.commonAncestor("victim.example", "victim.example")).isEqualTo("victim.example");
        assertThat(TreeWalk.commonAncestor("victim.example", "attacker.test")).isNull();
        assertThat(TreeWalk.commonAncestor("a.evil-victim.example", "victim.example")).isEqualTo("example");
    }
}
