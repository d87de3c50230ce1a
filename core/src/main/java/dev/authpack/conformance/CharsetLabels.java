package dev.authpack.conformance;

import java.nio.charset.Charset;
import java.util.Optional;

/** A declared charset label to a Java charset, when this JVM can decode it. */
final class CharsetLabels {
    /** Longest label we look up (IANA names are at most 40 characters). */
    static final int MAX_LABEL_LENGTH = 64;

    private CharsetLabels() {
    }

    static Optional<Charset> lookup(String label) {
        if (label == null || label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(Charset.forName(label));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
