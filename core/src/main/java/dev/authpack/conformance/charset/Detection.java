package dev.authpack.conformance.charset;

import java.nio.charset.Charset;
import java.util.Objects;

/**
 * What {@link CharsetDetector} found.
 *
 * @param encoding   KumoMTA's label of the encoding, lower case (one of {@link Encodings#SUPPORTED})
 * @param charset    a charset that decodes it ({@link Encodings#charsetFor(String)})
 * @param confidence 0..100: 100 for a byte-order mark, valid UTF-8 with non-ASCII text or an ISO-2022-JP escape;
 *                   lower the closer the runner-up decoding came
 */
public record Detection(String encoding, Charset charset, int confidence) {

    public Detection {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(charset, "charset");
        if (confidence < 0 || confidence > 100) {
            throw new IllegalArgumentException("confidence must be 0..100: " + confidence);
        }
    }
}
