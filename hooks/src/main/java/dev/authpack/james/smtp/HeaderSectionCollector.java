package dev.authpack.james.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the header section of a message from the DATA lines as they arrive, up to and including the empty line
 * that ends it (RFC 5322 §2.1), with the dots read exactly as James 3.8.1 reads them
 * ({@code DataLineJamesMessageHookHandler.onLine}): a line of three octets that starts with a dot ends DATA, a line
 * that starts with two dots loses the first one (RFC 5321 §4.5.2), and any other line is kept as it is, a single
 * leading dot included (so {@code .From: ...} is a field named {@code .From}, as in the stored message, and starts
 * no lookup). Bounded: a header
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
    /** The longest header section collected for the early start of the checks (real ones are a few KiB). */
    static final int MAX_OCTETS = 64 * 1024;
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
        if (endsData(line)) {
            // the end of DATA before an empty line: no body; the end-of-DATA check reads it all
            lines = null;
            return null;
        }
        int start = stuffed(line) ? 1 : 0;
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
            int from = stuffed(l) ? 1 : 0;
            System.arraycopy(l, from, header, at, l.length - from);
            at += l.length - from;
        }
        lines = null;
        return header;
    }

    /** James 3.8.1: a line of three octets starting with a dot ends DATA (".\r\n"; any other is a bare LF one). */
    static boolean endsData(byte[] line) {
        return line.length == 3 && line[0] == '.';
    }

    /** James 3.8.1: only a line starting with two dots is stored without its first. */
    static boolean stuffed(byte[] line) {
        return line.length >= 2 && line[0] == '.' && line[1] == '.';
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
