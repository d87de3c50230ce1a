package dev.authpack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.mail.WrittenText;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the one JSON object a command prints: UTF-8, members in insertion order, nulls written as {@code null},
 * indented, followed by a newline (CLI.md "Common"). Every character of {@link WrittenText#breaksALine} in a
 * value (the sender's, a reporter's, a DNS answer's text) is written as a JSON escape, not as it is: Jackson escapes
 * only C0, and DEL, C1 (CSI U+009B starts a terminal escape), U+2028/U+2029 and the bidi controls would otherwise
 * reach the terminal of the administrator reading the output (review s22). A JSON reader gets the same value.
 */
final class JsonOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

    static {
        MAPPER.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }

    private JsonOutput() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static com.fasterxml.jackson.databind.node.ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static void write(ObjectNode node, OutputStream out) {
        try {
            byte[] json = MAPPER.writer(new ColonSpacePrinter()).writeValueAsBytes(node);
            out.write(json);
            out.write("\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jackson's standard JSON escapes, and a JSON escape (backslash, u, four hex digits) for the rest of the rule. */
    private static final class TerminalSafeEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch <= 0xffff && WrittenText.breaksALine((char) ch)
                    ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }

    /** {@code "name": value} as in CLI.md, instead of Jackson's default {@code "name" : value}. */
    private static final class ColonSpacePrinter extends DefaultPrettyPrinter {
        ColonSpacePrinter() {
        }

        ColonSpacePrinter(ColonSpacePrinter base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new ColonSpacePrinter(this);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }
}
