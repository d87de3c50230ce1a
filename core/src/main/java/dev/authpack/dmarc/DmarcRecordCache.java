package dev.authpack.dmarc;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed DMARC records by their text, shared by all evaluations of one {@link DmarcEvaluator}: a parsed record is
 * immutable and the same few policies are read over and over (one parse per message before). Bounded in entries
 * ({@link #MAX_ENTRIES}; when full it starts over, the working set refills in a few messages) and in key length
 * (records longer than the evaluator's {@code maxRecordLength} are not parsed, so not kept).
 */
final class DmarcRecordCache {
    static final int MAX_ENTRIES = 1024;

    private final int maxRecordLength;
    private final ConcurrentHashMap<String, DmarcRecord> parsed = new ConcurrentHashMap<>();

    DmarcRecordCache(int maxRecordLength) {
        this.maxRecordLength = maxRecordLength;
    }

    /** {@link DmarcRecordParser#parse(String, int)} with the evaluator's bound, from the cache when seen before. */
    DmarcRecord parse(String txt) {
        DmarcRecord known = parsed.get(txt);
        if (known != null) {
            return known;
        }
        DmarcRecord record = DmarcRecordParser.parse(txt, maxRecordLength);
        if (txt.length() <= maxRecordLength) {
            if (parsed.size() >= MAX_ENTRIES) {
                parsed.clear();
            }
            parsed.put(txt, record);
        }
        return record;
    }

    int size() {
        return parsed.size();
    }
}
