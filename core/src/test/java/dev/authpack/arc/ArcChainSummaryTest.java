package dev.authpack.arc;

import dev.authpack.authres.MethodResult;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The sealing decisions a sealer takes from a validation made earlier (RFC 8617 §5.1). */
class ArcChainSummaryTest {

    private static RawMessage message(int sets, int extraSeals) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = sets + extraSeals; i >= 1; i--) {
            text.append("ARC-Seal: i=").append(i).append("; cv=none\r\n");
            if (i <= sets) {
                text.append("ARC-Message-Signature: i=").append(i).append("\r\n");
                text.append("ARC-Authentication-Results: i=").append(i).append("; x\r\n");
            }
        }
        text.append("From: a@example.com\r\n\r\nbody\r\n");
        return RawMessage.parse(text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aPassDescribesTheSameNumberOfCompleteSetsOnly() throws Exception {
        ArcChainSummary pass = new ArcChainSummary(ArcStatus.PASS, null, 1, 2);
        assertThat(pass.describes(message(2, 0))).isTrue();
        assertThat(pass.describes(message(3, 0))).as("another sealer added a set since").isFalse();
        assertThat(pass.describes(message(2, 1))).as("an incomplete set").isFalse();
        assertThat(new ArcChainSummary(ArcStatus.PASS, null, 1, 0).describes(message(0, 0))).isFalse();
    }

    @Test
    void noneDescribesAMessageWithoutArcFieldsAndFailStaysFail() throws Exception {
        ArcChainSummary none = new ArcChainSummary(ArcStatus.NONE, null, -1, 0);
        assertThat(none.describes(message(0, 0))).isTrue();
        assertThat(none.describes(message(1, 0))).isFalse();
        assertThat(new ArcChainSummary(ArcStatus.FAIL, "x", -1, 1).describes(message(3, 1))).isTrue();
    }

    @Test
    void asAnArcResultForTheSealer() {
        ArcResult fail = new ArcChainSummary(ArcStatus.FAIL, "broken", 4, 2).toArcResult();
        assertThat(fail.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(fail.reason()).isEqualTo("broken");
        assertThat(fail.oldestPass()).isEqualTo(-1);
        assertThat(fail.highestInstance()).isEqualTo(2);
        ArcResult pass = new ArcChainSummary(ArcStatus.PASS, "ignored", 1, 2).toArcResult();
        assertThat(pass.reason()).isNull();
        assertThat(pass.oldestPass()).isEqualTo(1);
        assertThat(ArcChainSummary.of(ArcResult.none())).isEqualTo(new ArcChainSummary(ArcStatus.NONE, null, -1, 0));
    }

    @Test
    void theSealRecordsTheChecksResultsWithItsOwnArcResult() {
        MethodResult spf = new MethodResult("spf", "pass", null, List.of());
        MethodResult checkedArc = new MethodResult("arc", "none", null, List.of());
        MethodResult iprev = new MethodResult("iprev", "pass", null, List.of());
        MethodResult ownArc = new MethodResult("arc", "pass", null, List.of());
        List<MethodResult> checked = List.of(spf, checkedArc, iprev);

        assertThat(ArcAuthResults.forSeal(Optional.of(checked), ownArc, true)).containsExactly(spf, ownArc, iprev);
        assertThat(ArcAuthResults.forSeal(Optional.of(checked), ownArc, false)).containsExactly(spf, checkedArc,
                iprev);
        assertThat(ArcAuthResults.forSeal(Optional.of(List.of(spf)), ownArc, false)).containsExactly(spf, ownArc);
        assertThat(ArcAuthResults.forSeal(Optional.empty(), ownArc, false)).containsExactly(ownArc);
    }
}
