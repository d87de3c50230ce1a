package dev.authpack.dmarc;

import dev.authpack.dns.ParsedRecordCache;

/**
 * Parsed DMARC records by their text ({@link ParsedRecordCache}), shared by all evaluations of one
 * {@link DmarcEvaluator}. Records longer than the evaluator's {@code maxRecordLength} are not parsed, so not kept.
 */
final class DmarcRecordCache {
    static final int MAX_ENTRIES = 1024;

    private final ParsedRecordCache<DmarcRecord> parsed;

    DmarcRecordCache(int maxRecordLength) {
        this.parsed = new ParsedRecordCache<>(txt -> DmarcRecordParser.parse(txt, maxRecordLength), MAX_ENTRIES,
                maxRecordLength);
    }

    /** {@link DmarcRecordParser#parse(String, int)} with the evaluator's bound, from the cache when seen before. */
    DmarcRecord parse(String txt) {
        return parsed.get(txt);
    }

    int size() {
        return parsed.size();
    }
}
