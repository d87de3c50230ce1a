package dev.authpack.conformance.charset;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The evaluation corpus: the email-like texts of {@code charset-corpus/eval/} (none of them used in training),
 * encoded in each of the 36 encodings for every language that encoding serves, in three sizes: about 100 bytes
 * (consecutive pieces of the text), about 1 KB (the whole text) and 5 KB or more (the text repeated). UTF-8 and
 * UTF-16 get every language. Characters an encoding lacks get the usual substitutes (typographic quotes to ASCII,
 * Romanian comma-below letters to cedilla ones, the euro sign to EUR); the original a sample must decode to is the
 * substituted text.
 */
final class EvaluationCorpus {

    enum Size { SMALL, MEDIUM, LARGE }

    record Sample(String encoding, String language, Size size, String original, byte[] bytes) {
        String id() {
            return encoding + "/" + language + "/" + size;
        }
    }

    static final int SMALL_BYTES = 100;
    static final int LARGE_BYTES = 5000;

    private static final Map<Character, String> SUBSTITUTES = Map.ofEntries(
            Map.entry('\u0219', "\u015F"), Map.entry('\u021B', "\u0163"), Map.entry('\u0218', "\u015E"),
            Map.entry('\u021A', "\u0162"), Map.entry('\u20AC', "EUR"), Map.entry('\u201E', "\""),
            Map.entry('\u201C', "\""), Map.entry('\u201D', "\""), Map.entry('\u2018', "'"), Map.entry('\u2019', "'"),
            Map.entry('\u2013', "-"), Map.entry('\u2014', "-"), Map.entry('\u2026', "..."), Map.entry('\u00A3', "GBP"),
            Map.entry('\u06CC', "\u064A"), Map.entry('\u200C', " "), Map.entry('\u3000', " "));

    private EvaluationCorpus() {
    }

    static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        List<String> everyLanguage = new ArrayList<>(CharsetModelTrainer.languages());
        for (String encoding : Encodings.SUPPORTED) {
            List<String> languages = encoding.startsWith("utf-") ? everyLanguage
                    : LanguageModels.LANGUAGES_BY_ENCODING.get(encoding);
            for (String language : languages) {
                String text = adapt(evaluationText(language), encoding);
                samples.addAll(samplesOf(encoding, language, text));
            }
        }
        return samples;
    }

    static String evaluationText(String language) {
        return Normalizer.normalize(CharsetModelTrainer.resource("charset-corpus/eval/" + language + ".txt"),
                Normalizer.Form.NFC);
    }

    /** The text as a mail in {@code encoding} would carry it. */
    static String adapt(String text, String encoding) {
        Charset charset = Encodings.charsetFor(encoding);
        if ("windows-1258".equals(encoding)) {
            text = Cp1258Form.of(text);
        }
        CharsetEncoder encoder = charset.newEncoder();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (encoder.canEncode(c)) {
                out.append(c);
            } else if (SUBSTITUTES.containsKey(c) && encoder.canEncode(SUBSTITUTES.get(c))) {
                out.append(SUBSTITUTES.get(c));
            } else if (c >= '\u06F0' && c <= '\u06F9') {
                out.append((char) ('0' + c - '\u06F0'));
            } else {
                throw new IllegalStateException(encoding + " cannot encode U+" + Integer.toHexString(c)
                        + " and there is no substitute");
            }
        }
        return out.toString();
    }

    private static List<Sample> samplesOf(String encoding, String language, String text) {
        Charset charset = Encodings.charsetFor(encoding);
        List<Sample> samples = new ArrayList<>();
        // small: consecutive pieces of at least SMALL_BYTES, cut after white space where the script has it
        StringBuilder piece = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            piece.append(text.charAt(i));
            boolean cut = Character.isWhitespace(text.charAt(i)) || encode(piece.toString(), charset).length
                    >= SMALL_BYTES * 3 / 2;
            if (cut && encode(piece.toString(), charset).length >= SMALL_BYTES) {
                samples.add(sample(encoding, language, Size.SMALL, piece.toString()));
                piece.setLength(0);
            }
        }
        samples.add(sample(encoding, language, Size.MEDIUM, text));
        StringBuilder large = new StringBuilder(text);
        while (encode(large.toString(), charset).length < LARGE_BYTES) {
            large.append('\n').append(text);
        }
        samples.add(sample(encoding, language, Size.LARGE, large.toString()));
        return samples;
    }

    private static Sample sample(String encoding, String language, Size size, String original) {
        return new Sample(encoding, language, size, original, encode(original, Encodings.charsetFor(encoding)));
    }

    static byte[] encode(String text, Charset charset) {
        try {
            ByteBuffer b = charset.newEncoder().encode(CharBuffer.wrap(text));
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(charset + " cannot encode the sample", e);
        }
    }

    /** Whether {@code bytes} decoded with {@code charset} give exactly {@code original}. */
    static boolean decodesTo(byte[] bytes, Charset charset, String original) {
        return original.equals(new String(bytes, charset));
    }
}
