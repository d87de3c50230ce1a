package dev.authpack.dkim;

import dev.authpack.dns.ParsedRecordCache;

/**
 * Parsed key records by record text ({@link ParsedRecordCache}), so a busy server decodes each public key once.
 * Shared by DKIM and ARC verification.
 */
public final class KeyRecordCache {
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Longer texts are parsed but not kept (no real key record is this long). */
    private static final int MAX_CACHED_TEXT = 8192;

    private final ParsedRecordCache<KeyRecord> records;

    public KeyRecordCache(int maxEntries) {
        this.records = new ParsedRecordCache<>(KeyRecord::parse, maxEntries, MAX_CACHED_TEXT);
    }

    public KeyRecord get(String text) {
        return records.get(text);
    }

    int size() {
        return records.size();
    }
}
