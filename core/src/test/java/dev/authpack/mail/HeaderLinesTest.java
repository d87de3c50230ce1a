package dev.authpack.mail;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderLinesTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The javax.mail reading's line starts, up to the end of the array. */
    private static List<Integer> lineStarts(byte[] m) {
        List<Integer> starts = new ArrayList<>();
        for (int pos = 0; pos < m.length; pos = HeaderLines.nextLine(m, HeaderLines.contentEnd(m, pos, m.length))) {
            starts.add(pos);
        }
        return starts;
    }

    @Test
    void aLineEndsAtLfCrlfCrCrLfOrABareCr() {
        assertThat(lineStarts(bytes("a\nb\r\nc\r\r\nd\re"))).containsExactly(0, 2, 5, 9, 11);
        assertThat(lineStarts(bytes("\r\r\r\n"))).as("a bare CR, then CR CR LF").containsExactly(0, 1);
        assertThat(lineStarts(bytes("a\r"))).containsExactly(0);
        assertThat(HeaderLines.nextLine(bytes("ab"), 2)).isEqualTo(2);
    }

    @Test
    void theContentOfALineStopsAtTheLimit() {
        byte[] m = bytes("abc\r\n");
        assertThat(HeaderLines.contentEnd(m, 0, 2)).isEqualTo(2);
        assertThat(HeaderLines.contentEnd(m, 0, m.length)).isEqualTo(3);
    }

    /**
     * The content's end found eight octets at a time is the first CR or LF octet by octet: at every position of a
     * word, never an octet with a line end's low seven bits (0x8A, 0x8D) or one next to it, never past the limit.
     */
    @Test
    void theContentEndIsTheFirstCrOrLfAtEveryPositionAndLimit() {
        byte[] alphabet = {'\n', '\r', (byte) 0x8a, (byte) 0x8d, 0x0b, 0x0c, 0x09, 0x0e, (byte) 0xff, 0x00, 'a', ' ',
                (byte) 0x80, 0x7f};
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 50_000; round++) {
            byte[] m = new byte[1 + random.nextInt(40)];
            // mostly octets that are not line ends, so that runs of every length before one occur
            for (int i = 0; i < m.length; i++) {
                m[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)]
                        : alphabet[2 + random.nextInt(alphabet.length - 2)];
            }
            int start = random.nextInt(m.length + 1);
            int limit = start + random.nextInt(m.length - start + 1);
            int expected = start;
            while (expected < limit && m[expected] != '\n' && m[expected] != '\r') {
                expected++;
            }
            assertThat(HeaderLines.contentEnd(m, start, limit)).as("%s from %d to %d",
                    java.util.HexFormat.of().formatHex(m), start, limit).isEqualTo(expected);
        }
        for (int at = 0; at < 24; at++) {
            for (byte end : new byte[]{'\n', '\r'}) {
                byte[] m = new byte[24];
                java.util.Arrays.fill(m, (byte) 0x8a);
                m[at] = end;
                assertThat(HeaderLines.contentEnd(m, 0, m.length)).isEqualTo(at);
                assertThat(HeaderLines.contentEnd(m, 0, at)).as("the limit before it").isEqualTo(at);
            }
        }
    }

    @Test
    void aFieldGoesOnOverLinesStartingWithSpaceOrTab() {
        byte[] m = bytes("A: 1\r\n 2\r\r\n\t3\r 4\nB: 5\r\n");
        assertThat(HeaderLines.fieldEnd(m, 0)).isEqualTo(m.length - "B: 5\r\n".length());
        assertThat(HeaderLines.isContinuation(m, m.length)).isFalse();
        assertThat(HeaderLines.isWhiteSpace((byte) '\f')).isFalse();
    }

    @Test
    void theLfOnlyReadingKeepsABareCrInsideTheLine() {
        byte[] m = bytes("A: 1\rB: 2\n 3\nC: 4\n");
        assertThat(HeaderLines.lfFieldEnd(m, 0, m.length)).isEqualTo("A: 1\rB: 2\n 3\n".length());
        assertThat(HeaderLines.lfFieldEnd(m, 3, m.length)).as("from inside the first line")
                .isEqualTo("A: 1\rB: 2\n 3\n".length());
        assertThat(HeaderLines.lfFieldEnd(m, 0, 7)).as("bounded").isEqualTo(7);
        assertThat(HeaderLines.lfFieldEnd(m, 0, 10)).as("a LF at the bound").isEqualTo(10);
        assertThat(HeaderLines.startsLfLine(m, 5)).isFalse();
        assertThat(HeaderLines.startsLfLine(m, 10)).isTrue();
    }

    @Test
    void theHeaderSectionEndsAtAnEmptyLineBothReadingsSee() {
        byte[] m = bytes("A: 1\n\nB: 2\r\n\r\nC: 3\r\r\nD\r\rE");
        assertThat(HeaderLines.endsHeaderSection(m, 5)).as("LF LF").isTrue();
        assertThat(HeaderLines.endsHeaderSection(m, 12)).as("CRLF CRLF").isTrue();
        assertThat(HeaderLines.endsHeaderSection(m, 19)).as("CR CR LF: an LF-only reader sees a line \"C: 3\\r\"")
                .isFalse();
        assertThat(HeaderLines.endsHeaderSection(m, 23)).as("CR after a bare CR").isFalse();
        assertThat(HeaderLines.endsHeaderSection(m, 0)).isFalse();
        assertThat(HeaderLines.endsHeaderSection(bytes("\r\n"), 0)).isTrue();
        assertThat(HeaderLines.endsHeaderSection(bytes("\r"), 0)).isFalse();
    }

    @Test
    void aCrlfOnlyReaderEndsItOnlyAtCrlfCrlf() {
        byte[] m = bytes("A: 1\r\nB: 2\n\r\nC: 3\r\n\r\n");
        assertThat(HeaderLines.endsHeaderSection(m, 11)).isTrue();
        assertThat(HeaderLines.endsHeaderSectionCrlfOnly(m, 11)).as("LF then CRLF").isFalse();
        assertThat(HeaderLines.endsHeaderSectionCrlfOnly(m, m.length - 2)).isTrue();
        assertThat(HeaderLines.endsHeaderSectionCrlfOnly(bytes("\r\nA"), 0)).isTrue();
        assertThat(HeaderLines.endsHeaderSectionCrlfOnly(bytes("\n\r\n"), 1)).isFalse();
    }

    @Test
    void aCrlfOnlyFieldRunsOnOverBareLineEndsButNotPastTheEmptyLine() {
        byte[] m = bytes("A: 1\nB\r 2\r\n\tc\r\nD: 4\n\r\nbody\r\n");
        assertThat(HeaderLines.crlfFieldEnd(m, 0, m.length)).as("over LF, CR and a CRLF HTAB fold").isEqualTo(15);
        assertThat(HeaderLines.crlfFieldEnd(m, 14, m.length)).as("from the LF of its CRLF").isEqualTo(15);
        assertThat(HeaderLines.crlfFieldEnd(m, 15, m.length)).as("the empty line after a bare LF").isEqualTo(20);
        assertThat(HeaderLines.crlfFieldEnd(m, 0, 10)).isEqualTo(10);
        assertThat(HeaderLines.startsCrlfLine(m, 0)).isTrue();
        assertThat(HeaderLines.startsCrlfLine(m, 5)).as("after a bare LF").isFalse();
        assertThat(HeaderLines.startsCrlfLine(m, 15)).isTrue();
    }

    @Test
    void theFirstLineFeedSaysWhetherTheMessageUsesCrlf() {
        assertThat(HeaderLines.firstLineEndsWithCrlf(bytes("A: 1\rB\r\nC\n"), 100)).isTrue();
        assertThat(HeaderLines.firstLineEndsWithCrlf(bytes("A: 1\nB\r\n"), 100)).isFalse();
        assertThat(HeaderLines.firstLineEndsWithCrlf(bytes("\nB\r\n"), 100)).isFalse();
        assertThat(HeaderLines.firstLineEndsWithCrlf(bytes("A: 1\r\n"), 5)).as("LF past the limit").isFalse();
    }

    @Test
    void aCrlfAnywhereIsFoundWhereverItSitsInTheEightOctetWords() {
        assertThat(HeaderLines.containsCrlf(bytes("A: 1\nB: 2\n\nbody\r\n"))).as("in the tail").isTrue();
        assertThat(HeaderLines.containsCrlf(bytes("A: 1\rB\n\nbody\r\n" + "x".repeat(16)))).as("after a bare CR")
                .isTrue();
        assertThat(HeaderLines.containsCrlf(bytes("1234567\r\n"))).as("across two words").isTrue();
        assertThat(HeaderLines.containsCrlf(bytes("\r\r\r\r\r\r\r\r\r\r\n"))).as("after CRs").isTrue();
        assertThat(HeaderLines.containsCrlf(bytes("A: 1\nB\r \n\r\r\r x\n\r"))).as("bare CRs, LF CR").isFalse();
        assertThat(HeaderLines.containsCrlf(bytes("A: \u008d\n\u008d\nbody: \r"))).as("0x8D, a last CR").isFalse();
        assertThat(HeaderLines.containsCrlf(bytes(""))).isFalse();
    }

    @Test
    void hostileRunsAreWalkedInLinearTime() {
        // each would take minutes if a line were scanned again from its start for every octet
        for (String unit : List.of("\r", "\r\r\n", " \r\n", "\n ", "x")) {
            byte[] m = bytes(unit.repeat(2_000_000 / unit.length()));
            int lines = 0;
            for (int pos = 0; pos < m.length; pos = HeaderLines.nextLine(m, HeaderLines.contentEnd(m, pos, m.length))) {
                lines++;
            }
            assertThat(lines).isBetween(1, m.length);
            int pos = 0;
            while (pos < m.length) {
                pos = HeaderLines.fieldEnd(m, pos);
            }
            assertThat(HeaderLines.lfFieldEnd(m, 0, m.length)).isBetween(1, m.length);
        }
    }
}
