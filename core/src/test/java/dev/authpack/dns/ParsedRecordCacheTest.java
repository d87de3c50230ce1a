package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParsedRecordCacheTest {
    private final AtomicInteger parses = new AtomicInteger();

    private ParsedRecordCache<String> cache(int maxEntries, int maxTextLength) {
        return new ParsedRecordCache<>(text -> {
            parses.incrementAndGet();
            return text.toUpperCase();
        }, maxEntries, maxTextLength);
    }

    @Test
    void aTextIsParsedOnceAndTheSameResultComesBack() {
        ParsedRecordCache<String> cache = cache(10, 100);
        String first = cache.get("v=spf1 -all");
        assertThat(cache.get("v=spf1 -all")).isSameAs(first).isEqualTo("V=SPF1 -ALL");
        assertThat(parses).hasValue(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void boundedInEntriesAndInTextLength() {
        ParsedRecordCache<String> cache = cache(3, 8);
        for (int i = 0; i < 50; i++) {
            cache.get("r" + i);
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.get("x".repeat(9))).isEqualTo("X".repeat(9));
        assertThat(cache.get("x".repeat(9))).isEqualTo("X".repeat(9));
        assertThat(parses).as("a text over the bound is parsed every time, never kept").hasValue(52);
    }

    @Test
    void refusesBadBoundsAndNullResults() {
        assertThatThrownBy(() -> cache(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParsedRecordCache<String>(t -> null, 2, 10).get("a"))
                .isInstanceOf(NullPointerException.class);
    }
}
