package dev.authpack.conformance;

import dev.authpack.conformance.charset.Encodings;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/**
 * A declared charset label to a Java charset: KumoMTA's 36 labels through {@link Encodings} first (which decodes
 * the four JDK 17 lacks: iso-8859-10, iso-8859-14, macintosh, x-mac-cyrillic), then any other charset the JVM has.
 */
final class CharsetLabels {
    /** Longest label we look up (IANA names are at most 40 characters). */
    static final int MAX_LABEL_LENGTH = 64;

    private static final Map<Charset, Boolean> ASCII_COMPATIBLE = new ConcurrentHashMap<>();

    private CharsetLabels() {
    }

    /** Whether ASCII text has the same octets in {@code charset} (false for UTF-16 and UTF-32). */
    static boolean isAsciiCompatible(Charset charset) {
        return ASCII_COMPATIBLE.computeIfAbsent(charset, c -> {
            String sample = "Az09 ~!\r\n";
            try {
                return Arrays.equals(sample.getBytes(c), sample.getBytes(StandardCharsets.US_ASCII))
                        && new String(sample.getBytes(StandardCharsets.US_ASCII), c).equals(sample);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    static Optional<Charset> lookup(String label) {
        if (label == null || label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
            return Optional.empty();
        }
        String key = label.strip();
        if (Encodings.SUPPORTED.contains(key.toLowerCase(java.util.Locale.ROOT))) {
            return Optional.of(Encodings.charsetFor(key));
        }
        try {
            return Optional.of(Charset.forName(key));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
