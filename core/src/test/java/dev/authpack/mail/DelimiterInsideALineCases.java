package dev.authpack.mail;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Messages with or without a multipart delimiter inside a line ({@link OctetSearch#eachInsideALine}), the one
 * definition {@code conformance.MimeTree} and {@code report.MimeScan} both use: their tests check them against
 * these same cases, so that the two agree (final review s21: MimeTree counted every occurrence, MimeScan left out
 * those overlapping a delimiter line's own).
 */
public final class DelimiterInsideALineCases {
    /** One message, its boundary, and whether "--" and the boundary occur inside a line of it. */
    public record Case(String name, String boundary, byte[] message, boolean inside) {
        public byte[] delimiter() {
            return ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private DelimiterInsideALineCases() {
    }

    public static List<Case> all() {
        return List.of(
                of("delimiter lines only", "b", "--b\nContent-Type: text/plain\n\nhello\n--b--\n", false),
                of("in a line of text", "b", "--b\nContent-Type: text/plain\n\nhello --b there\n--b--\n", true),
                of("after leading blanks", "b", "--b\nContent-Type: text/plain\n\n  --b\n--b--\n", true),
                of("after a CR without LF", "b", "--b\nContent-Type: text/plain\n\nx\r--b\n--b--\n", true),
                // boundary "-": "---" occurs three times in its close delimiter "-----", all the delimiter line's own
                of("the close delimiter of boundary '-'", "-", "---\nContent-Type: text/plain\n\nhello\n-----\n",
                        false),
                of("boundary '-' and text after a line start", "-",
                        "---\nContent-Type: text/plain\n\nhello x---\n-----\n", true),
                // a line starting with the close delimiter "--b--" is the close delimiter line, all of it: RFC 2046
                // §5.1.1 matches a prefix, mime4j skips the rest of the line (helper 89, s21: "--b-~b" was text)
                of("the delimiter right after a close delimiter", "b",
                        "--b\nContent-Type: text/plain\n\nhello\n--b--b\nContent-Type: text/html\n\nx\n", false),
                of("delimiters after a close delimiter and blanks", "b",
                        "--b\nContent-Type: text/plain\n\nhello\n--b-- --b----b\nepilogue\n", false),
                of("boundary '-': its close delimiter and one more '-'", "-",
                        "---\nContent-Type: text/plain\n\nhello\n------\nepilogue\n", false),
                of("a line after the close delimiter line", "b",
                        "--b\nContent-Type: text/plain\n\nhello\n--b--b\nepilogue --b\n", true),
                // only the close delimiter's line: the rest of a separator line still counts (mime4j reads "--b x"
                // as a separator whatever follows; changing the octet is harmless there)
                of("text after a separator with padding", "b",
                        "--b\nContent-Type: text/plain\n\nhello\n--b x--b\nmore\n--b--\n", true));
    }

    private static Case of(String name, String boundary, String body, boolean inside) {
        String message = "From: a@example.com\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n"
                + body;
        return new Case(name, boundary, message.getBytes(StandardCharsets.ISO_8859_1), inside);
    }
}
