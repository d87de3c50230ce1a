package dev.authpack.james.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the header section of a message from the DATA lines as they arrive (RFC 5321 §4.5.2: a leading dot is
 * removed from each line), up to and including the empty line that ends it (RFC 5322 §2.1). Bounded: a header
 * section longer than {@link #MAX_OCTETS} or of more than {@link #MAX_LINES} lines is not collected (the checks then
 * start at the end of DATA, reading the whole message as usual). One instance per message; not thread-safe (one
 * SMTP session's lines come in order).
 *
 * <p>The lines are kept as given (James hands each DATA line in an array of its own) and copied once, into the
 * header section, when the empty line arrives: no growing buffer and no second copy. What is collected here starts
 * lookups early; at the end of DATA only its DMARC reading (the From fields) is taken over, and only when the message
 * as it is then ends its header section with exactly these octets below whole CRLF lines without a From field
 * (James' {@code Received} field): {@code CollectedHeaderSection} in the engine. Everything else is read from the
 * message as it is then.
 */
final class HeaderSectionCollector {
    /** The longest header section collected for the early start of the checks. */
    static final int MAX_OCTETS = 256 * 1024;
    /** The most header lines collected (each line kept costs a reference until the empty line). */
    static final int MAX_LINES = 4096;

    private List<byte[]> lines = new ArrayList<>(64);
    private int octets;

    /**
     * Takes one DATA line (with its line ending, dot-stuffed as sent). Returns the header section once, when the
     * line that ends it arrives; otherwise null.
     */
    byte[] offer(byte[] line) {
        if (lines == null || line == null || line.length == 0) {
            return null;
        }
        int start = line[0] == '.' ? 1 : 0;
        if (start == 1 && isLineEnd(line, 1)) {
            // the end of DATA before an empty line: no body; the end-of-DATA check reads it all
            lines = null;
            return null;
        }
        int length = line.length - start;
        if (octets + length > MAX_OCTETS || lines.size() >= MAX_LINES) {
            lines = null;
            return null;
        }
        lines.add(line);
        octets += length;
        if (!isLineEnd(line, start)) {
            return null;
        }
        byte[] header = new byte[octets];
        int at = 0;
        for (byte[] l : lines) {
            int from = l[0] == '.' ? 1 : 0;
            System.arraycopy(l, from, header, at, l.length - from);
            at += l.length - from;
        }
        lines = null;
        return header;
    }

    /** Whether {@code line} is an empty line (CRLF, or a bare LF): the end of a header section. */
    static boolean isEmptyLine(byte[] line) {
        return line != null && isLineEnd(line, 0);
    }

    /** Whether the line holds nothing from {@code from} on but its end (CRLF, or a bare LF). */
    private static boolean isLineEnd(byte[] line, int from) {
        int rest = line.length - from;
        return rest == 1 && line[from] == '\n' || rest == 2 && line[from] == '\r' && line[from + 1] == '\n';
    }
}
