package dev.authpack.conformance.charset;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CharsetDetectorTest {

    private static final CharsetDetector ALL = CharsetDetector.all();
    private static final String RUSSIAN = "Добрый день! Посылку отправим на следующей неделе, счёт придёт по почте.";

    private static String detected(byte[] bytes) {
        return ALL.detect(bytes).map(Detection::encoding).orElse("none");
    }

    private static byte[] bytes(String text, String label) {
        return text.getBytes(Encodings.charsetFor(label));
    }

    @Test
    void unlabelledWindows1251MailIsCyrillic() {
        Detection d = ALL.detect(bytes(RUSSIAN, "windows-1251")).orElseThrow();
        assertThat(d.encoding()).isEqualTo("windows-1251");
        assertThat(new String(bytes(RUSSIAN, "windows-1251"), d.charset())).isEqualTo(RUSSIAN);
        assertThat(d.confidence()).isBetween(1, 100);
        assertThat(detected(bytes(RUSSIAN, "koi8-r"))).isEqualTo("koi8-r");
        assertThat(detected(bytes(RUSSIAN, "iso-8859-5"))).isEqualTo("iso-8859-5");
    }

    @Test
    void validUtf8ByteOrderMarksAndUtf16() {
        assertThat(ALL.detect(RUSSIAN.getBytes(StandardCharsets.UTF_8)).orElseThrow())
                .extracting(Detection::encoding, Detection::confidence).containsExactly("utf-8", 100);
        assertThat(detected("Grüße aus Köln".getBytes(StandardCharsets.UTF_16LE))).isEqualTo("utf-16le");
        assertThat(detected("Grüße aus Köln".getBytes(StandardCharsets.UTF_16BE))).isEqualTo("utf-16be");
        assertThat(detected(new byte[] {(byte) 0xFF, (byte) 0xFE, 'a', 0})).isEqualTo("utf-16le");
        assertThat(detected(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a'})).isEqualTo("utf-8");
        // Chinese in UTF-16 has no NUL bytes: told by its characters
        String zh = "我们的办公室周一至周五上午九点至下午五点营业，如有任何问题请直接回复这封邮件。";
        assertThat(detected(zh.getBytes(StandardCharsets.UTF_16BE))).isEqualTo("utf-16be");
        assertThat(detected(zh.getBytes(StandardCharsets.UTF_16LE))).isEqualTo("utf-16le");
    }

    @Test
    void iso2022JpByItsEscapesAndSevenBitTextAsTheFirstAllowedEncoding() {
        assertThat(detected(bytes("ご注文ありがとうございます。", "iso-2022-jp"))).isEqualTo("iso-2022-jp");
        assertThat(detected("plain ASCII".getBytes(StandardCharsets.US_ASCII))).isEqualTo("utf-8");
        assertThat(CharsetDetector.of(Set.of(), Set.of("UTF-8")).detect("plain".getBytes(StandardCharsets.US_ASCII))
                .orElseThrow().encoding()).isEqualTo("windows-1252");
    }

    @Test
    void includeAndExcludeRestrictTheChoice() {
        byte[] utf8 = RUSSIAN.getBytes(StandardCharsets.UTF_8);
        Optional<Detection> noUtf8 = CharsetDetector.of(Set.of(), Set.of("utf-8")).detect(utf8);
        assertThat(noUtf8).isPresent();
        assertThat(noUtf8.get().encoding()).isNotEqualTo("utf-8");
        CharsetDetector cyrillic = CharsetDetector.of(Set.of("KOI8-R", "windows-1251"), Set.of());
        assertThat(cyrillic.allowed()).containsExactly("windows-1251", "koi8-r");
        assertThat(cyrillic.detect(bytes("Grüße", "windows-1252")).orElseThrow().encoding())
                .isIn("windows-1251", "koi8-r");
        assertThat(CharsetDetector.of(Set.of("utf-8"), Set.of("utf-8")).detect(utf8)).isEmpty();
        // 8-bit text that the only allowed encoding cannot decode
        assertThat(CharsetDetector.of(Set.of("gbk"), Set.of()).detect(new byte[] {'a', (byte) 0xC4, ' '}))
                .isEmpty();
    }

    @Test
    void nullEmptyAndArbitraryBytesNeverThrow() {
        assertThat(ALL.detect(null)).isEmpty();
        assertThat(ALL.detect(new byte[0])).isEmpty();
        Random random = new Random(8);
        for (int i = 0; i < 500; i++) {
            byte[] noise = new byte[random.nextInt(3000)];
            random.nextBytes(noise);
            Optional<Detection> d = ALL.detect(noise);
            d.ifPresent(x -> assertThat(Encodings.SUPPORTED).contains(x.encoding()));
        }
    }

    @Test
    void examinesOnlyTheFirstMaxExaminedBytes() {
        byte[] text = new byte[CharsetDetector.MAX_EXAMINED_BYTES + 10];
        Arrays.fill(text, (byte) 'a');
        text[text.length - 1] = (byte) 0xFF; // not UTF-8, but beyond the examined prefix
        assertThat(detected(text)).isEqualTo("utf-8");
        text[CharsetDetector.MAX_EXAMINED_BYTES - 1] = (byte) 0xFF;
        assertThat(detected(text)).isNotEqualTo("utf-8");
        // a UTF-8 sequence cut by the end of the examined prefix is still UTF-8
        byte[] cut = ("x".repeat(CharsetDetector.MAX_EXAMINED_BYTES - 1) + "é").getBytes(StandardCharsets.UTF_8);
        assertThat(detected(cut)).isEqualTo("utf-8");
    }

    @Test
    void longTextsAreScoredOnBoundedPositionsYetStillTellLookAlikesApart() {
        // Greek: iso-8859-7 and windows-1253 differ in capital alpha with tonos only; put it far beyond the
        // first MAX_SCORED_HIGH_BYTES non-ASCII bytes
        String greek = "Σας ευχαριστούμε για την παραγγελία σας. ".repeat(40) + "Άμεσα θα σας ενημερώσουμε.";
        assertThat(bytes(greek, "iso-8859-7").length).isGreaterThan(4 * CharsetDetector.MAX_SCORED_HIGH_BYTES);
        assertThat(detected(bytes(greek, "iso-8859-7"))).isEqualTo("iso-8859-7");
        assertThat(detected(bytes(greek, "windows-1253"))).isEqualTo("windows-1253");
    }

    @Test
    void identicalDecodingsGoToTheMoreCommonEncoding() {
        // German without the euro sign is the same bytes in windows-1252, iso-8859-15 and iso-8859-10
        byte[] german = bytes("Sehr geehrte Frau Müller, vielen Dank für Ihre Bestellung.", "iso-8859-15");
        Detection d = ALL.detect(german).orElseThrow();
        assertThat(d.encoding()).isEqualTo("windows-1252");
        Charset charset = d.charset();
        assertThat(new String(german, charset)).isEqualTo("Sehr geehrte Frau Müller, vielen Dank für Ihre Bestellung.");
    }
}
