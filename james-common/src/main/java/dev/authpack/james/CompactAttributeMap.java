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
 * copies them with it; a {@code LinkedHashMap} costs an entry object and a hash table per map on top of the values
 * (docs/benchmarks.md, session 6). Lookups scan: these maps hold a dozen keys at most.
 */
final class CompactAttributeMap extends AbstractMap<String, AttributeValue<?>> {
    private final String[] keys;
    private final AttributeValue<?>[] values;

    private CompactAttributeMap(String[] keys, AttributeValue<?>[] values) {
        this.keys = keys;
        this.values = values;
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
    public Set<Map.Entry<String, AttributeValue<?>>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, AttributeValue<?>>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Map.Entry<String, AttributeValue<?>> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }

    /** Puts in order; a later put of the same key replaces the value in its place; null values are left out. */
    static final class Builder {
        private String[] keys = new String[12];
        private AttributeValue<?>[] values = new AttributeValue<?>[12];
        private int size;

        Builder put(String key, String value) {
            return value == null ? this : put(key, AttributeValue.of(value));
        }

        Builder put(String key, AttributeValue<?> value) {
            if (value == null) {
                return this;
            }
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    values[i] = value;
                    return this;
                }
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size++] = value;
            return this;
        }

        /** The map as an attribute value. */
        AttributeValue<?> build() {
            return AttributeValue.of(new CompactAttributeMap(Arrays.copyOf(keys, size), Arrays.copyOf(values, size)));
        }
    }
}
