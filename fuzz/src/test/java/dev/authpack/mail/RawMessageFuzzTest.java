package dev.authpack.mail;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link RawMessage#parse} on arbitrary message bytes, with the default limits and with small ones.
 *
 * <p>Allowed: {@link MessageParseException}. Invariants: the message keeps its bytes exactly; the header section
 * and the field count stay within the limits; fields are in order and inside the header section, with non-empty
 * names and the lookups by name agree with the list; what parses under small limits parses the same under the
 * default ones; a field prepended as a signer does it parses as one more field on top.
 */
class RawMessageFuzzTest {
    static final MessageLimits SMALL = new MessageLimits(512, 8);
    private static final byte[] PREPENDED = "X-Fuzz: 1\r\n".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        RawMessage small = parse(data, SMALL);
        RawMessage full = parse(data, MessageLimits.DEFAULT);
        if (small != null) {
            check(full != null && full.fields().size() == small.fields().size()
                    && full.bodyOffset() == small.bodyOffset(), "small limits read differently", text(data));
        }
        if (full != null && full.fields().size() < MessageLimits.DEFAULT_MAX_FIELDS
                && full.bodyOffset() + PREPENDED.length <= MessageLimits.DEFAULT_MAX_HEADER_BYTES) {
            RawMessage signed = parse(full.prepend(PREPENDED), MessageLimits.DEFAULT);
            check(signed != null && signed.fields().size() == full.fields().size() + 1
                    && signed.fields().get(0).name().equals("X-Fuzz")
                    && signed.bodyLength() == full.bodyLength(), "prepending a field changed the message",
                    text(data));
        }
    }

    private static RawMessage parse(byte[] data, MessageLimits limits) {
        RawMessage message;
        try {
            message = RawMessage.parse(data, limits);
        } catch (MessageParseException e) {
            return null;
        }
        check(Arrays.equals(message.toByteArray(), data), "bytes changed", text(data));
        check(message.size() == data.length && message.bodyOffset() + message.bodyLength() == data.length,
                "body offset " + message.bodyOffset() + " + length " + message.bodyLength(), text(data));
        check(message.bodyOffset() <= limits.maxHeaderBytes(), "header section over the limit", text(data));
        check(message.fields().size() <= limits.maxFields(), "more fields than the limit", text(data));
        int previousEnd = 0;
        for (int i = 0; i < message.fields().size(); i++) {
            HeaderField field = message.fields().get(i);
            check(field.index() == i, "field index", text(data));
            check(!field.name().isEmpty() && field.name().indexOf(':') < 0, "bad field name", text(data));
            byte[] raw = field.rawBytes();
            check(raw.length == field.length() && field.length() <= message.bodyOffset(), "field length",
                    text(data));
            check(field.valueOffset() > 0 && field.valueOffset() <= field.length(), "value offset", text(data));
            check(message.fields(field.name()).contains(field)
                    && message.count(field.name()) == message.fields(field.name()).size()
                    && message.firstField(field.name()).isPresent(), "lookup by name", text(data));
            previousEnd += field.length();
        }
        check(previousEnd <= message.bodyOffset(), "fields longer than the header section", text(data));
        return message;
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }
}
