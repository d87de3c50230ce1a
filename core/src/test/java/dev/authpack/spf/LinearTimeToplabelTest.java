package dev.authpack.spf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (H3 sweep): RFC 7208 §7.1's toplabel is checked in linear time. As
 * {@code [A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*} each letter of a long label that is not one was tried as the ALPHA:
 * quadratic (32,000 characters: 10 s), so these labels would have taken many minutes.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinearTimeToplabelTest {
    private static final int N = 300_000;

    @Test
    void aLongLabelEndingInAForbiddenCharacterIsNoToplabel() {
        assertThat(SpfNames.isToplabel("a".repeat(N) + "!")).isFalse();
        assertThat(MacroStringSyntax.rejects("x." + "a".repeat(N) + "!")).isTrue();
    }

    @Test
    void toplabelsAreStillRecognised() {
        assertThat(SpfNames.isToplabel("com")).isTrue();
        assertThat(SpfNames.isToplabel("1a1")).isTrue();
        assertThat(SpfNames.isToplabel("1".repeat(N) + "a")).isTrue();
        assertThat(SpfNames.isToplabel("xn--p1ai")).isTrue();
        assertThat(SpfNames.isToplabel("1-2")).isTrue();
        assertThat(SpfNames.isToplabel("123")).isFalse();
        assertThat(SpfNames.isToplabel("a-")).isFalse();
        assertThat(SpfNames.isToplabel("")).isFalse();
    }

    /** The domain-spec parser refuses a bad top label (its check uses the same pattern). */
    private static final class MacroStringSyntax {
        static boolean rejects(String domainSpec) {
            try {
                MacroString.parseDomainSpec(domainSpec);
                return false;
            } catch (SpfSyntaxException e) {
                return true;
            }
        }
    }
}
