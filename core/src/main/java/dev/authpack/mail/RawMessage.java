package dev.authpack.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * <p>Line endings: CRLF and bare LF are both accepted, even mixed; {@link #lineEnding()} is what signers use for
 * the fields they add: CRLF as soon as a CRLF is anywhere (not only the first line's: review s17 L2), LF in a
 * message with bare LFs only. A CR not followed by LF is ordinary data.
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
    /**
     * Field names common enough that every message would otherwise make new strings of them: the spelling usually
     * seen (shared when a field has exactly it) and the lower-case key (shared for any spelling).
     */
    private static final String[] COMMON_NAMES = {"Received", "From", "To", "Cc", "Bcc", "Subject", "Date",
            "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
            "Content-Language", "DKIM-Signature", "Return-Path", "Reply-To", "Sender", "In-Reply-To", "References",
            "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Post", "List-Help", "List-Archive",
            "Precedence", "Auto-Submitted", "Feedback-ID", "X-Mailer", "User-Agent", "Authentication-Results",
            "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "Received-SPF", "Delivered-To",
            "X-Received", "X-Original-To", "Thread-Topic", "Thread-Index", "Importance", "X-Priority",
            "Organization", "Errors-To", "Resent-From", "Resent-Sender", "Resent-To", "Resent-Date",
            "Resent-Message-ID", "Keywords", "Comments"};
    /** Open addressing by the hash of the lower-case name: index + 1 into {@link #COMMON_NAMES}, 0 when empty. */
    private static final int[] COMMON_SLOTS = new int[256];
    private static final String[] COMMON_KEYS = new String[COMMON_NAMES.length];

    static {
        for (int i = 0; i < COMMON_NAMES.length; i++) {
            COMMON_KEYS[i] = COMMON_NAMES[i].toLowerCase(Locale.ROOT);
            int slot = COMMON_KEYS[i].hashCode() & (COMMON_SLOTS.length - 1);
            while (COMMON_SLOTS[slot] != 0) {
                slot = (slot + 1) & (COMMON_SLOTS.length - 1);
            }
            COMMON_SLOTS[slot] = i + 1;
        }
    }

    private final byte[] bytes;
    private final List<HeaderField> fields;
    private final Map<String, List<HeaderField>> byName;
    private final int bodyOffset;
    /** The first line ending seen: CRLF (or no LF within the header bound) or LF. */
    private final LineEnding firstLineEnding;
    /**
     * {@link #hasLoneCr()} once known: 0 not yet, 1 no, 2 yes. Kept because {@link #countsShown} is asked once per
     * verified signature; a race computes the same value twice, as String's hash.
     */
    private int loneCr;

    private RawMessage(byte[] bytes, List<HeaderField> fields, Map<String, List<HeaderField>> byName,
                       int bodyOffset, LineEnding firstLineEnding) {
        this.bytes = bytes;
        this.fields = fields;
        this.byName = byName;
        this.bodyOffset = bodyOffset;
        this.firstLineEnding = firstLineEnding;
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
        List<HeaderField> fields = new ArrayList<>(32);
        // a field alone under its name, or an ArrayList of them (made lists at the end)
        Map<String, Object> byName = new HashMap<>(64);
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
                int lf = indexOfLf(message, pos, scanLimit);
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
            int common = commonName(message, start, nameEnd, fields.size() + 1);
            String name = common >= 0 && COMMON_NAMES[common].length() == nameEnd - start
                    && sameOctets(message, start, COMMON_NAMES[common])
                    ? COMMON_NAMES[common] : new String(message, start, nameEnd - start, StandardCharsets.ISO_8859_1);
            HeaderField field = new HeaderField(message, start, colon, fieldEnd, fields.size(), name);
            fields.add(field);
            String key = common >= 0 ? COMMON_KEYS[common] : name.toLowerCase(Locale.ROOT);
            Object before = byName.putIfAbsent(key, field);
            if (before instanceof HeaderField first) {
                List<HeaderField> several = new ArrayList<>(4);
                several.add(first);
                several.add(field);
                byName.put(key, several);
            } else if (before != null) {
                @SuppressWarnings("unchecked")
                List<HeaderField> several = (List<HeaderField>) before;
                several.add(field);
            }
            pos = next;
        }
    }

    private static RawMessage checkedBuild(byte[] message, List<HeaderField> fields,
                                           Map<String, Object> byName, int bodyOffset,
                                           LineEnding ending, MessageLimits limits) throws MessageParseException {
        if (bodyOffset > limits.maxHeaderBytes()) {
            throw tooLarge(limits);
        }
        return build(message, fields, byName, bodyOffset, ending);
    }

    @SuppressWarnings("unchecked")
    private static RawMessage build(byte[] message, List<HeaderField> fields,
                                    Map<String, Object> byName, int bodyOffset, LineEnding ending) {
        byName.replaceAll((k, v) -> v instanceof HeaderField one ? List.of(one)
                : Collections.unmodifiableList((List<HeaderField>) v));
        Map<String, ?> lists = byName;
        return new RawMessage(message, Collections.unmodifiableList(fields), (Map<String, List<HeaderField>>) lists,
                bodyOffset, ending);
    }

    private static MessageParseException tooLarge(MessageLimits limits) {
        return new MessageParseException("header section larger than " + limits.maxHeaderBytes() + " octets");
    }

    /**
     * Checks the name (RFC 5322 §3.6.8 ftext: printable US-ASCII except colon, at least one) and finds it among
     * {@link #COMMON_NAMES}, case-insensitively: its index there, or -1.
     */
    private static int commonName(byte[] message, int start, int end, int number) throws MessageParseException {
        if (start == end) {
            throw new MessageParseException("header field " + number + " has an empty name");
        }
        int hash = 0;
        for (int i = start; i < end; i++) {
            int c = message[i] & 0xff;
            if (c < 33 || c > 126) {
                throw new MessageParseException("header field " + number + " has an invalid character (0x"
                        + Integer.toHexString(c) + ") in its name");
            }
            hash = 31 * hash + lower(c);
        }
        for (int slot = hash & (COMMON_SLOTS.length - 1); COMMON_SLOTS[slot] != 0;
             slot = (slot + 1) & (COMMON_SLOTS.length - 1)) {
            String key = COMMON_KEYS[COMMON_SLOTS[slot] - 1];
            if (key.length() == end - start && sameLowerCase(message, start, key)) {
                return COMMON_SLOTS[slot] - 1;
            }
        }
        return -1;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private static boolean sameLowerCase(byte[] message, int start, String key) {
        for (int k = 0; k < key.length(); k++) {
            if (lower(message[start + k] & 0xff) != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameOctets(byte[] message, int start, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (message[start + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static LineEnding detectLineEnding(byte[] message, int limit) {
        int lf = indexOf(message, (byte) '\n', 0, limit);
        return lf > 0 && message[lf - 1] == '\r' || lf < 0 ? LineEnding.CRLF : LineEnding.LF;
    }

    /**
     * The first LF in {@code bytes[from, to)}, or -1; eight octets at a time (an exact zero-octet test of the word
     * XOR a word of LFs: no carry crosses an octet), the last few one by one.
     */
    private static int indexOfLf(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long zero = OctetScan.zeroOctets(OctetScan.word(bytes, i) ^ OctetScan.LFS);
            if (zero != 0) {
                return i + OctetScan.first(zero);
            }
        }
        return indexOf(bytes, (byte) '\n', i, to);
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

    /**
     * The fields with this name (case-insensitive), top to bottom; empty if none. The same list each time for the
     * same name, whatever its case.
     */
    public List<HeaderField> fields(String name) {
        return byName.getOrDefault(key(name), NONE);
    }

    /**
     * The lower-case key of a name: the shared one of a {@link #COMMON_NAMES common name} (no new string, its hash
     * known, the same instance as the map's key), else a new one. Asked once per name a check looks up (a DKIM
     * signature's h= list names a dozen), so it is worth not allocating.
     */
    private static String key(String name) {
        int length = name.length();
        int hash = 0;
        for (int i = 0; i < length; i++) {
            int c = name.charAt(i);
            if (c < 33 || c > 126) {
                return name.toLowerCase(Locale.ROOT);
            }
            hash = 31 * hash + lower(c);
        }
        for (int slot = hash & (COMMON_SLOTS.length - 1); COMMON_SLOTS[slot] != 0;
             slot = (slot + 1) & (COMMON_SLOTS.length - 1)) {
            String key = COMMON_KEYS[COMMON_SLOTS[slot] - 1];
            if (key.length() == length && sameLowerCase(name, key)) {
                return key;
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static boolean sameLowerCase(String name, String key) {
        for (int k = 0; k < key.length(); k++) {
            if (lower(name.charAt(k)) != key.charAt(k)) {
                return false;
            }
        }
        return true;
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

    /**
     * How many fields of each of {@code names} (case-insensitive) a mail client may show: the strict count, or more
     * where a lone CR (a CR not before LF), data to the strict parser, starts another line in javax.mail's reading
     * ({@link HeaderLines}: a line ends at LF, CRLF or a lone CR; the name before the colon trimmed, as javax.mail
     * reads it). {@code X-Note: x CR Subject: y} is one field here and two there, the second a Subject a client
     * shows (review s22). A bare LF ends a line in both readings, so a message stored with LF line ends counts as
     * one with CRLF. A header section without a lone CR is not read again.
     *
     * @return the counts, in the order of {@code names}
     */
    public int[] countsShown(List<String> names) {
        int[] counts = new int[names.size()];
        for (int n = 0; n < counts.length; n++) {
            counts[n] = count(names.get(n));
        }
        if (!hasLoneCr()) {
            return counts;
        }
        int[] shown = new int[counts.length];
        int pos = 0;
        while (pos < bodyOffset) {                   // each line once: bounded by the header section
            int end = HeaderLines.contentEnd(bytes, pos, bodyOffset);
            if (end == pos) {
                break;                              // javax.mail's empty line: its header section ends here
            }
            if (!HeaderLines.isContinuation(bytes, pos)) {
                countName(names, shown, pos, end);
            }
            pos = HeaderLines.nextLine(bytes, end);
        }
        for (int n = 0; n < counts.length; n++) {
            counts[n] = Math.max(counts[n], shown[n]);
        }
        return counts;
    }

    /** Whether the header section holds a CR not before LF. */
    private boolean hasLoneCr() {
        int known = loneCr;
        if (known == 0) {
            known = 1;
            for (int i = 0; i < bodyOffset; i++) {
                if (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')) {
                    known = 2;
                    break;
                }
            }
            loneCr = known;
        }
        return known == 2;
    }

    /** Counts the line {@code [start, end)} in {@code shown} if the name before its colon, trimmed, is one of them. */
    private void countName(List<String> names, int[] shown, int start, int end) {
        int colon = start;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        if (colon == end) {
            return;
        }
        int from = HeaderLines.trimStart(bytes, start, colon);
        int to = HeaderLines.trimEnd(bytes, from, colon);
        for (int n = 0; n < names.size(); n++) {
            String name = names.get(n);
            if (name.length() == to - from && sameNameAt(name, from)) {
                shown[n]++;
                return;
            }
        }
    }

    /** Whether the octets at {@code from} spell {@code name}, ignoring ASCII case. */
    private boolean sameNameAt(String name, int from) {
        for (int k = 0; k < name.length(); k++) {
            if (lower(bytes[from + k] & 0xff) != lower(name.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The line ending of fields put on top of this message ({@link LineEnding#forFieldsAddedTo}): CRLF when it holds a
     * CRLF anywhere or no LF at all, else LF. A message whose first line ends with CRLF is not read again.
     */
    public LineEnding lineEnding() {
        return firstLineEnding == LineEnding.CRLF ? LineEnding.CRLF : LineEnding.forFieldsAddedTo(bytes);
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
