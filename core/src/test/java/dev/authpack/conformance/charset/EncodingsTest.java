package dev.authpack.conformance.charset;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncodingsTest {

    @Test
    void thirtySixLabelsEachWithACharsetThatRoundTripsAscii() {
        assertThat(Encodings.SUPPORTED).hasSize(36);
        for (String label : Encodings.SUPPORTED) {
            String ascii = "Hello, world 123";
            if (label.startsWith("utf-16")) {
                continue;
            }
            assertThat(new String(ascii.getBytes(Encodings.charsetFor(label)), Encodings.charsetFor(label)))
                    .as(label).isEqualTo(ascii);
            assertThat(ascii.getBytes(Encodings.charsetFor(label))).as(label)
                    .isEqualTo(ascii.getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theFourEncodingsJdkLacksDecodeTheirLetters() {
        assertThat(new String(new byte[] {(byte) 0xBF}, Encodings.charsetFor("ISO-8859-10"))).isEqualTo("\u014B");
        assertThat(new String(new byte[] {(byte) 0xA1}, Encodings.charsetFor("iso-8859-14"))).isEqualTo("\u1E02");
        assertThat(new String(new byte[] {(byte) 0x8E}, Encodings.charsetFor("macintosh"))).isEqualTo("é");
        assertThat(new String(new byte[] {(byte) 0xDB}, Encodings.charsetFor("macintosh"))).isEqualTo("€");
        assertThat(new String(new byte[] {(byte) 0x80, (byte) 0xDF}, Encodings.charsetFor("x-mac-cyrillic")))
                .isEqualTo("Ая");
        assertThat("Ґанок".getBytes(Encodings.charsetFor("x-mac-cyrillic"))[0]).isEqualTo((byte) 0xA2);
    }

    @Test
    void unknownLabelListsTheAcceptedOnes() {
        assertThatThrownBy(() -> Encodings.charsetFor("latin1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latin1").hasMessageContaining("iso-8859-14").hasMessageContaining("utf-16be");
        assertThatThrownBy(() -> CharsetDetector.of(Set.of("utf-8", "ebcdic"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ebcdic")
                .hasMessageContaining("x-mac-cyrillic");
    }
}
