package dev.authpack.conformance.charset;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Detects the encoding of unlabelled 8-bit text among {@link Encodings#SUPPORTED}, restricted by include and
 * exclude lists as KumoMTA's {@code include_encodings} / {@code exclude_encodings}. Immutable and thread-safe.
 * Never throws from {@link #detect(byte[])}, and examines at most {@link #MAX_EXAMINED_BYTES} bytes.
 */
public final class CharsetDetector {

    /** The detector looks at no more than this many leading bytes of a text. */
    public static final int MAX_EXAMINED_BYTES = 16 * 1024;

    private final Set<String> allowed;

    private CharsetDetector(Set<String> allowed) {
        this.allowed = allowed;
    }

    /**
     * A detector choosing among {@code include} (all 36 when empty) less {@code exclude}; labels are KumoMTA's,
     * case-insensitive.
     *
     * @throws IllegalArgumentException for an unknown label; the message lists the accepted labels
     */
    public static CharsetDetector of(Set<String> include, Set<String> exclude) {
        Set<String> in = new LinkedHashSet<>();
        for (String label : include) {
            in.add(Encodings.canonicalLabel(label));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String label : exclude) {
            out.add(Encodings.canonicalLabel(label));
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (String label : Encodings.SUPPORTED) {
            if ((in.isEmpty() || in.contains(label)) && !out.contains(label)) {
                allowed.add(label);
            }
        }
        return new CharsetDetector(Set.copyOf(allowed).isEmpty() ? Set.of() : allowed);
    }

    /** All 36 encodings. */
    public static CharsetDetector all() {
        return of(Set.of(), Set.of());
    }

    /** The labels this detector chooses among, in preference order. */
    public Set<String> allowed() {
        return java.util.Collections.unmodifiableSet(allowed);
    }

    /**
     * The most likely encoding of {@code text}, or empty when no allowed encoding decodes its examined prefix.
     */
    public Optional<Detection> detect(byte[] text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            int length = Math.min(text.length, MAX_EXAMINED_BYTES);
            for (String label : allowed) {
                if (decodes(label, text, length)) {
                    return Optional.of(new Detection(label, Encodings.charsetFor(label), 50));
                }
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean decodes(String label, byte[] text, int length) {
        try {
            Encodings.charsetFor(label).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(text, 0, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
