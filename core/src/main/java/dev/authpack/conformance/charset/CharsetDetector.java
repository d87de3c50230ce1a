package dev.authpack.conformance.charset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Detects the encoding of unlabelled 8-bit text among {@link Encodings#SUPPORTED}, restricted by include and
 * exclude lists as KumoMTA's {@code include_encodings} / {@code exclude_encodings}. Immutable and thread-safe.
 * {@link #detect(byte[])} never throws and examines at most {@link #MAX_EXAMINED_BYTES} bytes.
 *
 * <p>How: a byte-order mark decides; NUL bytes mean UTF-16 (no other supported encoding has them in text), their
 * parity the byte order; 7-bit text with ISO-2022-JP escape sequences is ISO-2022-JP; well-formed UTF-8 with
 * non-ASCII text is UTF-8. Otherwise every allowed encoding that decodes the bytes is a candidate, scored by the
 * log-likelihood of its decoding under the character models of the languages it serves ({@link LanguageModel}):
 * single-byte encodings first by single characters, then the {@link #BIGRAM_CANDIDATES} best by character pairs;
 * multi-byte encodings (and UTF-16 without NULs) by single characters after a strict decode. The best score wins;
 * candidates that decode the text identically score alike, and the tie goes to the more common encoding.
 */
public final class CharsetDetector {

    /** The detector looks at no more than this many leading bytes of a text. */
    public static final int MAX_EXAMINED_BYTES = 16 * 1024;
    /**
     * Pair scoring looks at the first this many non-ASCII bytes (scaled up to the whole examined text)...
     */
    static final int MAX_SCORED_HIGH_BYTES = 384;
    /**
     * ...plus, further on, at most this many occurrences of rare bytes (at most {@link #RARE_BYTE_COUNT} in the
     * text): the letters that tell look-alike encodings apart (Greek capital alpha with tonos is the only
     * difference between iso-8859-7 and windows-1253 in most Greek text).
     */
    static final int MAX_RARE_POSITIONS = 128;
    static final int RARE_BYTE_COUNT = 4;
    /** At most this many (single-byte encoding, language) pairs are scored by character pairs... */
    static final int BIGRAM_CANDIDATES = 6;
    /** ...and only those whose single-character score is within this many nats of the best one. */
    static final double BIGRAM_MARGIN = 40;
    /** log-probability of an ASCII character, the same for every candidate reading it as ASCII. */
    static final float ASCII_SCORE = -3.0f;
    /** log-probability of a control character (a C0 control other than white space, or DEL). */
    static final float CONTROL_SCORE = -20.0f;
    /** Share of a UTF-16 decoding (without NUL bytes) that must be CJK text for it to be a candidate. */
    static final double UTF16_CJK_SHARE = 0.9;
    /** Code units looked at before decoding a whole text as UTF-16 without NUL bytes. */
    static final int UTF16_PROBE_UNITS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(CharsetDetector.class);

    private static final List<String> MULTI_BYTE = List.of("gbk", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr");

    private final Set<String> allowed;
    private final List<SingleByteDecoding> singleByte;

    private CharsetDetector(Set<String> allowed) {
        this.allowed = Collections.unmodifiableSet(allowed);
        List<SingleByteDecoding> list = new ArrayList<>();
        for (SingleByteDecoding d : Tables.SINGLE_BYTE) {
            if (allowed.contains(d.label)) {
                list.add(d);
            }
        }
        this.singleByte = List.copyOf(list);
    }

    /**
     * A detector choosing among {@code include} (all 36 when empty) less {@code exclude}; labels are KumoMTA's,
     * case-insensitive.
     *
     * @throws IllegalArgumentException for an unknown label; the message lists the accepted labels
     */
    public static CharsetDetector of(Set<String> include, Set<String> exclude) {
        Set<String> in = new LinkedHashSet<>();
        for (String label : include) {
            in.add(Encodings.canonicalLabel(label));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String label : exclude) {
            out.add(Encodings.canonicalLabel(label));
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (String label : Encodings.SUPPORTED) {
            if ((in.isEmpty() || in.contains(label)) && !out.contains(label)) {
                allowed.add(label);
            }
        }
        return new CharsetDetector(allowed);
    }

    /** All 36 encodings. */
    public static CharsetDetector all() {
        return of(Set.of(), Set.of());
    }

    /** The labels this detector chooses among, in preference order. */
    public Set<String> allowed() {
        return allowed;
    }

    /**
     * The most likely encoding of {@code text}; empty for null or empty input, or when no allowed encoding decodes
     * its examined prefix.
     */
    public Optional<Detection> detect(byte[] text) {
        if (text == null || text.length == 0 || allowed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(detectChecked(text));
        } catch (RuntimeException e) {
            LOG.debug("charset detection failed", e);
            return Optional.empty();
        }
    }

    private Detection detectChecked(byte[] text) {
        int n = Math.min(text.length, MAX_EXAMINED_BYTES);
        boolean truncated = n < text.length;
        Detection bom = byteOrderMark(text, n);
        if (bom != null) {
            return bom;
        }
        int[] histogram = new int[256];
        int[] nextToLetter = new int[128];
        AsciiPairs asciiPairs = new AsciiPairs();
        int nulEven = 0;
        int nulOdd = 0;
        int prev = ' ';
        for (int i = 0; i < n; i++) {
            int b = text[i] & 0xFF;
            histogram[b]++;
            if (b < 0x80 && prev < 0x80) {
                asciiPairs.add(prev, b);
            }
            if (b >= 0x80 && isAsciiLetter(prev)) {
                nextToLetter[b - 0x80]++;
            } else if (prev >= 0x80 && isAsciiLetter(b)) {
                nextToLetter[prev - 0x80]++;
            }
            prev = b;
            if (b == 0) {
                if ((i & 1) == 0) {
                    nulEven++;
                } else {
                    nulOdd++;
                }
            }
        }
        int high = 0;
        for (int b = 0x80; b < 0x100; b++) {
            high += histogram[b];
        }
        if (nulEven + nulOdd > 0) {
            // Only UTF-16 puts NUL bytes in text; ASCII characters put them first (BE) or second (LE).
            String label = nulEven >= nulOdd ? "utf-16be" : "utf-16le";
            if (allowed.contains(label) && decodedLength(label, text, n, truncated) >= 0) {
                return detection(label, 100);
            }
        }
        if (high == 0) {
            return sevenBit(text, n, truncated, histogram[0x1B] > 0);
        }
        if (allowed.contains("utf-8") && Utf8.isValid(text, n, truncated)) {
            return detection("utf-8", 100);
        }
        return bestScored(text, n, truncated, histogram, nextToLetter, asciiPairs);
    }

    private static boolean isAsciiLetter(int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private Detection byteOrderMark(byte[] text, int n) {
        int b0 = text[0] & 0xFF;
        int b1 = n > 1 ? text[1] & 0xFF : -1;
        if (n >= 3 && b0 == 0xEF && b1 == 0xBB && (text[2] & 0xFF) == 0xBF && allowed.contains("utf-8")) {
            return detection("utf-8", 100);
        }
        if (b0 == 0xFE && b1 == 0xFF && allowed.contains("utf-16be")) {
            return detection("utf-16be", 100);
        }
        if (b0 == 0xFF && b1 == 0xFE && allowed.contains("utf-16le")) {
            return detection("utf-16le", 100);
        }
        return null;
    }

    private Detection sevenBit(byte[] text, int n, boolean truncated, boolean escape) {
        if (escape && allowed.contains("iso-2022-jp") && hasIso2022JpDesignation(text, n)
                && decodedLength("iso-2022-jp", text, n, truncated) >= 0) {
            return detection("iso-2022-jp", 100);
        }
        // every ASCII-compatible encoding decodes 7-bit text alike: the most common allowed one
        for (String label : allowed) {
            if (!label.startsWith("utf-16")) {
                return detection(label, 100);
            }
        }
        return null;
    }

    /** ESC $ @, ESC $ B (JIS X 0208), ESC $ ( D (JIS X 0212), ESC ( J (JIS X 0201 Roman), ESC ( I (kana). */
    private static boolean hasIso2022JpDesignation(byte[] text, int n) {
        for (int i = 0; i + 2 < n; i++) {
            if (text[i] == 0x1B) {
                byte a = text[i + 1];
                byte b = text[i + 2];
                if ((a == '$' && (b == '@' || b == 'B' || b == '(')) || (a == '(' && (b == 'J' || b == 'I'))) {
                    return true;
                }
            }
        }
        return false;
    }

    private Detection bestScored(byte[] text, int n, boolean truncated, int[] histogram, int[] nextToLetter,
            AsciiPairs asciiPairs) {
        List<Scored> scored = new ArrayList<>();
        scoreSingleByte(text, n, histogram, nextToLetter, asciiPairs, scored);
        CharBuffer buffer = CharBuffer.allocate(n + 2);
        boolean gbkDecodes = false;
        for (String label : MULTI_BYTE) {
            // gb18030 is a superset of gbk that decodes gbk's text alike: no need to score it twice
            if (allowed.contains(label) && !("gb18030".equals(label) && gbkDecodes)) {
                boolean decodes = scoreMultiByte(label, text, n, truncated, buffer, scored);
                gbkDecodes |= decodes && "gbk".equals(label);
            }
        }
        for (String label : List.of("utf-16be", "utf-16le")) {
            if (allowed.contains(label) && mostlyCjkUtf16(text, n, label.endsWith("be"))) {
                scoreMultiByte(label, text, n, truncated, buffer, scored);
            }
        }
        if (scored.isEmpty()) {
            return null;
        }
        Scored best = null;
        for (Scored s : scored) {
            if (best == null || s.score > best.score
                    || (s.score == best.score && s.preference < best.preference)) {
                best = s;
            }
        }
        double runnerUp = Double.NEGATIVE_INFINITY;
        for (Scored s : scored) {
            if (s.score < best.score - 1e-3 && s.score > runnerUp) {
                runnerUp = s.score;
            }
        }
        double gap = runnerUp == Double.NEGATIVE_INFINITY ? 20 : best.score - runnerUp;
        int confidence = (int) Math.round(100 * (1 - Math.exp(-gap / 4)));
        return detection(best.label, Math.max(1, Math.min(99, confidence)));
    }

    private void scoreSingleByte(byte[] text, int n, int[] histogram, int[] nextToLetter, AsciiPairs asciiPairs,
            List<Scored> out) {
        int controls = 0;
        for (int b = 0; b < 0x80; b++) {
            if (CharClass.ordinalOf(b) == CharClass.CONTROL.ordinal()) {
                controls += histogram[b];
            }
        }
        float controlPart = controls * CONTROL_SCORE;
        java.util.Map<LanguageModel, Double> asciiScores = new java.util.IdentityHashMap<>();
        // stage 1: single characters, from the byte histogram, and letters of another script next to ASCII ones
        int[] present = new int[128];
        int distinct = 0;
        for (int b = 0x80; b < 0x100; b++) {
            if (histogram[b] != 0) {
                present[distinct++] = b - 0x80;
            }
        }
        double neutralAscii = Double.NaN;
        List<Pair> pairs = new ArrayList<>();
        for (SingleByteDecoding d : singleByte) {
            boolean defined = true;
            double mixed = 0;
            for (int i = 0; i < distinct && defined; i++) {
                int b = present[i];
                defined = d.chars[b + 0x80] != SingleByteDecoding.UNDEFINED;
                mixed += nextToLetter[b] * d.nextToAsciiLetter[b];
            }
            if (!defined) {
                continue;
            }
            for (int l = 0; l < d.models.length; l++) {
                float[] u = d.unigramScores[l];
                LanguageModel model = d.models[l];
                double ascii;
                if (model.isLatin()) {
                    ascii = asciiScores.computeIfAbsent(model, m -> m.asciiPairs(asciiPairs.counts,
                            asciiPairs.nonZero, asciiPairs.size, null));
                } else {
                    if (Double.isNaN(neutralAscii)) {
                        neutralAscii = model.asciiPairs(asciiPairs.counts, asciiPairs.nonZero, asciiPairs.size,
                                LanguageModels.averageLatinAsciiPairs());
                    }
                    ascii = neutralAscii;
                }
                ascii += controlPart;
                double s = mixed + ascii;
                for (int i = 0; i < distinct; i++) {
                    int b = present[i];
                    s += histogram[b + 0x80] * u[b];
                }
                pairs.add(new Pair(d, l, s, ascii));
            }
        }
        pairs.sort((a, b) -> Double.compare(b.unigramScore, a.unigramScore));
        // stage 2: character pairs for the best few; one score per encoding, its best language
        int[] positions = highPositions(text, n, histogram);
        int first = Math.min(positions.length, MAX_SCORED_HIGH_BYTES);
        double scale = 1;
        if (first == MAX_SCORED_HIGH_BYTES) {
            int high = 0;
            for (int b = 0x80; b < 0x100; b++) {
                high += histogram[b];
            }
            scale = (double) (high - (positions.length - first)) / first;
        }
        double[] best = new double[singleByte.size()];
        java.util.Arrays.fill(best, Double.NaN);
        for (int i = 0; i < Math.min(BIGRAM_CANDIDATES, pairs.size()); i++) {
            Pair p = pairs.get(i);
            if (p.unigramScore < pairs.get(0).unigramScore - BIGRAM_MARGIN) {
                break;
            }
            LanguageModel model = p.decoding.models[p.language];
            double s = p.asciiScore + scale * bigramScore(text, n, positions, 0, first, p.decoding, model)
                    + bigramScore(text, n, positions, first, positions.length, p.decoding, model);
            int k = singleByte.indexOf(p.decoding);
            if (Double.isNaN(best[k]) || s > best[k]) {
                best[k] = s;
            }
        }
        for (int k = 0; k < best.length; k++) {
            if (!Double.isNaN(best[k])) {
                SingleByteDecoding d = singleByte.get(k);
                out.add(new Scored(d.label, d.preference, best[k]));
            }
        }
    }

    /**
     * Positions of the first {@link #MAX_SCORED_HIGH_BYTES} non-ASCII bytes, then of at most
     * {@link #MAX_RARE_POSITIONS} later rare ones.
     */
    private static int[] highPositions(byte[] text, int n, int[] histogram) {
        int[] positions = new int[MAX_SCORED_HIGH_BYTES + MAX_RARE_POSITIONS];
        int count = 0;
        int i = 0;
        for (; i < n && count < MAX_SCORED_HIGH_BYTES; i++) {
            if (text[i] < 0) {
                positions[count++] = i;
            }
        }
        for (; i < n && count < positions.length; i++) {
            if (text[i] < 0 && histogram[text[i] & 0xFF] <= RARE_BYTE_COUNT) {
                positions[count++] = i;
            }
        }
        return java.util.Arrays.copyOf(positions, count);
    }

    /**
     * Sum of log P(c | previous) over the non-ASCII characters at {@code positions[from, to)}, plus how much better each
     * predicts the ASCII character after it than that character's own frequency does.
     */
    private static double bigramScore(byte[] text, int n, int[] positions, int from, int to, SingleByteDecoding d,
            LanguageModel model) {
        char[] chars = d.chars;
        double s = 0;
        for (int k = from; k < to; k++) {
            int i = positions[k];
            int c = chars[text[i] & 0xFF];
            int prev = i == 0 ? ' ' : chars[text[i - 1] & 0xFF];
            s += model.bigram(prev, c);
            if (i + 1 < n && text[i + 1] >= 0) {
                int next = chars[text[i + 1]];
                s += model.bigram(c, next) - model.unigram(next);
            }
        }
        return s;
    }

    /** Cheap look at the first {@link #UTF16_PROBE_UNITS} code units before a full UTF-16 decode. */
    private static boolean mostlyCjkUtf16(byte[] text, int n, boolean bigEndian) {
        int units = Math.min(n / 2, UTF16_PROBE_UNITS);
        int cjk = 0;
        for (int i = 0; i < units; i++) {
            int hi = text[2 * i] & 0xFF;
            int lo = text[2 * i + 1] & 0xFF;
            if (CharClass.isCjk(bigEndian ? hi << 8 | lo : lo << 8 | hi)) {
                cjk++;
            }
        }
        return units > 0 && cjk >= UTF16_CJK_SHARE * units;
    }

    /** Scores the decoding as {@code label} into {@code out}; false when the text does not decode. */
    private boolean scoreMultiByte(String label, byte[] text, int n, boolean truncated, CharBuffer buffer,
            List<Scored> out) {
        CharBuffer decoded = decode(label, text, n, truncated, buffer);
        if (decoded == null) {
            return false;
        }
        boolean utf16 = label.startsWith("utf-16");
        int cjk = 0;
        double ascii = 0;
        for (int i = 0; i < decoded.limit(); i++) {
            char c = decoded.get(i);
            int k = CharClass.ordinalOf(c);
            if (CharClass.isCjk(c)) {
                cjk++;
            } else if (c < 0x80) {
                ascii += k == CharClass.CONTROL.ordinal() ? CONTROL_SCORE : ASCII_SCORE;
            }
        }
        if (utf16 && cjk < UTF16_CJK_SHARE * decoded.limit()) {
            return true;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (String language : LanguageModels.LANGUAGES_BY_ENCODING.get(label)) {
            LanguageModel model = LanguageModels.get(language);
            double s = ascii;
            int scoredChars = 0;
            for (int i = 0; i < decoded.limit() && scoredChars < MAX_SCORED_HIGH_BYTES; i++) {
                char c = decoded.get(i);
                if (c >= 0x80) {
                    s += model.unigram(CharClass.fold(c));
                    scoredChars++;
                }
            }
            best = Math.max(best, s);
        }
        out.add(new Scored(label, Tables.preference(label), best));
        return true;
    }

    /** Strict decode of the examined prefix; null when malformed (a sequence cut by the prefix's end is dropped). */
    private static CharBuffer decode(String label, byte[] text, int n, boolean truncated, CharBuffer out) {
        CharsetDecoder decoder = Encodings.charsetFor(label).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(text, 0, n);
        out.clear();
        CoderResult r = decoder.decode(in, out, !truncated);
        if (r.isError()) {
            return null;
        }
        if (!truncated) {
            r = decoder.flush(out);
            if (r.isError()) {
                return null;
            }
        }
        out.flip();
        return out;
    }

    private static int decodedLength(String label, byte[] text, int n, boolean truncated) {
        CharBuffer decoded = decode(label, text, n, truncated, CharBuffer.allocate(n + 2));
        return decoded == null ? -1 : decoded.limit();
    }

    private static Detection detection(String label, int confidence) {
        return new Detection(label, Encodings.charsetFor(label), confidence);
    }

    private record Pair(SingleByteDecoding decoding, int language, double unigramScore, double asciiScore) {
    }

    /** Counts of the pairs of adjacent ASCII bytes of a text, folded as the models see them. */
    static final class AsciiPairs {
        private static final int SPACE = CharClass.asciiIndex(' ');
        private static final byte[] INDEX = new byte[128];

        static {
            for (int b = 0; b < 128; b++) {
                INDEX[b] = (byte) CharClass.asciiIndex(CharClass.fold((char) b));
            }
        }

        final int[] counts = new int[CharClass.ASCII_SYMBOLS * CharClass.ASCII_SYMBOLS];
        final int[] nonZero = new int[counts.length];
        int size;

        void add(int p, int c) {
            int ip = INDEX[p];
            int ic = INDEX[c];
            if (ip < 0 || ic < 0 || (ip == SPACE && ic == SPACE)) {
                return;
            }
            int key = ip * CharClass.ASCII_SYMBOLS + ic;
            if (counts[key]++ == 0) {
                nonZero[size++] = key;
            }
        }
    }

    private record Scored(String label, int preference, double score) {
    }

    /** The per-encoding tables, built once. */
    static final class Tables {
        static final List<SingleByteDecoding> SINGLE_BYTE = build();

        private Tables() {
        }

        private static final List<String> ORDER = List.copyOf(Encodings.SUPPORTED);

        static int preference(String label) {
            return ORDER.indexOf(label);
        }

        private static List<SingleByteDecoding> build() {
            List<SingleByteDecoding> list = new ArrayList<>();
            int i = 0;
            for (String label : Encodings.SUPPORTED) {
                if (SingleByteDecoding.LABELS.contains(label)) {
                    list.add(new SingleByteDecoding(label, i, LanguageModels.LANGUAGES_BY_ENCODING.get(label),
                            LanguageModels.all()));
                }
                i++;
            }
            return List.copyOf(list);
        }
    }
}
