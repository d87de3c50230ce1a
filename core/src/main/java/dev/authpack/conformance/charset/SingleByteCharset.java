package dev.authpack.conformance.charset;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.util.HashMap;
import java.util.Map;

/**
 * An ASCII-compatible single-byte {@link Charset} defined by the 128 characters of its upper half, for the
 * encodings JDK 17 lacks ({@link SingleByteTables}). Every byte decodes (the tables have no holes); encoding a
 * character outside the table is unmappable.
 */
final class SingleByteCharset extends Charset {

    private final char[] upper;
    private final Map<Character, Byte> encoding;

    SingleByteCharset(String canonicalName, String[] aliases, String upperHalf) {
        super(canonicalName, aliases);
        if (upperHalf.length() != 128) {
            throw new IllegalArgumentException("upper half must have 128 characters: " + canonicalName);
        }
        this.upper = upperHalf.toCharArray();
        Map<Character, Byte> map = new HashMap<>();
        for (int i = 0; i < 128; i++) {
            map.putIfAbsent(upper[i], (byte) (0x80 + i));
        }
        this.encoding = Map.copyOf(map);
    }

    /** The character byte {@code b} (0..255) decodes to. */
    char charOf(int b) {
        return b < 0x80 ? (char) b : upper[b - 0x80];
    }

    @Override
    public boolean contains(Charset cs) {
        return cs == this || "US-ASCII".equals(cs.name());
    }

    @Override
    public CharsetDecoder newDecoder() {
        return new CharsetDecoder(this, 1f, 1f) {
            @Override
            protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
                while (in.hasRemaining()) {
                    if (!out.hasRemaining()) {
                        return CoderResult.OVERFLOW;
                    }
                    out.put(charOf(in.get() & 0xFF));
                }
                return CoderResult.UNDERFLOW;
            }
        };
    }

    @Override
    public CharsetEncoder newEncoder() {
        return new CharsetEncoder(this, 1f, 1f) {
            @Override
            protected CoderResult encodeLoop(CharBuffer in, ByteBuffer out) {
                while (in.hasRemaining()) {
                    char c = in.get(in.position());
                    Byte b = c < 0x80 ? Byte.valueOf((byte) c) : encoding.get(c);
                    if (b == null) {
                        return Character.isSurrogate(c) ? CoderResult.malformedForLength(1)
                                : CoderResult.unmappableForLength(1);
                    }
                    if (!out.hasRemaining()) {
                        return CoderResult.OVERFLOW;
                    }
                    in.get();
                    out.put(b);
                }
                return CoderResult.UNDERFLOW;
            }

            @Override
            public boolean isLegalReplacement(byte[] repl) {
                return true;
            }
        };
    }
}
