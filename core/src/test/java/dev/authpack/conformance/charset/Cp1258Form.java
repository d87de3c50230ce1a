package dev.authpack.conformance.charset;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.text.Normalizer;

/**
 * Vietnamese as windows-1258 writes it: windows-1258 has the base letters with their vowel marks (â, ơ, ư...) but
 * writes tone marks as combining characters, so NFC text does not encode. Decompose, then recompose a base with
 * any of its marks while the composed letter exists in windows-1258.
 */
final class Cp1258Form {

    private static final Charset CP1258 = Charset.forName("windows-1258");

    private Cp1258Form() {
    }

    static String of(String text) {
        CharsetEncoder encoder = CP1258.newEncoder();
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(nfd.length());
        int i = 0;
        while (i < nfd.length()) {
            String base = String.valueOf(nfd.charAt(i++));
            StringBuilder marks = new StringBuilder();
            while (i < nfd.length() && Character.getType(nfd.charAt(i)) == Character.NON_SPACING_MARK) {
                marks.append(nfd.charAt(i++));
            }
            boolean composed = true;
            while (composed) {
                composed = false;
                for (int m = 0; m < marks.length(); m++) {
                    String c = Normalizer.normalize(base + marks.charAt(m), Normalizer.Form.NFC);
                    if (c.length() == 1 && encoder.canEncode(c.charAt(0))) {
                        base = c;
                        marks.deleteCharAt(m);
                        composed = true;
                        break;
                    }
                }
            }
            out.append(base).append(marks);
        }
        return out.toString();
    }
}
