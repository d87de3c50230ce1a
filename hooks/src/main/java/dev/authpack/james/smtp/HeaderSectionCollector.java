package dev.authpack.james.smtp;

import java.io.ByteArrayOutputStream;

/**
 * Collects the header section of a message from the DATA lines as they arrive (RFC 5321 §4.5.2: a leading dot is
 * removed from each line), up to and including the empty line that ends it (RFC 5322 §2.1). Bounded: a header
 * section longer than {@link #MAX_OCTETS} is not collected (the checks then start at the end of DATA, reading the
 * whole message as usual). One instance per message; not thread-safe (one SMTP session's lines come in order).
 */
final class HeaderSectionCollector {
    /** The longest header section collected for the early start of the checks. */
    static final int MAX_OCTETS = 256 * 1024;

    private ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);

    /**
     * Takes one DATA line (with its line ending, dot-stuffed as sent). Returns the header section once, when the
     * line that ends it arrives; otherwise null.
     */
    byte[] offer(byte[] line) {
        if (buffer == null || line == null || line.length == 0) {
            return null;
        }
        int start = line[0] == '.' ? 1 : 0;
        if (start == 1 && isLineEnd(line, 1)) {
            // the end of DATA before an empty line: no body; the end-of-DATA check reads it all
            buffer = null;
            return null;
        }
        int length = line.length - start;
        if (buffer.size() + length > MAX_OCTETS) {
            buffer = null;
            return null;
        }
        buffer.write(line, start, length);
        if (isLineEnd(line, start)) {
            byte[] header = buffer.toByteArray();
            buffer = null;
            return header;
        }
        return null;
    }

    /** Whether the line holds nothing from {@code from} on but its end (CRLF, or a bare LF). */
    private static boolean isLineEnd(byte[] line, int from) {
        int rest = line.length - from;
        return rest == 1 && line[from] == '\n' || rest == 2 && line[from] == '\r' && line[from + 1] == '\n';
    }
}
