package dev.authpack.arc;

import dev.authpack.mail.RawMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Collecting the ARC fields: a message without any is empty at once; any one field, in any case, is found. */
class ArcChainCollectTest {
    private static RawMessage message(String header) throws Exception {
        return RawMessage.parse((header + "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aMessageWithoutArcFieldsIsAnEmptyChain() throws Exception {
        ArcChain chain = ArcChain.collect(message("Received: from x by y; Tue, 11 Jun 2024 09:15:04 +0000\r\n"
                + "X-ARC-Seal: i=1; not an ARC field\r\n"), 50);
        assertThat(chain.isEmpty()).isTrue();
        assertThat(chain.failure()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ARC-Seal: i=1; a=rsa-sha256; cv=none\r\n", "arc-seal: i=1; a=rsa-sha256; cv=none\r\n",
            "ARC-MESSAGE-SIGNATURE: i=1; a=rsa-sha256\r\n", "Arc-Authentication-Results: i=1; x; spf=pass\r\n"})
    void anyArcFieldInAnyCaseIsCollected(String field) throws Exception {
        ArcChain chain = ArcChain.collect(message(field), 50);
        assertThat(chain.isEmpty()).isFalse();
        assertThat(chain.highestInstance()).isEqualTo(1);
        // one field alone is no complete set
        assertThat(chain.failure()).isNotNull();
    }
}
