package dev.authpack.arc;

import dev.authpack.mail.RawMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static dev.authpack.arc.ArcFixtures.MESSAGE;
import static dev.authpack.arc.ArcFixtures.dns;
import static dev.authpack.arc.ArcFixtures.listSealer;
import static dev.authpack.arc.ArcFixtures.parse;
import static dev.authpack.arc.ArcFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 21: the text of our ARC-Authentication-Results follows the rule of our Authentication-Results
 * ({@code WrittenText}): C1 controls (NEL ends a line for some readers, CSI starts a terminal escape), U+2028,
 * U+2029 and the bidi embedding, override and isolate controls become a space, a lone surrogate U+FFFD, whether the
 * resinfo text was handed to the sealer or copied from the message's Authentication-Results (ArcSeal's
 * {@code useExistingAuthResults}). Before, only C0 controls and DEL were replaced.
 */
class ArcTextControlsTest {
    private static final String LONE_SURROGATE = "\ud800";

    @ParameterizedTest
    @ValueSource(strings = {"\u0085", "\u009b", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069"})
    void controlsInAGivenResinfoBecomeASpace(String control) {
        ArcSealResult result = listSealer().seal(parse(MESSAGE), ArcResult.none(), "mx.lists.example",
                "spf=pass reason=\"a" + control + "b\" smtp.mailfrom=origin.example; dkim=none");
        assertThat(result.authenticationResults()).doesNotContain(control)
                .contains("spf=pass reason=\"a b\" smtp.mailfrom=origin.example;");
        assertThat(verifier(dns()).verify(result.message()).join().status()).isEqualTo(ArcStatus.PASS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0085", "\u009b", "\u2028", "\u2029", "\u202e", "\u2068"})
    void controlsInACopiedAuthenticationResultsBecomeASpace(String control) throws Exception {
        String message = "Authentication-Results: mx.lists.example; spf=pass reason=\"x" + control
                + "y\" smtp.mailfrom=origin.example\r\n" + MESSAGE;
        RawMessage parsed = RawMessage.parse(message.getBytes(StandardCharsets.UTF_8));
        String resinfo = ArcAuthResults.consolidate(parsed, "mx.lists.example").orElseThrow();
        assertThat(resinfo).doesNotContain(control).isEqualTo("spf=pass reason=\"x y\" smtp.mailfrom=origin.example");
        ArcSealResult result = listSealer().seal(parsed, ArcResult.none(), "mx.lists.example", resinfo);
        assertThat(result.authenticationResults()).doesNotContain(control);
    }

    /** UTF-8 in a copied field is written back as the same octets, not each 8-bit octet as two. */
    @org.junit.jupiter.api.Test
    void utf8InACopiedAuthenticationResultsKeepsItsOctets() throws Exception {
        String reason = "K\u00f6ln \u2014 \u65e5\u672c";
        String message = "Authentication-Results: mx.lists.example; spf=pass reason=\"" + reason + "\"\r\n" + MESSAGE;
        RawMessage parsed = RawMessage.parse(message.getBytes(StandardCharsets.UTF_8));
        String resinfo = ArcAuthResults.consolidate(parsed, "mx.lists.example").orElseThrow();
        assertThat(resinfo).isEqualTo("spf=pass reason=\"" + reason + "\"");
        ArcSealResult result = listSealer().seal(parsed, ArcResult.none(), "mx.lists.example", resinfo);
        assertThat(new String(result.message(), StandardCharsets.UTF_8)).contains("reason=\"" + reason + "\"");
        assertThat(verifier(dns()).verify(result.message()).join().sets().get(0).authResults())
                .isEqualTo("spf=pass reason=\"" + reason + "\"");
    }

    @org.junit.jupiter.api.Test
    void aLoneSurrogateBecomesTheReplacementCharacterAndAPairIsKept() {
        ArcSealResult result = listSealer().seal(parse(MESSAGE), ArcResult.none(), "mx.lists.example",
                "spf=pass reason=\"a" + LONE_SURROGATE + "b \ud83d\ude00\"");
        assertThat(result.authenticationResults()).contains("reason=\"a\ufffdb \ud83d\ude00\"");
        assertThat(ArcText.clean("x\udc00")).isEqualTo("x\ufffd");
        // unfolding and C0 as before
        assertThat(ArcText.clean(" a\r\n\tb\u0000c\u007f ")).isEqualTo("a b c");
    }
}
