package dev.authpack.dkim.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The octet-based {@link TagList} against {@link ReferenceTagList} (the String parser it replaced): the same tags
 * (names, values, offsets) or the same error message, lenient and strict, for the text as a String and as octets
 * inside a larger array; and the whitespace-free values as {@link TagList#withoutSpace(String)} of the value ({@link TagList#compact}).
 */
class TagListPropertyTest {
    /** Pieces of tag-lists, valid and not, weighted towards the separators. */
    private static final String[] PIECES = {"v", "a", "b", "bh", "h", "d", "x_1", "V", "=", "=", ";", ";", " ", "\t",
            "\r\n ", "\r\n", "\n", "rsa-sha256", "abc+/=", "from:to", "1", "_", "-", "\u0001", "\u007f", "\u00e9",
            "\u0100", "\u20ac", ":", "\"", "=;", " ;", "a=b", "b=c;", "t=1; t=2"};

    @Test
    void randomListsAsTheReference() {
        Random random = new Random(6376_32);
        for (int n = 0; n < 10_000; n++) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(n % 20 == 0 ? 200 : 16);
            for (int i = 0; i < pieces; i++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            assertSameAsReference(text.toString(), random);
        }
    }

    @Test
    void wellFormedListsWithNoiseAsTheReference() {
        Random random = new Random(8617);
        String signature = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;\r\n\tt=1700000000;"
                + " h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=dGVzdA\r\n\t B0ZXN0 ;";
        for (int n = 0; n < 10_000; n++) {
            StringBuilder text = new StringBuilder(signature);
            for (int k = random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(text.length() + 1);
                String piece = PIECES[random.nextInt(PIECES.length)];
                if (random.nextBoolean()) {
                    text.insert(at, piece);
                } else {
                    text.delete(at, Math.min(text.length(), at + random.nextInt(3)));
                }
            }
            assertSameAsReference(text.toString(), random);
        }
    }

    @Test
    void hostileListsAsTheReference() {
        Random random = new Random(5);
        List<String> texts = new ArrayList<>(List.of("", " ", ";", ";;", " ; ;", "=", "a", "a=", "a= ", "a=;", "a=b;;",
                ";a=b", "a =b", "a= b ", "a=b c", "a=b\u0000", "a\u0000=b", "a=\u20ac", "\u20ac", "a=b;\u20ac",
                "a=b; a=c", "a=b; A=c", "1=2", "a-b=c", "a==", "a=b=c", "a;b=c", "a\r\n=\r\n b\r\n ;"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= TagList.MAX_TAGS + 2; i++) {
            many.append("t").append(i).append("=x;");
            texts.add(many.toString());
        }
        texts.add("a=" + " ".repeat(10_000) + "b" + "\t".repeat(10_000));
        texts.add("a=" + "x".repeat(100_000));
        texts.add(";".repeat(10_000) + "a=b");
        for (String text : texts) {
            assertSameAsReference(text, random);
        }
    }

    private static void assertSameAsReference(String text, Random random) {
        assertParse(text, false, random);
        assertParse(text, true, random);
    }

    private static void assertParse(String text, boolean strict, Random random) {
        String expected = describe(text, () -> {
            ReferenceTagList r = strict ? ReferenceTagList.parseStrict(text) : ReferenceTagList.parse(text);
            List<String> out = new ArrayList<>();
            for (ReferenceTagList.Tag t : r.tags()) {
                out.add(t.name() + "|" + t.value() + "|" + t.afterEquals() + "|" + t.end() + "|"
                        + TagList.withoutSpace(t.value()));
            }
            return out.toString();
        });
        String shown = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        assertThat(describe(text, () -> describe(strict ? TagList.parseStrict(text) : TagList.parse(text))))
                .as("String %s", shown).isEqualTo(expected);
        if (text.chars().allMatch(c -> c <= 0xFF)) {
            int before = random.nextInt(9);
            int after = random.nextInt(9);
            byte[] octets = new byte[before + text.length() + after];
            for (int i = 0; i < octets.length; i++) {
                octets[i] = (byte) (i < before || i >= before + text.length() ? "; =a\r\n".charAt(random.nextInt(6))
                        : text.charAt(i - before));
            }
            int to = before + text.length();
            assertThat(describe(text, () -> describe(strict ? TagList.parseStrict(octets, before, to)
                    : TagList.parse(octets, before, to)))).as("octets %s", shown).isEqualTo(expected);
        }
    }

    private static String describe(TagList list) {
        List<String> out = new ArrayList<>();
        for (TagList.Tag t : list.tags()) {
            assertThat(list.get(t.name())).isEqualTo(t.value());
            assertThat(list.tag(t.name())).isEqualTo(t);
            String compact = list.compact(t.name());
            assertThat(list.compact(t.name(), 8)).isEqualTo(compact.substring(0, Math.min(8, compact.length())));
            out.add(t.name() + "|" + t.value() + "|" + t.afterEquals() + "|" + t.end() + "|" + compact);
        }
        return out.toString();
    }

    private interface Parse {
        String run() throws TagSyntaxException;
    }

    private static String describe(String text, Parse parse) {
        try {
            return parse.run();
        } catch (TagSyntaxException e) {
            return "error: " + e.getMessage();
        }
    }
}
