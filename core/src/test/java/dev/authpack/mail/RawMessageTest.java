package dev.authpack.mail;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawMessageTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String raw(HeaderField f) {
        return new String(f.rawBytes(), StandardCharsets.UTF_8);
    }

    private static String body(RawMessage m) throws Exception {
        return new String(m.bodyStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void readsFieldsWithFoldingAndTheBodyOffset() throws Exception {
        String text = "Received: from a\r\n\tby b\r\nSubject : Hi\r\nFROM: x@example.com\r\n\r\nbody\r\n";
        RawMessage m = RawMessage.parse(bytes(text));

        assertThat(m.fields()).hasSize(3);
        assertThat(m.fields().get(0).name()).isEqualTo("Received");
        assertThat(raw(m.fields().get(0))).isEqualTo("Received: from a\r\n\tby b");
        assertThat(m.fields().get(0).rawValue()).isEqualTo(" from a\r\n\tby b");
        assertThat(m.fields().get(0).unfoldedValue()).isEqualTo("from a\tby b");
        assertThat(m.fields().get(1).name()).as("whitespace before the colon is not part of the name")
                .isEqualTo("Subject");
        assertThat(m.fields().get(1).valueOffset()).isEqualTo("Subject :".length());
        assertThat(m.fields().get(2).index()).isEqualTo(2);
        assertThat(m.bodyOffset()).isEqualTo(text.indexOf("body"));
        assertThat(body(m)).isEqualTo("body\r\n");
        assertThat(m.lineEnding()).isEqualTo(LineEnding.CRLF);
    }

    @Test
    void looksUpNamesCaseInsensitivelyInOrder() throws Exception {
        RawMessage m = RawMessage.parse(bytes("To: a\r\nfrom: 1\r\nTO: b\r\n\r\n"));
        assertThat(m.fields("to")).extracting(HeaderField::unfoldedValue).containsExactly("a", "b");
        assertThat(m.fields("To")).extracting(HeaderField::index).containsExactly(0, 2);
        assertThat(m.firstField("FROM")).map(HeaderField::unfoldedValue).contains("1");
        assertThat(m.count("to")).isEqualTo(2);
        assertThat(m.fields("cc")).isEmpty();
        assertThat(m.firstField("cc")).isEmpty();
        assertThat(m.fields().get(0).hasName("TO")).isTrue();
    }

    @Test
    void commonAndOtherNamesInAnySpellingKeepTheirSpellingAndShareOneList() throws Exception {
        RawMessage m = RawMessage.parse(bytes("From: 1\r\nFROM: 2\r\nfRoM: 3\r\nDkim-Signature: 4\r\n"
                + "X-Own-Field: 5\r\nx-own-FIELD: 6\r\nFromage: 7\r\nFro: 8\r\nReceived: 9\r\n\r\n"));
        assertThat(m.fields()).extracting(HeaderField::name).containsExactly("From", "FROM", "fRoM",
                "Dkim-Signature", "X-Own-Field", "x-own-FIELD", "Fromage", "Fro", "Received");
        assertThat(m.fields("from")).extracting(HeaderField::index).containsExactly(0, 1, 2);
        assertThat(m.fields("FROM")).isSameAs(m.fields("from"));
        assertThat(m.fields("DKIM-Signature")).extracting(HeaderField::index).containsExactly(3);
        assertThat(m.fields("X-OWN-field")).extracting(HeaderField::index).containsExactly(4, 5);
        assertThat(m.fields("x-own-field")).isSameAs(m.fields("X-Own-Field"));
        assertThat(m.fields("fromage")).extracting(HeaderField::index).containsExactly(6);
        assertThat(m.fields("fro")).extracting(HeaderField::index).containsExactly(7);
        assertThat(m.fields("received")).extracting(HeaderField::index).containsExactly(8);
        assertThatThrownBy(() -> m.fields("from").add(m.fields().get(0)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.fields("received").clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Lookups by a common name in any spelling, by names near them, and by names no field can have. */
    @Test
    void looksUpCommonNamesInAnySpellingAndOddNamesFindNothing() throws Exception {
        RawMessage m = RawMessage.parse(bytes("message-id: 1\r\nARC-SEAL: 2\r\nList-Unsubscribe-Post: 3\r\n"
                + "List-Unsubscribe: 4\r\nX-Mailer: 5\r\nKeywords: 6\r\n\r\n"));
        for (String name : new String[] {"Message-ID", "MESSAGE-ID", "message-id", "Message-Id"}) {
            assertThat(m.fields(name)).as(name).extracting(HeaderField::index).containsExactly(0);
        }
        assertThat(m.fields("arc-seal")).extracting(HeaderField::index).containsExactly(1);
        assertThat(m.fields("list-unsubscribe-POST")).extracting(HeaderField::index).containsExactly(2);
        assertThat(m.fields("LIST-unsubscribe")).extracting(HeaderField::index).containsExactly(3);
        assertThat(m.fields("x-MAILER")).extracting(HeaderField::index).containsExactly(4);
        // a prefix, a longer name, whitespace, controls, and characters beyond ASCII (some lower-case to ASCII)
        for (String name : new String[] {"Message-I", "Message-IDs", "Message-ID ", " Message-ID", "X-Mailer\t",
                "Me\u0000ssage-ID", "MESSAGE-\u0130D", "X-M\u00c4iler", ""}) {
            assertThat(m.fields(name)).as(name).isEmpty();
        }
        // as String.toLowerCase(Locale.ROOT) has it: the Kelvin sign is a k
        assertThat(m.fields("\u212Aeywords")).extracting(HeaderField::index).containsExactly(5);
    }

    /** A name one character away from a field's name finds nothing, whichever shared key its hash lands near. */
    @Test
    void namesOneCharacterAwayFindNothing() throws Exception {
        String[] names = {"Received", "From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version",
                "Content-Type", "DKIM-Signature", "Reply-To", "Sender", "List-Id", "List-Post", "X-Mailer",
                "ARC-Seal", "Keywords", "Comments", "Importance", "Resent-To", "X-Own"};
        StringBuilder header = new StringBuilder();
        for (String name : names) {
            header.append(name).append(": v\r\n");
        }
        RawMessage m = RawMessage.parse(bytes(header + "\r\n"));
        int lookups = 0;
        for (String name : names) {
            for (int at = 0; at < name.length(); at++) {
                for (char c : new char[] {'a', 'e', 'q', 'z', 'I', '-', '0', '9', '_', '~'}) {
                    String variant = name.substring(0, at) + c + name.substring(at + 1);
                    boolean isAName = false;
                    for (String other : names) {
                        isAName |= other.equalsIgnoreCase(variant);
                    }
                    if (!isAName) {
                        assertThat(m.fields(variant)).as(variant).isEmpty();
                        lookups++;
                    }
                }
            }
        }
        assertThat(lookups).isGreaterThan(1000);
    }

    @Test
    void lineEndsAreFoundAtEveryPositionOfAWordAmongEightBitOctets() throws Exception {
        // fields of every length around the eight-octet words, values with octets whose low seven bits are LF or CR
        Random random = new Random(5322);
        String[] values = {"", "x", "\u008a", "\u008d\u008a", "\u00ff", "a\u008a b", "\u000b\u000c"};
        for (int n = 0; n < 2_000; n++) {
            StringBuilder text = new StringBuilder();
            List<String> expected = new ArrayList<>();
            for (int f = random.nextInt(6); f >= 0; f--) {
                StringBuilder field = new StringBuilder("N" + f + ":");
                for (int k = random.nextInt(20); k > 0; k--) {
                    field.append(random.nextBoolean() ? values[random.nextInt(values.length)]
                            : random.nextBoolean() ? "\r\n\t" : "\n ");
                }
                expected.add(field.toString());
                text.append(field).append(random.nextBoolean() ? "\r\n" : "\n");
            }
            String header = text.toString();
            text.append("\r\nbody \u008a\n");
            RawMessage m = RawMessage.parse(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            assertThat(m.fields()).extracting(f -> new String(f.rawBytes(), StandardCharsets.ISO_8859_1))
                    .as("%s", header).containsExactlyElementsOf(expected);
            assertThat(m.bodyOffset()).isEqualTo(header.length() + 2);
        }
    }

    /**
     * Review s17 (L2): the line ending of fields put on top is CRLF as soon as a CRLF is anywhere (a CRLF-only reader
     * runs a field ending with bare LFs on into the first line below it), LF only with bare LFs and no CRLF.
     */
    @Test
    void fieldsPutOnTopEndWithCrlfWheneverTheMessageHoldsOne() throws Exception {
        assertThat(RawMessage.parse(bytes("A: 1\nB: 2\r\n\r\nline\r\n")).lineEnding()).isEqualTo(LineEnding.CRLF);
        assertThat(RawMessage.parse(bytes("A: 1\nB: 2\n\nline\r\n")).lineEnding()).as("in the body")
                .isEqualTo(LineEnding.CRLF);
        assertThat(RawMessage.parse(bytes("A: 1\r\nB: 2\n\nline\n")).lineEnding()).isEqualTo(LineEnding.CRLF);
        assertThat(RawMessage.parse(bytes("A: 1\nB: 2\r\r\n\nline\r\r")).lineEnding()).as("CR CR LF")
                .isEqualTo(LineEnding.CRLF);
        assertThat(RawMessage.parse(bytes("A: 1\nB: 2\r \n\nline\r")).lineEnding()).as("a bare CR is data")
                .isEqualTo(LineEnding.LF);
        assertThat(LineEnding.forFieldsAddedTo(bytes("A: 1"))).as("no LF at all").isEqualTo(LineEnding.CRLF);
        assertThat(LineEnding.forFieldsAddedTo(bytes(""))).isEqualTo(LineEnding.CRLF);
    }

    @Test
    void acceptsBareLfLineEnds() throws Exception {
        RawMessage m = RawMessage.parse(bytes("A: 1\n continued\nB: 2\n\nline\n"));
        assertThat(m.lineEnding()).isEqualTo(LineEnding.LF);
        assertThat(m.fields()).extracting(RawMessageTest::raw).containsExactly("A: 1\n continued", "B: 2");
        assertThat(body(m)).isEqualTo("line\n");
    }

    @Test
    void messageWithoutEmptyLineIsAllHeader() throws Exception {
        RawMessage m = RawMessage.parse(bytes("A: 1\r\nB: 2\r\n"));
        assertThat(m.fields()).hasSize(2);
        assertThat(m.bodyLength()).isZero();

        RawMessage unterminated = RawMessage.parse(bytes("A: 1\r\nB: 2"));
        assertThat(raw(unterminated.fields().get(1))).isEqualTo("B: 2");
        assertThat(unterminated.bodyLength()).isZero();
    }

    @Test
    void emptyHeaderSection() throws Exception {
        RawMessage m = RawMessage.parse(bytes("\r\nbody"));
        assertThat(m.fields()).isEmpty();
        assertThat(body(m)).isEqualTo("body");
        assertThat(RawMessage.parse(new byte[0]).fields()).isEmpty();
    }

    @Test
    void refusesMalformedHeaderSections() {
        assertThatThrownBy(() -> RawMessage.parse(bytes(" folded first: x\r\n\r\n")))
                .isInstanceOf(MessageParseException.class).hasMessageContaining("continuation");
        assertThatThrownBy(() -> RawMessage.parse(bytes("A: 1\r\nno colon here\r\n\r\n")))
                .isInstanceOf(MessageParseException.class).hasMessageContaining("header field 2 has no colon");
        assertThatThrownBy(() -> RawMessage.parse(bytes(": empty name\r\n\r\n")))
                .isInstanceOf(MessageParseException.class).hasMessageContaining("empty name");
        assertThatThrownBy(() -> RawMessage.parse(bytes("From x Mon Jan 1 10:00:00 2024\r\n\r\n")))
                .isInstanceOf(MessageParseException.class).hasMessageContaining("invalid character");
    }

    @Test
    void boundsTheHeaderSection() throws Exception {
        String header = "A: " + "x".repeat(100) + "\r\n";
        byte[] message = bytes(header.repeat(20) + "\r\nbody");
        assertThat(RawMessage.parse(message, new MessageLimits(header.length() * 20 + 2, 20)).fields()).hasSize(20);
        assertThatThrownBy(() -> RawMessage.parse(message, new MessageLimits(header.length() * 20 + 1, 20)))
                .isInstanceOf(MessageParseException.class).hasMessageContaining("larger than");
        assertThatThrownBy(() -> RawMessage.parse(message, new MessageLimits(10_000, 19)))
                .isInstanceOf(MessageParseException.class).hasMessageContaining("more than 19 header fields");
        // one endless line: found without scanning past the bound
        byte[] endless = bytes("A: " + "y".repeat(5000));
        assertThatThrownBy(() -> RawMessage.parse(endless, new MessageLimits(1000, 10)))
                .isInstanceOf(MessageParseException.class).hasMessageContaining("larger than 1000");
        assertThat(MessageLimits.DEFAULT.maxHeaderBytes()).isEqualTo(1 << 20);
        assertThat(MessageLimits.DEFAULT.maxFields()).isEqualTo(1000);
    }

    @Test
    void handsOutBytesWithoutChangingThem() throws Exception {
        byte[] message = bytes("A: 1\r\n\r\nbody");
        RawMessage m = RawMessage.parse(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(message);
        assertThat(m.toByteArray()).isEqualTo(message).isNotSameAs(message);
        int[] seen = new int[2];
        m.readBody((b, off, len) -> {
            seen[0] = off;
            seen[1] = len;
        });
        assertThat(seen).containsExactly(8, 4);
        assertThat(new String(m.prepend(bytes("B: 2\r\n")), StandardCharsets.UTF_8))
                .isEqualTo("B: 2\r\nA: 1\r\n\r\nbody");
        assertThat(m.size()).isEqualTo(message.length);
    }

    @Test
    void eightBitValuesAreKeptAsOctets() throws Exception {
        byte[] message = "Subject: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        HeaderField f = RawMessage.parse(message).fields().get(0);
        assertThat(f.unfoldedValue()).isEqualTo("caf\u00e9");
        assertThat(f.rawValue()).hasSize(" caf".length() + 2);
        assertThat(f.length()).isEqualTo(message.length - 4);
        assertThat(List.of(f.toString())).containsExactly("Subject: caf\u00e9");
    }

    /**
     * Review s22 (reviewB): a field after a lone CR is one field to the strict parser and another to javax.mail,
     * which a client shows; countsShown counts it. A message with LF (or CRLF) line ends counts as parsed.
     */
    @Test
    void countsShownSeesAFieldAfterALoneCr() throws Exception {
        List<String> names = List.of("Subject", "From", "Content-Type");
        String clean = "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
        assertThat(RawMessage.parse(bytes(clean)).countsShown(names)).containsExactly(1, 1, 0);
        assertThat(RawMessage.parse(bytes(clean.replace("\r\n", "\n"))).countsShown(names)).containsExactly(1, 1, 0);
        RawMessage hidden = RawMessage.parse(bytes("X-Note: x\rsubJECT : urgent\rContent-Type: text/html\r\n"
                + clean));
        assertThat(hidden.count("Subject")).isEqualTo(1);
        assertThat(hidden.countsShown(names)).containsExactly(2, 1, 1);
        // a lone CR then white space continues the field in javax.mail's reading too; after a CR CR LF line end too
        assertThat(RawMessage.parse(bytes("X-Note: x\r Subject: no\r\r\n" + clean)).countsShown(names))
                .containsExactly(1, 1, 0);
    }
}
