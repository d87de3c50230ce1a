package dev.authpack.dkim;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed key records by record text, so a busy server decodes each public key once. Bounded: when full it is
 * emptied (records are cheap to parse again; a full cache means keys churn anyway).
 */
public final class KeyRecordCache {
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Longer texts are parsed but not kept (no real key record is this long). */
    private static final int MAX_CACHED_TEXT = 8192;

    private final ConcurrentHashMap<String, KeyRecord> records = new ConcurrentHashMap<>();
    private final int maxEntries;

    public KeyRecordCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    public KeyRecord get(String text) {
        KeyRecord cached = records.get(text);
        if (cached != null) {
            return cached;
        }
        KeyRecord parsed = KeyRecord.parse(text);
        if (text.length() <= MAX_CACHED_TEXT) {
            if (records.size() >= maxEntries) {
                records.clear();
            }
            records.putIfAbsent(text, parsed);
        }
        return parsed;
    }

    int size() {
        return records.size();
    }
}
