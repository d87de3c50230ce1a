package dev.authpack.authres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes RFC 2047 encoded-words ({@code =?charset?Q?...?=}, {@code =?charset?B?...?=}) the way a mail client
 * displaying a header field would, so that an authserv-id hidden in one is still recognised as ours. Lenient:
 * an unknown charset is read as ISO-8859-1, an encoded-word that cannot be decoded stays as written; white space between two encoded-words is dropped
 * (§6.2).
 */
final class EncodedWords {
    /** Text looked at; an authserv-id is near the start of the field. */
    static final int MAX_CHARS = 4096;
    private static final Pattern WORD = Pattern.compile(
            "=\\?([^?\\s*]{1,64})(?:\\*[^?\\s]*)?\\?([QqBb])\\?([^?\\s]*)\\?=(?:[ \\t\\r\\n]+(?==\\?))?");

    private EncodedWords() {
    }

    /** Whether the text holds something that may be an encoded-word. */
    static boolean present(String text) {
        return text.contains("=?");
    }

    static String decode(String text) {
        String input = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
        Matcher m = WORD.matcher(input);
        StringBuilder out = new StringBuilder(input.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(word(m.group(1), m.group(2), m.group(3), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String word(String charsetName, String encoding, String text, String original) {
        Charset charset;
        try {
            charset = Charset.forName(charsetName);
        } catch (IllegalArgumentException e) {
            charset = StandardCharsets.ISO_8859_1; // unknown charset: its ASCII still shows
        }
        try {
            byte[] bytes = encoding.equalsIgnoreCase("B") ? Base64.getMimeDecoder().decode(text) : quoted(text);
            return new String(bytes, charset);
        } catch (IllegalArgumentException e) {
            return original; // bad encoding: as written
        }
    }

    /** RFC 2047 §4.2 "Q": '_' is a space, =XX an octet. */
    private static byte[] quoted(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c & 0xff);
            }
        }
        return out.toByteArray();
    }
}
