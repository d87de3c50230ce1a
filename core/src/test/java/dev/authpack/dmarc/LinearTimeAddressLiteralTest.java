package dev.authpack.dmarc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (H3 sweep): {@link DmarcAuthors#isAddressLiteral} runs in linear time on a hostile From address.
 * The former pattern read each {@code @[} to the next ']' and retried {@code \s*} from each character of a run of
 * blanks: quadratic (32,000 characters: 5 s), so the inputs here would have taken many minutes.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinearTimeAddressLiteralTest {
    private static final int N = 300_000;

    @Test
    void aTagFollowedByALongRunOfBlanksIsNoLiteral() {
        assertThat(DmarcAuthors.isAddressLiteral("a@[a:" + " ".repeat(N) + "x")).isFalse();
    }

    @Test
    void manyTagsBeforeAnEarlierBracketAreNoLiteral() {
        assertThat(DmarcAuthors.isAddressLiteral("a" + "@[a:".repeat(N / 4) + "]x]")).isFalse();
    }

    @Test
    void manyTagsWithABlankRunBeforeTheEndAreALiteral() {
        assertThat(DmarcAuthors.isAddressLiteral("a" + "@[a:".repeat(N / 4) + " ".repeat(N) + "]")).isTrue();
    }

    @Test
    void literalsAreStillRecognised() {
        assertThat(DmarcAuthors.isAddressLiteral("a@[192.0.2.1]")).isTrue();
        assertThat(DmarcAuthors.isAddressLiteral("a@[ 192.0.2.1 ]")).isTrue();
        assertThat(DmarcAuthors.isAddressLiteral("a@[IPv6:2001:db8::1]")).isTrue();
        assertThat(DmarcAuthors.isAddressLiteral("a@[victim.example]")).isFalse();
        assertThat(DmarcAuthors.isAddressLiteral("a@example.com")).isFalse();
        assertThat(DmarcAuthors.isAddressLiteral("]")).isFalse();
    }
}
