package dev.authpack.dns;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Records parsed from DNS text (SPF policies, DKIM/ARC keys, DMARC policies), kept by their text: a parse result
 * depends on the text alone, is immutable, and a busy server reads the same few records over and over. The one home
 * of this rule for every protocol; shared by all threads of one engine, reads without locks.
 *
 * <p>Bounded: at most {@code maxEntries} texts (when full it starts over: the working set refills within a few
 * messages, and a full cache means records churn anyway), and a text longer than {@code maxTextLength} is parsed but
 * not kept, so one hostile record cannot hold memory.
 *
 * @param <T> the parse result (a record, or whatever the protocol keeps for a text that does not parse)
 */
public final class ParsedRecordCache<T> {
    private final ConcurrentHashMap<String, T> parsed = new ConcurrentHashMap<>();
    private final Function<String, T> parser;
    private final int maxEntries;
    private final int maxTextLength;

    /** @param parser never returns null; a text it refuses maps to a value that says so (or it throws, not kept) */
    public ParsedRecordCache(Function<String, T> parser, int maxEntries, int maxTextLength) {
        if (maxEntries < 1 || maxTextLength < 0) {
            throw new IllegalArgumentException("maxEntries must be at least 1 and maxTextLength not negative");
        }
        this.parser = Objects.requireNonNull(parser, "parser");
        this.maxEntries = maxEntries;
        this.maxTextLength = maxTextLength;
    }

    /** The parse of {@code text}: from the cache when seen before, else parsed now (and kept if short enough). */
    public T get(String text) {
        T known = parsed.get(text);
        if (known != null) {
            return known;
        }
        T result = Objects.requireNonNull(parser.apply(text), "parse result");
        if (text.length() <= maxTextLength) {
            if (parsed.size() >= maxEntries) {
                parsed.clear();
            }
            parsed.putIfAbsent(text, result);
        }
        return result;
    }

    /** Texts kept now. */
    public int size() {
        return parsed.size();
    }
}
