package dev.authpack.conformance.charset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The trained language models (resource {@value #RESOURCE}, written by {@code CharsetModelTrainer}; its origin is
 * in the README beside it) and which languages each encoding serves.
 *
 * <p>Resource format, one record a line: {@code = LANG bigrams|unigrams} starts a language; {@code u HEX COUNT}
 * is a character's count; {@code b HEXHEX COUNT} a pair's count (characters as 4 hex digits, folded).
 */
final class LanguageModels {

    static final String RESOURCE = "models.txt.gz";

    /** Languages by encoding: the texts an encoding is used for, so the ones to score its decoding with. */
    static final Map<String, List<String>> LANGUAGES_BY_ENCODING = languagesByEncoding();

    private LanguageModels() {
    }

    static LanguageModel get(String language) {
        LanguageModel model = Holder.MODELS.get(language);
        if (model == null) {
            throw new IllegalStateException("no model for language " + language);
        }
        return model;
    }

    static Map<String, LanguageModel> all() {
        return Holder.MODELS;
    }

    /**
     * How the average Latin-script language scores each pair of folded ASCII characters: what a
     * language written in another script makes of the ASCII words in its text.
     */
    static float[] averageLatinAsciiPairs() {
        return Holder.AVERAGE_LATIN;
    }

    /** Loads the models on first use (the trainer needs {@link #LANGUAGES_BY_ENCODING} without them). */
    private static final class Holder {
        static final Map<String, LanguageModel> MODELS = load();
        static final float[] AVERAGE_LATIN = averageLatin(MODELS);
    }

    private static float[] averageLatin(Map<String, LanguageModel> models) {
        float[] average = new float[CharClass.ASCII_SYMBOLS * CharClass.ASCII_SYMBOLS];
        int latin = 0;
        for (LanguageModel m : models.values()) {
            if (m.isLatin()) {
                latin++;
                for (int key = 0; key < average.length; key++) {
                    average[key] += m.asciiPair(key);
                }
            }
        }
        for (int key = 0; key < average.length; key++) {
            average[key] /= Math.max(1, latin);
        }
        return average;
    }

    private static Map<String, List<String>> languagesByEncoding() {
        List<String> west = List.of("de", "fr", "es", "pt", "it", "nl", "sv", "da", "fi", "is");
        List<String> central = List.of("pl", "cs", "sk", "hu", "sl", "hr", "ro");
        List<String> baltic = List.of("et", "lv", "lt", "pl");
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("windows-1252", west);
        m.put("iso-8859-15", west);
        m.put("macintosh", List.of("de", "fr", "es", "pt", "it", "nl", "sv", "da", "fi"));
        m.put("iso-8859-10", List.of("is", "da", "sv", "fi"));
        m.put("iso-8859-14", List.of("cy", "ga"));
        m.put("windows-1250", central);
        m.put("iso-8859-2", central);
        m.put("iso-8859-16", List.of("ro", "pl", "hu", "hr", "sl"));
        m.put("iso-8859-3", List.of("mt", "eo"));
        m.put("iso-8859-4", List.of("et", "lv", "lt"));
        m.put("iso-8859-13", baltic);
        m.put("windows-1257", baltic);
        m.put("windows-1254", List.of("tr"));
        m.put("windows-1258", List.of("vi"));
        m.put("windows-1251", List.of("ru", "uk", "bg", "sr"));
        m.put("koi8-r", List.of("ru", "bg"));
        m.put("koi8-u", List.of("uk", "ru", "bg"));
        m.put("iso-8859-5", List.of("ru", "bg", "sr"));
        m.put("x-mac-cyrillic", List.of("ru", "uk", "bg", "sr"));
        m.put("windows-1253", List.of("el"));
        m.put("iso-8859-7", List.of("el"));
        m.put("windows-1255", List.of("he"));
        m.put("iso-8859-8", List.of("he"));
        m.put("windows-1256", List.of("ar", "fa"));
        m.put("iso-8859-6", List.of("ar"));
        m.put("windows-874", List.of("th"));
        m.put("gbk", List.of("zh_hans"));
        m.put("gb18030", List.of("zh_hans"));
        m.put("big5", List.of("zh_hant"));
        m.put("euc-jp", List.of("ja"));
        m.put("shift_jis", List.of("ja"));
        m.put("iso-2022-jp", List.of("ja"));
        m.put("euc-kr", List.of("ko"));
        m.put("utf-16be", List.of("zh_hans", "zh_hant", "ja", "ko"));
        m.put("utf-16le", List.of("zh_hans", "zh_hant", "ja", "ko"));
        return Map.copyOf(m);
    }

    private static Map<String, LanguageModel> load() {
        try (InputStream raw = LanguageModels.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, LanguageModel> parse(BufferedReader in) throws IOException {
        Map<String, LanguageModel> models = new HashMap<>();
        String language = null;
        boolean bigrams = false;
        Map<Integer, Integer> unigrams = new HashMap<>();
        Map<Integer, Integer> pairs = new HashMap<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            switch (f[0]) {
                case "=" -> {
                    if (language != null) {
                        models.put(language, new LanguageModel(language, bigrams, unigrams, pairs));
                    }
                    language = f[1];
                    bigrams = "bigrams".equals(f[2]);
                    unigrams = new HashMap<>();
                    pairs = new HashMap<>();
                }
                case "u" -> unigrams.put(Integer.parseInt(f[1], 16), Integer.parseInt(f[2]));
                case "b" -> pairs.put((int) Long.parseLong(f[1], 16), Integer.parseInt(f[2]));
                default -> throw new IOException("bad model line: " + line);
            }
        }
        if (language != null) {
            models.put(language, new LanguageModel(language, bigrams, unigrams, pairs));
        }
        return Map.copyOf(models);
    }
}
