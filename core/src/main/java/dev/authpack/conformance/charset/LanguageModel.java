package dev.authpack.conformance.charset;

import java.util.Map;

/**
 * A character model of one language's text, trained offline ({@code CharsetModelTrainer} in core's tests): the
 * frequency of each character and, for alphabetic scripts, of each pair of adjacent characters involving a
 * non-ASCII one. ASCII digits, punctuation and white space are folded into one space ({@link CharClass#fold}).
 *
 * <p>Unigram: {@code P(c) = (1 - BACKOFF) count(c) / N + BACKOFF P(class) / size(class)}, where the class
 * probability is its training share plus the class's prior. Bigram, with additive backoff to the unigram:
 * {@code P(c | p) = (count(p c) + KAPPA P(c)) / (count(p) + KAPPA)}. All values are natural logarithms.
 */
final class LanguageModel {

    /** Share of probability every character gets from its class, so unseen characters are not impossible. */
    static final double BACKOFF = 0.05;
    /** Weight of the unigram in a bigram estimate. */
    static final double KAPPA = 3.0;
    /**
     * log-probability added, instead of the pair estimate, when a letter directly follows a letter of another
     * script (Latin next to Cyrillic, Greek, Hebrew...): what a wrong single-byte decoding of a text mostly produces.
     */
    static final float MIXED_SCRIPT_LOG = (float) Math.log(1e-4);

    private final String language;
    private final boolean bigrams;
    private final boolean latin;
    private final IntFloatMap unigramLog;
    private final IntFloatMap pairLog;
    private final IntFloatMap unseenPairLog;
    private final float[] classLog = new float[CharClass.values().length];
    /**
     * For Latin-script languages: log P(c | p) of every pair of folded ASCII characters, index
     * {@code asciiIndex(p) * ASCII_SYMBOLS + asciiIndex(c)}.
     */
    private final float[] asciiPairLog;

    LanguageModel(String language, boolean bigrams, Map<Integer, Integer> unigrams, Map<Integer, Integer> pairs) {
        this.language = language;
        this.bigrams = bigrams;
        long total = 0;
        long[] classCount = new long[classLog.length];
        long letters = 0;
        for (Map.Entry<Integer, Integer> e : unigrams.entrySet()) {
            total += e.getValue();
            classCount[CharClass.ordinalOf(e.getKey())] += e.getValue();
            if (Character.isLetter(e.getKey())) {
                letters += e.getValue();
            }
        }
        this.latin = bigrams && classCount[CharClass.ASCII_LETTER.ordinal()] * 2 > letters;
        double priorSum = 0;
        for (CharClass k : CharClass.values()) {
            priorSum += k.prior;
        }
        double n = Math.max(1, total);
        for (CharClass k : CharClass.values()) {
            double pClass = (classCount[k.ordinal()] / n + k.prior) / (1 + priorSum);
            classLog[k.ordinal()] = (float) Math.log(BACKOFF * pClass / k.size);
        }
        unigramLog = new IntFloatMap(unigrams.size());
        unseenPairLog = new IntFloatMap(unigrams.size());
        for (Map.Entry<Integer, Integer> e : unigrams.entrySet()) {
            int c = e.getKey();
            double backoff = Math.exp(classLog[CharClass.ordinalOf(c)]);
            unigramLog.put(c, (float) Math.log((1 - BACKOFF) * e.getValue() / n + backoff));
            unseenPairLog.put(c, (float) Math.log(KAPPA / (e.getValue() + KAPPA)));
        }
        pairLog = new IntFloatMap(pairs.size());
        for (Map.Entry<Integer, Integer> e : pairs.entrySet()) {
            int key = e.getKey();
            int p = key >>> 16;
            int c = key & 0xFFFF;
            double pc = Math.exp(unigram(c));
            int countP = unigrams.getOrDefault(p, 0);
            pairLog.put(key, (float) Math.log((e.getValue() + KAPPA * pc) / (countP + KAPPA)));
        }
        if (latin) {
            int k = CharClass.ASCII_SYMBOLS;
            asciiPairLog = new float[k * k];
            for (int p = 0; p < k; p++) {
                for (int c = 0; c < k; c++) {
                    asciiPairLog[p * k + c] = bigram(CharClass.asciiOf(p), CharClass.asciiOf(c));
                }
            }
        } else {
            asciiPairLog = null;
        }
    }

    String language() {
        return language;
    }

    /** Whether the model scores pairs (alphabetic scripts) or single characters only (Han, kana, Hangul). */
    boolean hasBigrams() {
        return bigrams;
    }

    /** log P(c), c already folded. */
    float unigram(int c) {
        return unigramLog.get(c, classLog[CharClass.ordinalOf(c)]);
    }

    /** log P(c | p), both already folded. */
    float bigram(int p, int c) {
        if (!bigrams) {
            return unigram(c);
        }
        int sp = CharClass.script(p);
        int sc = CharClass.script(c);
        if (sp != sc && sp != CharClass.NO_SCRIPT && sc != CharClass.NO_SCRIPT) {
            return unigram(c) + MIXED_SCRIPT_LOG;
        }
        float v = pairLog.get(p << 16 | c, Float.NaN);
        if (!Float.isNaN(v)) {
            return v;
        }
        return unseenPairLog.get(p, 0f) + unigram(c);
    }

    /**
     * Whether the language is written mostly in ASCII letters; then the model has pairs of ASCII characters and
     * {@link #asciiPairs} scores them. Other languages score ASCII text as the average Latin-script language.
     */
    boolean isLatin() {
        return latin;
    }

    /**
     * log-likelihood of the pairs of folded ASCII characters of a text (counts indexed as {@link #asciiPairLog}):
     * the same for every ASCII-compatible encoding, so it tells Latin-script languages apart.
     */
    double asciiPairs(int[] counts, int[] nonZero, int nonZeroCount, float[] neutral) {
        float[] table = latin ? asciiPairLog : neutral;
        if (table == null) {
            throw new IllegalArgumentException("a model of a non-Latin language needs a neutral table");
        }
        double s = 0;
        for (int i = 0; i < nonZeroCount; i++) {
            int key = nonZero[i];
            s += counts[key] * table[key];
        }
        return s;
    }

    /** log P(c | p) for ASCII p and c; only for {@link #isLatin()} models. */
    float asciiPair(int key) {
        return asciiPairLog[key];
    }

    int entries() {
        return unigramLog.size() + pairLog.size();
    }
}
