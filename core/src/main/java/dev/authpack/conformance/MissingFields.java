package dev.authpack.conformance;

import dev.authpack.mail.HeaderField;
import dev.authpack.mail.LineEnding;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fix for the three missing-header issues alone: new fields go on top of the message and every other octet
 * stays as it was, so DKIM and ARC signatures over the message stay valid (a signer that signed the absent field,
 * RFC 6376 §5.4.2, is the exception). A present field that does not parse is taken out, since it counts as missing
 * and RFC 5322 §3.6 allows one of each.
 */
final class MissingFields {
    /** RFC 5322 §3.3 date-time with a numeric zone. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private MissingFields() {
    }

    /** The fields to add for {@code missing} (missing-header issues only), each ended by {@code ending}. */
    static List<String> fields(Set<ConformanceIssue> missing, FixSettings settings) {
        List<String> out = new ArrayList<>(3);
        if (missing.contains(ConformanceIssue.MISSING_DATE_HEADER)) {
            out.add("Date: " + DATE.format(ZonedDateTime.now(settings.clock())));
        }
        if (missing.contains(ConformanceIssue.MISSING_MESSAGE_ID_HEADER)) {
            out.add("Message-ID: " + settings.newMessageId());
        }
        if (missing.contains(ConformanceIssue.MISSING_MIME_VERSION)) {
            out.add("MIME-Version: 1.0");
        }
        return out;
    }

    /** The field name each missing-header issue is about. */
    static String fieldName(ConformanceIssue issue) {
        return switch (issue) {
            case MISSING_DATE_HEADER -> "Date";
            case MISSING_MESSAGE_ID_HEADER -> "Message-ID";
            case MISSING_MIME_VERSION -> "MIME-Version";
            default -> throw new IllegalArgumentException(issue + " is not a missing header");
        };
    }

    /**
     * {@code message} with the fields for {@code missing} on top and the unparseable fields of those names taken
     * out; nothing else changes. The new fields end with the message's own line ending: CRLF as soon as it holds a
     * CRLF ({@link LineEnding#forFieldsAddedTo}).
     */
    static byte[] add(byte[] message, Set<ConformanceIssue> missing, FixSettings settings) {
        LineEnding ending;
        List<int[]> remove = new ArrayList<>();
        try {
            RawMessage raw = RawMessage.parse(message);
            ending = raw.lineEnding();
            for (ConformanceIssue issue : missing) {
                String name = fieldName(issue);
                for (HeaderField field : raw.fields(name)) {
                    field.readRaw((bytes, offset, length) -> remove.add(new int[] {offset, length}));
                }
            }
        } catch (MessageParseException e) {
            // a header section RawMessage cannot read (e.g. a line without a colon): add, take nothing out
            ending = LineEnding.forFieldsAddedTo(message);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 200);
        for (String field : fields(missing, settings)) {
            out.writeBytes(field.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(ending.bytes());
        }
        remove.sort((a, b) -> Integer.compare(a[0], b[0]));
        int pos = 0;
        for (int[] range : remove) {
            out.write(message, pos, range[0] - pos);
            pos = skipLineEnding(message, range[0] + range[1]);
        }
        out.write(message, pos, message.length - pos);
        return out.toByteArray();
    }

    private static int skipLineEnding(byte[] message, int pos) {
        if (pos < message.length && message[pos] == '\r') {
            pos++;
        }
        if (pos < message.length && message[pos] == '\n') {
            pos++;
        }
        return pos;
    }

}
