package dev.authpack.conformance.charset;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A single-byte encoding as the detector uses it: the character of every byte ({@link #UNDEFINED} where the
 * encoding has none), and per language the unigram score of every upper-half byte.
 */
final class SingleByteDecoding {

    static final char UNDEFINED = '\uFFFF';

    /** The labels of {@link Encodings#SUPPORTED} that are single-byte. */
    static final Set<String> LABELS = Set.of("windows-1252", "iso-8859-15", "windows-1250", "iso-8859-2",
            "windows-1251", "koi8-r", "koi8-u", "iso-8859-5", "x-mac-cyrillic", "windows-1253", "iso-8859-7",
            "windows-1254", "windows-1257", "iso-8859-13", "iso-8859-4", "windows-1255", "iso-8859-8", "windows-1256",
            "iso-8859-6", "windows-874", "windows-1258", "iso-8859-16", "iso-8859-3", "iso-8859-10", "iso-8859-14",
            "macintosh");

    final String label;
    final int preference;
    /** Folded characters of bytes 0..255. */
    final char[] chars = new char[256];
    final LanguageModel[] models;
    /** unigramScores[language][b - 0x80]. */
    final float[][] unigramScores;
    /** For bytes 0x80..0xFF: the penalty when next to an ASCII letter (a letter of another script), else 0. */
    final float[] nextToAsciiLetter = new float[128];

    SingleByteDecoding(String label, int preference, List<String> languages, Map<String, LanguageModel> all) {
        this.label = label;
        this.preference = preference;
        CharsetDecoder decoder = Encodings.charsetFor(label).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int b = 0; b < 256; b++) {
            CharBuffer out = CharBuffer.allocate(2);
            decoder.reset();
            CoderResult r = decoder.decode(ByteBuffer.wrap(new byte[] {(byte) b}), out, true);
            out.flip();
            chars[b] = r.isError() || out.remaining() != 1 ? UNDEFINED : CharClass.fold(out.get());
        }
        for (int b = 0x80; b < 0x100; b++) {
            int script = CharClass.script(chars[b]);
            nextToAsciiLetter[b - 0x80] = script != CharClass.NO_SCRIPT && script != CharClass.script('a')
                    ? LanguageModel.MIXED_SCRIPT_LOG : 0f;
        }
        models = new LanguageModel[languages.size()];
        unigramScores = new float[languages.size()][128];
        for (int l = 0; l < models.length; l++) {
            models[l] = all.get(languages.get(l));
            for (int b = 0x80; b < 0x100; b++) {
                unigramScores[l][b - 0x80] = chars[b] == UNDEFINED ? Float.NEGATIVE_INFINITY
                        : models[l].unigram(chars[b]);
            }
        }
    }
}
