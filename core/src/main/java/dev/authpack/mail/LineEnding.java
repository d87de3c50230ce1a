package dev.authpack.mail;

import java.nio.charset.StandardCharsets;

/** The line ending a message uses; what we add to a message (a signature field) uses the same one. */
public enum LineEnding {
    CRLF("\r\n"), LF("\n");

    /**
     * The line ending of fields put on top of {@code message} (a signature, an ARC set, our Authentication-Results,
     * a missing Date): CRLF when it holds a CR LF anywhere, whatever its first line ends with (review s17 L2: a
     * reader that knows only CRLF then reads it as lines, and would run a field ending with bare LFs on into the
     * message's first line, up to its first CR LF), or no LF at all; LF when its lines end with bare LFs and none
     * with CR LF (one line to that reader, and so it stays). Stops at the first CR LF, the end of the first line of a
     * CRLF message; a message without one is read to its end for CRs, eight octets at a time.
     */
    public static LineEnding forFieldsAddedTo(byte[] message) {
        if (HeaderLines.containsCrlf(message)) {
            return CRLF;
        }
        for (byte b : message) {
            if (b == '\n') {
                return LF;
            }
        }
        return CRLF;
    }

    private final String text;

    LineEnding(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public byte[] bytes() {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
