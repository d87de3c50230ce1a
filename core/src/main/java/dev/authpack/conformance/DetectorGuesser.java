package dev.authpack.conformance;

import dev.authpack.conformance.charset.CharsetDetector;
import dev.authpack.conformance.charset.Detection;

import java.nio.charset.Charset;
import java.util.Optional;
import java.util.Set;

/** The charset detector ({@link CharsetDetector}, KumoMTA's 36 encodings) as the fixer's guess. */
public final class DetectorGuesser implements CharsetGuesser {
    private final CharsetDetector detector;

    private DetectorGuesser(CharsetDetector detector) {
        this.detector = detector;
    }

    /**
     * A guesser choosing among {@code include} (all 36 when empty) minus {@code exclude}.
     *
     * @throws IllegalArgumentException for an unknown label, listing the accepted ones
     */
    public static DetectorGuesser of(Set<String> include, Set<String> exclude) {
        return new DetectorGuesser(CharsetDetector.of(include, exclude));
    }

    @Override
    public Optional<Charset> guess(byte[] text) {
        return detector.detect(text).map(Detection::charset);
    }
}
