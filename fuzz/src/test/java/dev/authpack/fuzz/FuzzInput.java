package dev.authpack.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How the fuzz targets turn raw fuzzer bytes into parser input. Byte arrays keep the saved corpus files plain
 * (one input per file, the bytes as they are), readable by both jazzer-junit and the standalone driver.
 */
public final class FuzzInput {
    /** Separates several strings in one input: never part of well-formed UTF-8, so a value cannot contain it. */
    public static final byte SEPARATOR = (byte) 0xff;

    private FuzzInput() {
    }

    /** The bytes as UTF-8 text (malformed sequences become U+FFFD, so every char value can be reached). */
    public static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The bytes split at {@link #SEPARATOR}, each piece as UTF-8 text. */
    public static List<String> texts(byte[] data, int from) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i <= data.length; i++) {
            if (i == data.length || data[i] == SEPARATOR) {
                out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    /** Fails the run (a finding) when an invariant does not hold. */
    public static void check(boolean invariant, String what, Object input) {
        if (!invariant) {
            throw new AssertionError(what + " for input " + abbreviate(String.valueOf(input)));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? "'" + s + "'" : "'" + s.substring(0, 300) + "'...(" + s.length() + " chars)";
    }
}
