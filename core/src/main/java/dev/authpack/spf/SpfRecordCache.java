package dev.authpack.spf;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed records by their text, shared by all evaluations of one {@link SpfChecker}: parsed records are
 * immutable and the same few policies are evaluated over and over. Bounded in entries and record length;
 * when full it starts over (simple, and the working set refills in a few checks).
 */
final class SpfRecordCache {
    private static final int MAX_ENTRIES = 1024;
    private static final int MAX_RECORD_LENGTH = 2048;

    private final ConcurrentHashMap<String, Object> parsed = new ConcurrentHashMap<>();

    /** Same contract as {@link SpfRecordParser#parse(String)}. */
    SpfRecord parse(String txt) throws SpfSyntaxException {
        Object entry = parsed.get(txt);
        if (entry == null) {
            try {
                entry = SpfRecordParser.parse(txt);
            } catch (SpfSyntaxException e) {
                entry = e.getMessage();
            }
            if (txt.length() <= MAX_RECORD_LENGTH) {
                if (parsed.size() >= MAX_ENTRIES) {
                    parsed.clear();
                }
                parsed.put(txt, entry);
            }
        }
        if (entry instanceof SpfRecord record) {
            return record;
        }
        throw new SpfSyntaxException((String) entry);
    }

    int size() {
        return parsed.size();
    }
}
