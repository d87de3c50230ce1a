package dev.authpack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the one JSON object a command prints: UTF-8, members in insertion order, nulls written as {@code null},
 * indented, followed by a newline (CLI.md "Common").
 */
final class JsonOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

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
