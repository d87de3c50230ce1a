package dev.authpack.mail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One header field exactly as received: name, colon and value with its folding, without the line ending that
 * ends the field. It is a view of its message's bytes (no copy); immutable.
 */
public final class HeaderField {
    private final byte[] message;
    private final int start;
    private final int colon;
    private final int end;
    private final int index;
    private final String name;

    HeaderField(byte[] message, int start, int colon, int end, int index, String name) {
        this.message = message;
        this.start = start;
        this.colon = colon;
        this.end = end;
        this.index = index;
        this.name = name;
    }

    /** Position in the header section, 0 for the topmost field. */
    public int index() {
        return index;
    }

    /** The field name as written, without whitespace before the colon. */
    public String name() {
        return name;
    }

    /** Case-insensitive name comparison (RFC 5322 field names are case-insensitive). */
    public boolean hasName(String other) {
        return name.equalsIgnoreCase(other);
    }

    /** Octets of the whole field (name to end of value, without the final line ending). */
    public int length() {
        return end - start;
    }

    /** Offset of the first octet after the colon, counted from the start of the field. */
    public int valueOffset() {
        return colon + 1 - start;
    }

    /** The whole field without its final line ending, handed over without a copy. */
    public void readRaw(ByteRangeConsumer consumer) {
        consumer.accept(message, start, end - start);
    }

    /** A copy of the whole field without its final line ending. */
    public byte[] rawBytes() {
        return Arrays.copyOfRange(message, start, end);
    }

    /**
     * The value after the colon, folding and all, one char per octet (ISO-8859-1), so that char offsets in it
     * are octet offsets in {@link #rawBytes()} minus {@link #valueOffset()}.
     */
    public String rawValue() {
        return new String(message, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1);
    }

    /** The value decoded as UTF-8, line breaks of the folding removed, outer whitespace trimmed: for display. */
    public String unfoldedValue() {
        String value = new String(message, colon + 1, end - colon - 1, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\r' && c != '\n') {
                out.append(c);
            }
        }
        return out.toString().strip();
    }

    @Override
    public String toString() {
        return new String(message, start, end - start, StandardCharsets.UTF_8);
    }
}
