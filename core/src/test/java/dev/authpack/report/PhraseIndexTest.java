package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PhraseIndexTest {
    private final PhraseIndex index = new PhraseIndex(List.of(
            List.of("sender rejected", "投稿する権限"),
            List.of("mailbox full", "x"),
            List.of("full", "rejected")));

    @Test
    void lowestRankOfAnyContainedPhraseWins() {
        // "rejected" (rank 2) occurs first in the text, "sender rejected" (rank 0) contains it: rank 0 wins
        assertThat(index.lowestRank("sender rejected: mailbox full")).isEqualTo(0);
        assertThat(index.lowestRank("mailbox full, rejected")).isEqualTo(1);
        assertThat(index.lowestRank("disk full")).isEqualTo(2);
        assertThat(index.lowestRank("recipient rejected")).isEqualTo(2);
    }

    @Test
    void phrasesAtTheEdgesAndOutsideAsciiAreFound() {
        assertThat(index.lowestRank("full")).isEqualTo(2);
        assertThat(index.lowestRank("ful")).isEqualTo(-1);
        assertThat(index.lowestRank("")).isEqualTo(-1);
        // one-character and non-ASCII phrases are searched for as they are
        assertThat(index.lowestRank("x")).isEqualTo(1);
        assertThat(index.lowestRank("グループに投稿する権限がありません")).isEqualTo(0);
        assertThat(index.lowestRank("é full")).isEqualTo(2);
    }

    @Test
    void agreesWithSearchingEachPhraseInTurn() {
        List<List<String>> ranked = List.of(List.of("ab", "bc"), List.of("abc", "ca"), List.of("a b", "cab"));
        PhraseIndex small = new PhraseIndex(ranked);
        String[] texts = {"abc", "cab", "a b c", "bca", "aaaa", "c a", "xabcx", ""};
        for (String text : texts) {
            int expected = -1;
            for (int rank = 0; rank < ranked.size() && expected < 0; rank++) {
                for (String phrase : ranked.get(rank)) {
                    if (text.contains(phrase)) {
                        expected = rank;
                        break;
                    }
                }
            }
            assertThat(small.lowestRank(text)).as(text).isEqualTo(expected);
        }
    }
}
