package dev.authpack.conformance;

import java.nio.charset.Charset;
import java.util.Optional;

/**
 * Guesses the charset of 8-bit text that has none usable (none declared, or the declared one does not decode).
 * {@link DetectorGuesser} puts the charset detector behind it; a fix without detection uses {@link #NONE}.
 */
@FunctionalInterface
public interface CharsetGuesser {
    /** Never guesses: 8-bit text without a usable charset becomes lossy UTF-8 (KumoMTA's default). */
    CharsetGuesser NONE = text -> Optional.empty();

    /** The charset {@code text} is most likely in; empty when there is no good guess. Never throws. */
    Optional<Charset> guess(byte[] text);
}
