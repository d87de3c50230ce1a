package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The soak's own checks, without James: they must catch what SoakIT is there to catch. */
class SoakLedgerTest {
    private static final String OURS = "Authentication-Results: mx.james.test;\r\n\tdkim=none;\r\n"
            + "\tspf=pass smtp.mailfrom=ok.soak.example;\r\n\tspf=none smtp.helo=client.soak.example;\r\n"
            + "\tdmarc=pass header.from=ok.soak.example\r\n";
    private static final String REST = "From: soak@ok.soak.example\r\nSubject: x\r\n\r\nbody\r\n";

    private static SoakMessages.Sent sent(long id, SoakCategory c, boolean upstream) {
        return new SoakMessages.Sent(id, c, List.of("exact"), upstream);
    }

    private static DeliveredMail mail(long id, SoakCategory c, String headers) {
        return new DeliveredMail("m" + id, SoakMessages.sender(id, c), List.of(JamesExtension.ALICE), "127.0.0.1",
                headers + REST, Map.of());
    }

    private static SoakLedger ledgerWith(SoakMessages.Sent sent) {
        SoakLedger ledger = new SoakLedger();
        ledger.submitting(sent);
        ledger.accepted(sent.id());
        return ledger;
    }

    @Test
    void aCleanMailHasNoViolationAndCountsAsExact() {
        SoakLedger ledger = ledgerWith(sent(1, SoakCategory.OK, false));
        ledger.found("delivered", mail(1, SoakCategory.OK, OURS));
        assertThat(ledger.violations()).isEmpty();
        assertThat(ledger.lost()).isEmpty();
        assertThat(ledger.exactHits()).isEqualTo(1);
    }

    @Test
    void survivingForgedFieldsMissingOrDoubledFieldsAndLostUpstreamAreViolations() {
        SoakLedger ledger = ledgerWith(sent(2, SoakCategory.OK, true));
        ledger.found("delivered", mail(2, SoakCategory.OK, OURS + "Authentication-Results: "
                + SoakMessages.FORGED.get("trailing-dot") + "\r\n"));
        assertThat(ledger.violations()).containsOnlyKeys("forged field survived: trailing-dot", "upstream field lost");

        SoakLedger none = ledgerWith(sent(3, SoakCategory.OK, false));
        none.found("delivered", mail(3, SoakCategory.OK, ""));
        assertThat(none.violations()).containsOnlyKeys("0 fields of ours");

        SoakLedger two = ledgerWith(sent(4, SoakCategory.OK, false));
        two.found("delivered", mail(4, SoakCategory.OK, OURS + OURS));
        assertThat(two.violations()).containsKeys("2 fields of ours", "our field is not the topmost");
    }

    @Test
    void aResultTheCategoryDoesNotAllowIsAViolation() {
        SoakLedger ledger = ledgerWith(sent(5, SoakCategory.DROP, false));
        ledger.found("delivered", mail(5, SoakCategory.DROP, OURS));
        assertThat(ledger.violations()).containsOnlyKeys(
                "spf=pass for DROP (allowed [temperror])", "dmarc=pass for DROP (allowed [fail, temperror])");
    }

    @Test
    void lostTwiceFoundAndUnexpectedRepositoriesAreCounted() {
        SoakLedger ledger = ledgerWith(sent(6, SoakCategory.OK, false));
        ledger.submitting(sent(7, SoakCategory.OK, false));
        ledger.accepted(7);
        ledger.found("delivered", mail(6, SoakCategory.OK, OURS));
        ledger.found("error", mail(6, SoakCategory.OK, OURS));
        assertThat(ledger.lost()).containsExactly(7L);
        assertThat(ledger.inFlight()).isEqualTo(1);
        assertThat(ledger.violations()).containsOnlyKeys("found twice");
        ledger.found("error", mail(7, SoakCategory.OK, OURS));
        assertThat(ledger.violations()).containsKeys("in repository error");
        assertThat(ledger.lost()).isEmpty();
    }

    @Test
    void everyBuiltMessageCarriesMarkedForgedFieldsOnTopAndItsIdInTheSender() {
        SoakMessages messages = new SoakMessages(new SoakMessages.Templates("T1\r\n", "T2\r\n", "T3\r\n"));
        Random random = new Random(1);
        for (SoakCategory c : SoakCategory.values()) {
            SoakMessages.Built b = messages.build(42, c, random);
            List<String> top = b.text().lines().takeWhile(l -> !l.startsWith("From:") && !l.startsWith("T"))
                    .filter(l -> l.startsWith("Authentication-Results:")).toList();
            assertThat(top).as(c.toString()).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).doesNotContain("null"));
            assertThat(b.text()).contains(SoakMessages.FORGED_MARK);
            assertThat(SoakMessages.idOf(SoakMessages.sender(42, c))).isEqualTo(42);
        }
        assertThat(SoakMessages.FORGED.values()).allSatisfy(v -> assertThat(v).contains(SoakMessages.FORGED_MARK));
        assertThat(SoakMessages.idOf("bob@example.com")).isEqualTo(-1);
    }

    @Test
    void drawsReachEveryCategoryAndTheZoneLoads() throws Exception {
        Set<SoakCategory> seen = EnumSet.noneOf(SoakCategory.class);
        for (int i = 0; i < 1000; i++) {
            seen.add(SoakCategory.draw(i / 1000.0));
        }
        assertThat(seen).containsExactlyInAnyOrder(SoakCategory.values());
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(SoakCategory.zone())) {
            assertThat(dns.port()).isPositive();
        }
    }
}
