package dev.authpack.dkim.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FoldedBase64} against what the verifier did before it: remove the whitespace, then
 * {@code java.util.Base64.getDecoder()}; on random, mangled and hostile values, each placed inside a larger array
 * of base64 characters so reading outside the range would show.
 */
class FoldedBase64Test {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** Characters of base64, padding, whitespace, and what must be refused (URL-safe alphabet, controls, 8-bit). */
    private static final char[] MIXED = {'A', 'z', '0', '9', '+', '/', 'Q', 'g', '=', '=', ' ', '\t', '\r', '\n', '-',
            '_', '.', ';', '\0', '\u0080', '\u00ff', '\u00e9', ':', '@'};
    private static final String[] HOSTILE = {"", " ", "\r\n\t", "=", "==", "===", "A", "A=", "A==", "AB", "AB=",
            "AB==", "AB===", "ABC", "ABC=", "ABC==", "ABCD", "ABCD=", "ABCD==", "AB= =", "AB=\r\n =", "ABC= ", "AB==A",
            "ABC=A", "AB=C", "ABCD\r\n\tEFGH", " A B C D ", "A\tB\rC\nD", "ABCDE", "ABCDEF", "ABCDEFG", "AB-D",
            "AB_D", "AB\u0080D", "ABCD\0", "====", "A===", "AB==\r\n", "AB==\r\n=", "ABCD==", "ABCD=", "=ABC",
            "AA==", "AB==", "AP==", "AAB=", "AAA="};

    @Test
    void hostileValuesAsTheJdkDecoder() {
        for (String value : HOSTILE) {
            assertSameAsJdk(value, new Random(value.hashCode()));
        }
    }

    @Test
    void randomValidValuesWithFoldingDecodeToTheirOctets() {
        Random random = new Random(4648);
        for (int n = 0; n < 5_000; n++) {
            byte[] octets = new byte[random.nextInt(300)];
            random.nextBytes(octets);
            String encoded = new String(Base64.getEncoder().encode(octets), StandardCharsets.ISO_8859_1);
            if (random.nextBoolean()) {
                encoded = encoded.replace("=", "");
            }
            String folded = fold(encoded, random);
            assertThat(decode(folded, random)).as(folded).isEqualTo(octets);
            assertSameAsJdk(folded, random);
        }
    }

    @Test
    void randomMangledValuesAsTheJdkDecoder() {
        Random random = new Random(2045);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(n % 10 == 0 ? 200 : 12);
            for (int i = 0; i < length; i++) {
                value.append(random.nextInt(3) == 0 ? MIXED[random.nextInt(MIXED.length)]
                        : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            assertSameAsJdk(value.toString(), random);
        }
    }

    @Test
    void everyEndingOfEveryLength() {
        Random random = new Random(8);
        String[] endings = {"", "=", "==", "===", " =", "= ", "=\r\n =", "A", "A=", "=A", "\t"};
        for (int length = 0; length < 14; length++) {
            for (String ending : endings) {
                assertSameAsJdk(ALPHABET.substring(7, 7 + length) + ending, random);
                assertSameAsJdk(ALPHABET.substring(7, 7 + length) + " " + ending + "\r\n", random);
            }
        }
    }

    private static void assertSameAsJdk(String value, Random random) {
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(TagList.withoutSpace(value));
        } catch (IllegalArgumentException e) {
            expected = null;
        }
        assertThat(decode(value, random)).as("%s", value.replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(expected);
    }

    /** Decodes the value placed at a random offset in a larger array of base64 characters. */
    private static byte[] decode(String value, Random random) {
        int before = random.nextInt(9);
        int after = random.nextInt(9);
        byte[] octets = new byte[before + value.length() + after];
        for (int i = 0; i < octets.length; i++) {
            octets[i] = (byte) (i < before || i >= before + value.length() ? 'Q'
                    : Math.min(0xff, value.charAt(i - before)));
        }
        return FoldedBase64.decode(octets, before, before + value.length());
    }

    private static String fold(String value, Random random) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            if (random.nextInt(20) == 0) {
                out.append(random.nextBoolean() ? "\r\n\t" : " ");
            }
            out.append(value.charAt(i));
        }
        if (random.nextInt(4) == 0) {
            out.append(" \r\n");
        }
        return out.toString();
    }
}
