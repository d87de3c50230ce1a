package dev.authpack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ARC's {@code local_overload} (the CLI tests provoke SPF's, DKIM's and DMARC's through a zone file). */
class ResultJsonTest {

    @Test
    void anArcFailOnlyBecauseAKeyLookupWasNotSentSaysLocalOverload() {
        ObjectNode overload = ResultJson.arc(new ArcResult(ArcStatus.FAIL, "key lookup not sent", -1, List.of(), 1,
                false, true));
        assertThat(overload.get("result").asText()).isEqualTo("fail");
        assertThat(overload.get("local_overload").isBoolean()).isTrue();
        assertThat(overload.get("local_overload").booleanValue()).isTrue();
        ObjectNode fail = ResultJson.arc(new ArcResult(ArcStatus.FAIL, "bad seal", -1, List.of(), 1, false));
        assertThat(fail.get("local_overload").booleanValue()).isFalse();
    }
}
