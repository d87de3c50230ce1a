package dev.authpack.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A message as received: its bytes, its header fields as raw bytes (in order, with their folding) and where the
 * body starts. Signatures (DKIM, ARC) are computed over these bytes, never over a decoded form.
 *
 * <p>Line endings: CRLF and bare LF are both accepted, even mixed; {@link #lineEnding()} is the first one seen,
 * which is what signers use for the fields they add. A CR not followed by LF is ordinary data.
 *
 * <p>The header section ends at the first empty line; a message without one is all header and has an empty body.
 * A line starting with a space or tab continues the previous field (RFC 5322 §2.2.3). Parsing looks at the header
 * section only: the body is never scanned or copied here.
 *
 * <p>Immutable once built. {@link #parse(byte[])} does not copy its argument: the caller must not change the
 * array afterwards.
 */
public final class RawMessage {
    private static final List<HeaderField> NONE = List.of();

    private final byte[] bytes;
    private final List<HeaderField> fields;
    private final Map<String, List<HeaderField>> byName;
    private final int bodyOffset;
    private final LineEnding lineEnding;

    private RawMessage(byte[] bytes, List<HeaderField> fields, Map<String, List<HeaderField>> byName,
                       int bodyOffset, LineEnding lineEnding) {
        this.bytes = bytes;
        this.fields = fields;
        this.byName = byName;
        this.bodyOffset = bodyOffset;
        this.lineEnding = lineEnding;
    }

    /** Parses with {@link MessageLimits#DEFAULT}. */
    public static RawMessage parse(byte[] message) throws MessageParseException {
        return parse(message, MessageLimits.DEFAULT);
    }

    /**
     * Reads the header section of {@code message}.
     *
     * @throws MessageParseException if the header section is larger than the limits allow, has more fields, starts
     *                               with a continuation line, or has a line that is not {@code name: value}
     */
    public static RawMessage parse(byte[] message, MessageLimits limits) throws MessageParseException {
        int n = message.length;
        int scanLimit = Math.min(n, limits.maxHeaderBytes());
        LineEnding ending = detectLineEnding(message, scanLimit);
        List<HeaderField> fields = new ArrayList<>();
        Map<String, List<HeaderField>> byName = new HashMap<>();
        int pos = 0;
        while (true) {
            if (pos >= n) {
                return build(message, fields, byName, n, ending);
            }
            byte b = message[pos];
            if (b == '\n') {
                return checkedBuild(message, fields, byName, pos + 1, ending, limits);
            }
            if (b == '\r' && pos + 1 < n && message[pos + 1] == '\n') {
                return checkedBuild(message, fields, byName, pos + 2, ending, limits);
            }
            if (b == ' ' || b == '\t') {
                throw new MessageParseException("the header section starts with a continuation line");
            }
            int start = pos;
            int fieldEnd;
            int next;
            // a field runs until a line that does not start with WSP
            while (true) {
                int lf = indexOf(message, (byte) '\n', pos, scanLimit);
                if (lf < 0) {
                    if (scanLimit < n) {
                        throw tooLarge(limits);
                    }
                    fieldEnd = n;
                    next = n;
                    break;
                }
                next = lf + 1;
                if (next < n && (message[next] == ' ' || message[next] == '\t')) {
                    pos = next;
                    continue;
                }
                fieldEnd = lf > start && message[lf - 1] == '\r' ? lf - 1 : lf;
                break;
            }
            if (next > limits.maxHeaderBytes()) {
                throw tooLarge(limits);
            }
            if (fields.size() >= limits.maxFields()) {
                throw new MessageParseException("more than " + limits.maxFields() + " header fields");
            }
            int colon = indexOf(message, (byte) ':', start, fieldEnd);
            if (colon < 0) {
                throw new MessageParseException("header field " + (fields.size() + 1) + " has no colon");
            }
            int nameEnd = colon;
            while (nameEnd > start && (message[nameEnd - 1] == ' ' || message[nameEnd - 1] == '\t')) {
                nameEnd--;
            }
            String name = fieldName(message, start, nameEnd, fields.size() + 1);
            HeaderField field = new HeaderField(message, start, colon, fieldEnd, fields.size(), name);
            fields.add(field);
            byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(2)).add(field);
            pos = next;
        }
    }

    private static RawMessage checkedBuild(byte[] message, List<HeaderField> fields,
                                           Map<String, List<HeaderField>> byName, int bodyOffset,
                                           LineEnding ending, MessageLimits limits) throws MessageParseException {
        if (bodyOffset > limits.maxHeaderBytes()) {
            throw tooLarge(limits);
        }
        return build(message, fields, byName, bodyOffset, ending);
    }

    private static RawMessage build(byte[] message, List<HeaderField> fields,
                                    Map<String, List<HeaderField>> byName, int bodyOffset, LineEnding ending) {
        byName.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return new RawMessage(message, Collections.unmodifiableList(fields), byName, bodyOffset, ending);
    }

    private static MessageParseException tooLarge(MessageLimits limits) {
        return new MessageParseException("header section larger than " + limits.maxHeaderBytes() + " octets");
    }

    /** RFC 5322 §3.6.8 ftext: printable US-ASCII except colon, at least one. */
    private static String fieldName(byte[] message, int start, int end, int number) throws MessageParseException {
        if (start == end) {
            throw new MessageParseException("header field " + number + " has an empty name");
        }
        char[] name = new char[end - start];
        for (int i = start; i < end; i++) {
            int c = message[i] & 0xff;
            if (c < 33 || c > 126) {
                throw new MessageParseException("header field " + number + " has an invalid character (0x"
                        + Integer.toHexString(c) + ") in its name");
            }
            name[i - start] = (char) c;
        }
        return new String(name);
    }

    private static LineEnding detectLineEnding(byte[] message, int limit) {
        int lf = indexOf(message, (byte) '\n', 0, limit);
        return lf > 0 && message[lf - 1] == '\r' || lf < 0 ? LineEnding.CRLF : LineEnding.LF;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** All header fields, top to bottom. */
    public List<HeaderField> fields() {
        return fields;
    }

    /** The fields with this name (case-insensitive), top to bottom; empty if none. */
    public List<HeaderField> fields(String name) {
        return byName.getOrDefault(name.toLowerCase(Locale.ROOT), NONE);
    }

    /** The topmost field with this name (case-insensitive). */
    public Optional<HeaderField> firstField(String name) {
        List<HeaderField> found = fields(name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Number of fields with this name (case-insensitive). */
    public int count(String name) {
        return fields(name).size();
    }

    public LineEnding lineEnding() {
        return lineEnding;
    }

    /** Total size in octets. */
    public int size() {
        return bytes.length;
    }

    /** Where the body starts (after the empty line), equal to {@link #size()} when there is no body. */
    public int bodyOffset() {
        return bodyOffset;
    }

    public int bodyLength() {
        return bytes.length - bodyOffset;
    }

    /** The body, handed over without a copy. */
    public void readBody(ByteRangeConsumer consumer) {
        consumer.accept(bytes, bodyOffset, bytes.length - bodyOffset);
    }

    /** The body as a stream over the message's bytes (no copy). */
    public InputStream bodyStream() {
        return new ByteArrayInputStream(bytes, bodyOffset, bytes.length - bodyOffset);
    }

    /** The whole message, handed over without a copy. */
    public void readAll(ByteRangeConsumer consumer) {
        consumer.accept(bytes, 0, bytes.length);
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    /** A copy of the whole message. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, bytes.length);
    }

    /**
     * A new array: {@code fieldBytes} (one or more complete fields, each ended by a line ending) followed by this
     * message's bytes.
     */
    public byte[] prepend(byte[] fieldBytes) {
        byte[] out = new byte[fieldBytes.length + bytes.length];
        System.arraycopy(fieldBytes, 0, out, 0, fieldBytes.length);
        System.arraycopy(bytes, 0, out, fieldBytes.length, bytes.length);
        return out;
    }
}
