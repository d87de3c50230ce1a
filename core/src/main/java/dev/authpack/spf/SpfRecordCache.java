package dev.authpack.spf;

import dev.authpack.dns.ParsedRecordCache;

/**
 * Parsed records by their text ({@link ParsedRecordCache}), shared by all evaluations of one {@link SpfChecker}:
 * a syntax error is remembered as well, as its message.
 */
final class SpfRecordCache {
    private static final int MAX_ENTRIES = 1024;
    private static final int MAX_RECORD_LENGTH = 2048;

    /** A text's parse: the record, or the syntax error's message. */
    private record Parsed(SpfRecord record, String error) {
        static Parsed of(String txt) {
            try {
                return new Parsed(SpfRecordParser.parse(txt), null);
            } catch (SpfSyntaxException e) {
                return new Parsed(null, e.getMessage());
            }
        }
    }

    private final ParsedRecordCache<Parsed> parsed = new ParsedRecordCache<>(Parsed::of, MAX_ENTRIES,
            MAX_RECORD_LENGTH);

    /** Same contract as {@link SpfRecordParser#parse(String)}. */
    SpfRecord parse(String txt) throws SpfSyntaxException {
        Parsed entry = parsed.get(txt);
        if (entry.record() != null) {
            return entry.record();
        }
        throw new SpfSyntaxException(entry.error());
    }

    int size() {
        return parsed.size();
    }
}
