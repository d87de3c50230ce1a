package dev.authpack.dmarc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s18: the CRLF-only reading of From fields added in session 17 ({@code FromFieldScan.crlfOnlyField}).
 */
class Review18FromFieldScanTest {

    /**
     * {@code From<LF>: }, {@code unit} repeated past the value window ({@link FromFieldScan#MAX_FROM_BYTES}; each
     * unit ends with a bare LF, dropped from what is kept, so half the window is kept and the From field every
     * reading sees, below, still fits the bound), then {@code shown}; then {@code From: a@attacker.example}.
     */
    private static byte[] hiddenPastTheWindow(String unit, String shown) {
        String message = "Subject: s\r\nFrom\n: " + unit.repeat(FromFieldScan.MAX_FROM_BYTES / 2 + 16) + " " + shown
                + "\r\nFrom: a@attacker.example\r\n\r\nbody\r\n";
        return message.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Severity: Low (Medium if a header section past the strict parser's bound reaches DMARC with an aligned pass).
     * Attack: a From field only a CRLF-only reader sees ({@code From<LF>: ...}, name folded over a bare LF) whose
     * value is longer than {@link FromFieldScan#MAX_FROM_BYTES}, the forged address at its end. crlfOnlyField
     * stops looking at {@code colon + 1 + MAX_FROM_BYTES} and keeps that window as a "possible continuation"
     * without marking the scan incomplete ({@code keepJoined} counts exactly MAX_FROM_BYTES, not more): the address
     * past the window is never read, yet the scan says it read the whole header section, so DMARC does not fail
     * closed. The class comment promises "past one of [the bounds] the scan is incomplete and DMARC fails closed".
     * Expected: a field whose value runs past the window makes the scan incomplete (or its whole value is read).
     */
    @Test
    void crlfOnlyFromFieldLongerThanTheValueBoundLeavesTheScanComplete() {
        // bare LFs in the padding: the window holds MAX_FROM_BYTES octets, half of them kept (LFs dropped), so
        // the From value javax.mail reads afterwards still fits the bound
        FromFieldScan s = FromFieldScan.of(hiddenPastTheWindow("x\n", "<ceo@victim.example>"));
        boolean victimSeen = s.values().stream().anyMatch(v -> v.contains("victim.example"))
                || s.possibleContinuations().stream().anyMatch(v -> v.contains("victim.example"));
        assertThat(victimSeen || !s.complete())
                .as("complete=%s, values=%s, %d continuation(s)", s.complete(), s.values(),
                        s.possibleContinuations().size())
                .isTrue();
    }

    /**
     * The same at DMARC's level (DmarcEvaluator over the octets): {@code From<LF>: } then white space over bare LFs
     * (continuation lines to javax.mail, blank to a CRLF-only reader) past the window, then {@code ceo@victim.example};
     * below it the From field every reading sees, the attacker's own domain, which passes SPF. A CRLF-only client
     * shows a From of ceo@victim.example (p=reject); the attacker's SPF pass aligns with the one From we read.
     * Expected: reject (the victim's domain read, or the scan incomplete and the result unverifiable with the
     * strictest policy).
     */
    @Test
    void whiteSpacePaddedCrlfOnlyFromFieldHidesTheVictimFromDmarc() {
        DmarcResult r = DmarcFailClosedTest.message(hiddenPastTheWindow(" \n", "ceo@victim.example"));
        assertThat(r.disposition()).as(r.status() + " " + r.fromDomains() + " " + r.reason())
                .isEqualTo(DmarcPolicy.REJECT);
    }
}
