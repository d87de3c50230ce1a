package dev.authpack.james;

import org.apache.mailet.AttributeValue;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The map of an attribute value ({@link MailAttributes}): immutable, in the order it was built, its keys and
 * values in two arrays. A mail keeps its attributes as long as James keeps the mail (repositories, queues) and
 * copies them with it; a {@code LinkedHashMap} costs a hash table per map on top of the values (docs/benchmarks.md,
 * session 6). Its entries are made once with it (since session 12): James walks them at least twice a mail (the
 * check of {@code AttributeValue.of(Map)}, then each copy or serialization), which made them anew each time.
 * Lookups scan: these maps hold a dozen keys at most.
 */
final class CompactAttributeMap extends AbstractMap<String, AttributeValue<?>> {
    private final String[] keys;
    private final AttributeValue<?>[] values;
    /**
     * The entries, made once: James walks a map value's entries each time it checks, copies or serializes it
     * ({@code AttributeValue.of(Map)}, {@code duplicate} for every repository or queue the mail enters).
     */
    private final Entry<String, AttributeValue<?>>[] entries;
    private final Set<Entry<String, AttributeValue<?>>> entrySet;

    @SuppressWarnings("unchecked")
    private CompactAttributeMap(String[] keys, AttributeValue<?>[] values) {
        this.keys = keys;
        this.values = values;
        this.entries = new Entry[keys.length];
        for (int i = 0; i < keys.length; i++) {
            entries[i] = new SimpleImmutableEntry<>(keys[i], values[i]);
        }
        this.entrySet = new EntrySet();
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public AttributeValue<?> get(Object key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Set<Entry<String, AttributeValue<?>>> entrySet() {
        return entrySet;
    }

    private final class EntrySet extends AbstractSet<Entry<String, AttributeValue<?>>> {
        @Override
        public Iterator<Entry<String, AttributeValue<?>>> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < entries.length;
                }

                @Override
                public Entry<String, AttributeValue<?>> next() {
                    if (next >= entries.length) {
                        throw new NoSuchElementException();
                    }
                    return entries[next++];
                }
            };
        }

        @Override
        public int size() {
            return entries.length;
        }
    }

    /** Puts in order; a later put of the same key replaces the value in its place; null values are left out. */
    static final class Builder {
        private String[] keys = new String[12];
        private int[] hashes = new int[12];
        private AttributeValue<?>[] values = new AttributeValue<?>[12];
        private int size;

        Builder put(String key, String value) {
            return value == null ? this : put(key, AttributeValue.of(value));
        }

        Builder put(String key, AttributeValue<?> value) {
            if (value == null) {
                return this;
            }
            // keys are distinct but for resinfo properties: compared by their (cached) hash first
            int hash = key.hashCode();
            for (int i = 0; i < size; i++) {
                if (hashes[i] == hash && keys[i].equals(key)) {
                    values[i] = value;
                    return this;
                }
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                hashes = Arrays.copyOf(hashes, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            hashes[size] = hash;
            values[size++] = value;
            return this;
        }

        /** The map as an attribute value. */
        AttributeValue<?> build() {
            return AttributeValue.of(new CompactAttributeMap(Arrays.copyOf(keys, size), Arrays.copyOf(values, size)));
        }
    }
}
