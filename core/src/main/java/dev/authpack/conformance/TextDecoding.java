package dev.authpack.conformance;

import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.field.ContentTypeFieldLenientImpl;
import org.apache.james.mime4j.dom.field.ContentTypeField;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Transfer decoding (RFC 2045 §6) and charset decoding of leaves, shared by the check and the fixer. */
final class TextDecoding {
    private TextDecoding() {
    }

    /** The leaf's content with its transfer encoding undone (base64 and quoted-printable leniently, as mime4j). */
    static byte[] transferDecoded(MimeNode node) {
        try (InputStream in = decoder(node)) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return node.rawBody;
        }
    }

    private static InputStream decoder(MimeNode node) {
        InputStream raw = new ByteArrayInputStream(node.rawBody);
        return switch (node.transferEncoding) {
            case "base64" -> new Base64InputStream(raw, DecodeMonitor.SILENT);
            case "quoted-printable" -> new QuotedPrintableInputStream(raw, DecodeMonitor.SILENT);
            default -> raw;
        };
    }

    /** The parsed Content-Type field of the entity, or null when it has none. */
    static ContentTypeField contentType(MimeNode node) {
        Field field = node.field("Content-Type");
        if (field == null) {
            return null;
        }
        try {
            return ContentTypeFieldLenientImpl.PARSER.parse(field, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The declared charset parameter, or null when none is declared. */
    static String declaredCharset(MimeNode node) {
        ContentTypeField type = contentType(node);
        String charset = type == null ? null : type.getParameter("charset");
        return charset == null || charset.isBlank() ? null : charset.strip();
    }

    /** The text decoded with {@code charset}, or empty when an octet sequence is malformed or unmappable. */
    static Optional<String> decodeStrictly(byte[] bytes, Charset charset) {
        try {
            CharBuffer chars = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return Optional.of(chars.toString());
        } catch (CharacterCodingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** KumoMTA's default for 8-bit text without a usable charset: UTF-8 with U+FFFD for what is not. */
    static String lossyUtf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
