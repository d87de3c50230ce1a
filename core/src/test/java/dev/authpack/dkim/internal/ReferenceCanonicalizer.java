package dev.authpack.dkim.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6376 §3.4 written out as plainly as possible, one octet and one line at a time, as the oracle the fast
 * canonicalizers are compared with. Line ends are CRLF or a bare LF; a CR not followed by LF is data.
 */
final class ReferenceCanonicalizer {
    private ReferenceCanonicalizer() {
    }

    /** The body's lines without their line ends; an unterminated last line is a line, an empty rest is not. */
    static List<byte[]> lines(byte[] b) {
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                lines.add(line.toByteArray());
                line.reset();
            } else if (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                lines.add(line.toByteArray());
                line.reset();
                i++;
            } else {
                line.write(b[i]);
            }
        }
        if (line.size() > 0) {
            lines.add(line.toByteArray());
        }
        return lines;
    }

    /** §3.4.3: lines unchanged, empty lines at the end removed, every line ended by CRLF; nothing left: CRLF. */
    static byte[] simpleBody(byte[] body) {
        byte[] out = withoutTrailingEmptyLines(lines(body));
        return out.length == 0 ? new byte[] {'\r', '\n'} : out;
    }

    /**
     * §3.4.4: in each line whitespace at the end removed and other SP/HTAB runs made one SP; then empty lines at
     * the end removed, and every line ended by CRLF; nothing left: nothing.
     */
    static byte[] relaxedBody(byte[] body) {
        List<byte[]> lines = new ArrayList<>();
        for (byte[] line : lines(body)) {
            lines.add(reduceWhitespace(line, false));
        }
        return withoutTrailingEmptyLines(lines);
    }

    /** The lines, each ended by CRLF, without the empty ones at the end. */
    private static byte[] withoutTrailingEmptyLines(List<byte[]> lines) {
        int count = lines.size();
        while (count > 0 && lines.get(count - 1).length == 0) {
            count--;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] line : lines.subList(0, count)) {
            out.writeBytes(line);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** §3.4.1: the field as it is, a bare LF of its folding made CRLF. */
    static byte[] simpleHeader(byte[] field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < field.length; i++) {
            if (field[i] == '\n' && (i == 0 || field[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(field[i]);
        }
        return out.toByteArray();
    }

    /**
     * §3.4.2: name lower-cased; the value unfolded (its CRLF and bare LF removed), SP/HTAB runs made one SP,
     * whitespace at its start and end removed; no whitespace around the colon.
     */
    static byte[] relaxedHeader(byte[] field) {
        int colon = 0;
        while (colon < field.length && field[colon] != ':') {
            colon++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int nameEnd = colon;
        while (nameEnd > 0 && (field[nameEnd - 1] == ' ' || field[nameEnd - 1] == '\t')) {
            nameEnd--;
        }
        for (int i = 0; i < nameEnd; i++) {
            byte ch = field[i];
            out.write(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        out.write(':');
        ByteArrayOutputStream unfolded = new ByteArrayOutputStream();
        for (int i = colon + 1; i < field.length; i++) {
            boolean crlf = field[i] == '\r' && i + 1 < field.length && field[i + 1] == '\n';
            if (crlf) {
                i++;
            } else if (field[i] != '\n') {
                unfolded.write(field[i]);
            }
        }
        out.writeBytes(reduceWhitespace(unfolded.toByteArray(), true));
        return out.toByteArray();
    }

    /** SP/HTAB runs made one SP, those at the end removed (and those at the start, if asked). */
    private static byte[] reduceWhitespace(byte[] text, boolean trimStart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean pending = false;
        for (byte ch : text) {
            if (ch == ' ' || ch == '\t') {
                pending = true;
            } else {
                if (pending && (out.size() > 0 || !trimStart)) {
                    out.write(' ');
                }
                pending = false;
                out.write(ch);
            }
        }
        return out.toByteArray();
    }
}
