package dev.authpack.it;

import java.util.List;

/** One SMTP reply (RFC 5321 §4.2): the three-digit code and the text of each line, without the code. */
public record SmtpReply(int code, List<String> lines) {
    public SmtpReply {
        lines = List.copyOf(lines);
    }

    /** 2xx. */
    public boolean isPositive() {
        return code >= 200 && code < 300;
    }

    /** 3xx (354 after DATA, 334 during AUTH). */
    public boolean isIntermediate() {
        return code >= 300 && code < 400;
    }

    /** The text of all lines, joined with a space. */
    public String text() {
        return String.join(" ", lines);
    }

    @Override
    public String toString() {
        return code + " " + text();
    }
}
