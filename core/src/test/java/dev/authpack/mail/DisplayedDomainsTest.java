package dev.authpack.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DisplayedDomainsTest {
    private static List<String> of(String value) {
        List<String> out = new ArrayList<>();
        DisplayedDomains.collect(value, out, 100);
        return out;
    }

    @Test
    void everyNameAfterAnAtSign() {
        assertThat(of("a@Victim.example@attacker.example")).containsExactly("victim.example", "attacker.example");
        assertThat(of("a@victim.example\u0000@attacker.example"))
                .containsExactly("victim.example", "attacker.example");
        assertThat(of("\"x@quoted.example\" (c@comment.example) <a@ angle.example.>"))
                .containsExactly("quoted.example", "comment.example", "angle.example");
        assertThat(of("a\uFF20fullwidth.example, b\uFE6Bsmall.example"))
                .containsExactly("fullwidth.example", "small.example");
        assertThat(of("a@[192.0.2.1], b@-bad-.example..")).isEmpty();
    }

    @Test
    void invisibleCharactersAndEncodedWords() {
        assertThat(of("a@vic\u200Btim.example")).contains("victim.example");
        assertThat(of("a@vic\u0000tim.example")).containsExactly("vic", "victim.example");
        assertThat(of("=?UTF-8?Q?ceo=40victim.example?=")).containsExactly("victim.example");
        assertThat(of("=?iso-8859-1*en?B?Y2VvQHZpY3RpbS5leGFtcGxl?=")).containsExactly("victim.example");
        assertThat(DisplayedDomains.decodeEncodedWords("=?x?Q?a=ZZ?= =?utf-8?X?a?= =?")).isEqualTo(
                "a=ZZ =?utf-8?X?a?= =?");
        // every word, however many, adjacent ones joined (RFC 2047 §6.2), a character split over two shown whole
        String many = "=?utf-8?q?a?= ".repeat(10_000);
        assertThat(DisplayedDomains.decodeEncodedWords(many)).isEqualTo("a".repeat(10_000) + " ");
        assertThat(DisplayedDomains.decodeEncodedWords("=?utf-8?q?=EF=BC?=\r\n =?UTF-8?q?=A0?= x =?utf-8?q?y?="))
                .isEqualTo("\uFF20 x y");
        assertThat(DisplayedDomains.decodeEncodedWords("=?utf-8?q?a?= =?iso-8859-1?q?=E9?="))
                .isEqualTo("a\u00e9");
        // white space in a word's text: decoded only by the lenient reading (mime4j)
        assertThat(DisplayedDomains.decodeEncodedWords("=?utf-8?q?a b?=", false)).isEqualTo("=?utf-8?q?a b?=");
        assertThat(DisplayedDomains.decodeEncodedWords("=?utf-8?q?a b?=", true)).isEqualTo("a b");
    }

    /**
     * A guard, not a measurement: linear work here takes well under a second, quadratic work on inputs of 400k
     * characters takes hours; 30 s leaves room for a loaded build machine.
     */
    @Test
    @Timeout(30)
    void linearOnHostileInput() {
        of("=?".repeat(200_000));
        of("=?foo?B?!?=".repeat(50_000));
        of("@".repeat(400_000));
        of("@a".repeat(200_000));
        StringBuilder distinct = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            distinct.append("@d").append(i).append(".example ");
        }
        assertThat(of(distinct.toString())).hasSize(100);
        // review s23 B: 100 KB of encoded-words, every one decoded; and words that never end
        String field = "=?utf-8?q?a?=".repeat(8_000) + "=?utf-8?q?=40victim.example?=";
        assertThat(field.length()).isGreaterThan(100_000);
        assertThat(of(field)).containsExactly("victim.example");
        of("=?utf-8?q?a ".repeat(50_000));
        of("=?utf-8?b?".repeat(50_000) + "?=");
        of("\\\"".repeat(100_000));
    }

    @Test
    void invisibleCharactersAreFoundWhereverTheyAreAndPrintableAsciiIsNot() {
        StringBuilder ascii = new StringBuilder("\t\r\n");
        for (char c = 0x20; c < 0x7f; c++) {
            ascii.append(c);
        }
        assertThat(DisplayedDomains.hasInvisible(ascii.toString())).isFalse();
        for (String hidden : List.of("\u0000", "\u001f", "\u007f", "\u0085", "\u200b", "\u202e", "\u00ad",
                "\u3164", new String(Character.toChars(0xE0041)), new String(Character.toChars(0x1D173)))) {
            assertThat(DisplayedDomains.hasInvisible("a@victim" + hidden + ".example")).as("U+%04X",
                    hidden.codePointAt(0)).isTrue();
        }
        // what IDNA maps to nothing (emoji's variation selector) is not a reason to read best-effort
        assertThat(DisplayedDomains.hasInvisible("\"Bob \u2764\ufe0f\" <a@victim.example>")).isFalse();
        // a supplementary character that is visible, then an invisible one after it
        String emoji = new String(Character.toChars(0x1F600));
        assertThat(DisplayedDomains.hasInvisible(emoji + " <a@victim.example>")).isFalse();
        assertThat(DisplayedDomains.hasInvisible(emoji + "\u200b<a@victim.example>")).isTrue();
    }

    @Test
    void lookAlikeDotsAreFoundAlsoOutsideTheBasicPlane() {
        assertThat(DisplayedDomains.hasLookAlikeDot("a@victim.example")).isFalse();
        assertThat(DisplayedDomains.hasLookAlikeDot("a@victim\u06f0example")).isTrue();
        assertThat(DisplayedDomains.hasLookAlikeDot("a@victim" + new String(Character.toChars(0x1D16D)) + "example"))
                .isTrue();
        assertThat(DisplayedDomains.hasLookAlikeDot(new String(Character.toChars(0x1F600)) + "a@victim.example"))
                .isFalse();
    }

    /** Review s23 ({@code ReviewS23DmarcTest}). */
    @Test
    void theReadingsOfEmptyLabelsAndBasicPunycodeAreLinear() {
        assertThat(DisplayedDomains.withoutEmptyLabels("a...b..c.")).isEqualTo("a.b.c.");
        assertThat(DisplayedDomains.withBasicPunycode("xn--a-.XN--b-.xn--c.xn---.x-")).isEqualTo("a.b.xn--c.xn---.x-");
        String many = "..".repeat(200_000) + "victim.example";
        assertThat(DisplayedDomains.withoutEmptyLabels(many)).isEqualTo(".victim.example");
        assertThat(DisplayedDomains.withBasicPunycode("xn--a-.".repeat(100_000))).isEqualTo("a.".repeat(100_000));
    }
}
