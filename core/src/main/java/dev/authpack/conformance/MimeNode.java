package dev.authpack.conformance;

import org.apache.james.mime4j.stream.Field;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entity of a parsed message (the message itself, a multipart, or a leaf), as mime4j's token stream gave it:
 * the header fields with their raw bytes, the content type, and for a leaf its body exactly as transferred.
 * Mutable only while {@link MimeTree} builds it.
 */
final class MimeNode {
    final int depth;
    final List<Field> fields = new ArrayList<>();
    /** Lower-case type/subtype; mime4j's default ({@code text/plain}) when none is declared. */
    String mimeType = "text/plain";
    /** The transfer encoding, lower case; {@code 7bit} when none is declared. */
    String transferEncoding = "7bit";
    String boundary;
    /** The charset mime4j read from Content-Type; {@code us-ascii} (RFC 2045 §5.2) when none is declared. */
    String charset = "us-ascii";
    final List<MimeNode> children = new ArrayList<>();
    byte[] preamble = new byte[0];
    byte[] epilogue = new byte[0];
    /** A leaf's body exactly as transferred (still encoded), without the line break before a boundary. */
    byte[] rawBody = new byte[0];
    boolean multipart;

    MimeNode(int depth) {
        this.depth = depth;
    }

    boolean isText() {
        return mimeType.startsWith("text/");
    }

    boolean isMessage() {
        return mimeType.startsWith("message/");
    }

    /** The first field with this name (case-insensitive), or null. */
    Field field(String name) {
        for (Field f : fields) {
            if (f.getName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
