package dev.authpack.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranked phrases (lower case) looked up in a text in one pass: which is the lowest rank of any phrase the text
 * contains. The phrases are indexed by their first two characters, so each position of the text is compared only
 * with the few phrases that start there, instead of the text being searched once per phrase. Phrases that do not
 * start with two ASCII characters are searched for one by one (they are few). Immutable, thread-safe.
 */
final class PhraseIndex {
    private record Entry(String phrase, int rank) {
    }

    private static final Entry[] NONE = new Entry[0];
    /** Phrases by their first two (ASCII) characters, index {@code c0 * 128 + c1}, each bucket by rank. */
    private final Entry[][] byPair = new Entry[128 * 128][];
    /** The others, by rank. */
    private final Entry[] other;

    /** {@code ranked.get(r)} holds the phrases of rank {@code r}. */
    PhraseIndex(List<List<String>> ranked) {
        List<List<Entry>> buckets = new ArrayList<>(128 * 128);
        for (int i = 0; i < 128 * 128; i++) {
            buckets.add(null);
        }
        List<Entry> others = new ArrayList<>();
        for (int rank = 0; rank < ranked.size(); rank++) {
            for (String phrase : ranked.get(rank)) {
                Entry entry = new Entry(phrase, rank);
                if (phrase.length() >= 2 && phrase.charAt(0) < 128 && phrase.charAt(1) < 128) {
                    int key = phrase.charAt(0) << 7 | phrase.charAt(1);
                    if (buckets.get(key) == null) {
                        buckets.set(key, new ArrayList<>());
                    }
                    buckets.get(key).add(entry);
                } else {
                    others.add(entry);
                }
            }
        }
        for (int key = 0; key < buckets.size(); key++) {
            List<Entry> bucket = buckets.get(key);
            if (bucket != null) {
                byPair[key] = bucket.stream().sorted(Comparator.comparingInt(Entry::rank)).toArray(Entry[]::new);
            }
        }
        this.other = others.isEmpty() ? NONE
                : others.stream().sorted(Comparator.comparingInt(Entry::rank)).toArray(Entry[]::new);
    }

    /** The lowest rank of the phrases {@code lower} contains (as {@link String#contains}), or -1 if none. */
    int lowestRank(String lower) {
        int best = Integer.MAX_VALUE;
        for (Entry entry : other) {
            if (entry.rank() < best && lower.contains(entry.phrase())) {
                best = entry.rank();
                break;
            }
        }
        int last = lower.length() - 1;
        for (int i = 0; i < last && best > 0; i++) {
            char c0 = lower.charAt(i);
            char c1 = lower.charAt(i + 1);
            if (c0 >= 128 || c1 >= 128) {
                continue;
            }
            Entry[] bucket = byPair[c0 << 7 | c1];
            if (bucket == null) {
                continue;
            }
            for (Entry entry : bucket) {
                if (entry.rank() >= best) {
                    break;
                }
                if (lower.startsWith(entry.phrase(), i)) {
                    best = entry.rank();
                    break;
                }
            }
        }
        return best == Integer.MAX_VALUE ? -1 : best;
    }
}
