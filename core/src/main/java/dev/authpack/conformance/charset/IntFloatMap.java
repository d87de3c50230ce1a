package dev.authpack.conformance.charset;

import java.util.Arrays;

/** A fixed-capacity open-addressing map from int keys (never 0) to floats, read-only once built. */
final class IntFloatMap {

    private final int[] keys;
    private final float[] values;
    private final int mask;
    private int size;

    IntFloatMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new int[capacity];
        values = new float[capacity];
        mask = capacity - 1;
    }

    void put(int key, float value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        int i = mix(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            if (size + 1 > keys.length * 3 / 4) {
                throw new IllegalStateException("map full");
            }
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    float get(int key, float absent) {
        int i = mix(key) & mask;
        while (true) {
            int k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                return absent;
            }
            i = (i + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @Override
    public String toString() {
        return "IntFloatMap" + Arrays.toString(new int[] {size, keys.length});
    }
}
