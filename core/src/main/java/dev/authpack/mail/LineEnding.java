package dev.authpack.mail;

import java.nio.charset.StandardCharsets;

/** The line ending a message uses; what we add to a message (a signature field) uses the same one. */
public enum LineEnding {
    CRLF("\r\n"), LF("\n");

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
