package dev.authpack.conformance.charset;

import com.ibm.icu.charset.CharsetProviderICU;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Cross-checks the four tables of {@link SingleByteTables} against ICU4J's converters, byte by byte. */
class SingleByteTablesTest {

    private static final CharsetProviderICU ICU = new CharsetProviderICU();

    private static Map<Integer, String> differences(String label, String icuName) {
        Charset ours = Encodings.charsetFor(label);
        Charset icu = ICU.charsetForName(icuName);
        assertThat(icu).as(icuName).isNotNull();
        Map<Integer, String> differences = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            byte[] one = {(byte) b};
            String a = new String(one, ours);
            String i = new String(one, icu);
            if (!a.equals(i)) {
                differences.put(b, String.format("ours U+%04X icu U+%04X", (int) a.charAt(0), (int) i.charAt(0)));
            }
        }
        return differences;
    }

    @Test
    void iso885910And14AreIcusTables() {
        assertThat(differences("iso-8859-10", "ISO-8859-10")).isEmpty();
        assertThat(differences("iso-8859-14", "ISO-8859-14")).isEmpty();
    }

    @Test
    void macTablesAreIcusTablesUpToTheEuroRevision() {
        assertThat(differences("macintosh", "macintosh")).isEmpty();
        assertThat(differences("x-mac-cyrillic", "x-mac-cyrillic")).isEmpty();
    }

    @Test
    void tablesRoundTripEveryByte() {
        for (String label : new String[] {"iso-8859-10", "iso-8859-14", "macintosh", "x-mac-cyrillic"}) {
            Charset charset = Encodings.charsetFor(label);
            for (int b = 0; b < 256; b++) {
                byte[] one = {(byte) b};
                assertThat(new String(one, charset).getBytes(charset)).as(label + " byte " + b).containsExactly(one);
            }
        }
    }
}
