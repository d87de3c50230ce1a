package dev.authpack.dkim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight octets at a time (SWAR: SIMD within a register), for the canonicalizers' scans: a {@code long} read from a
 * byte array, little-endian (octet {@code k} of the word is bits {@code 8k..8k+7}), and exact per-octet tests whose
 * answer is a mask with bit 7 of each octet set where the test holds. Exact means no false positives: no carry
 * crosses an octet, because each octet's low seven bits are added to at most 0x7F.
 */
final class OctetWords {
    static final int OCTETS = Long.BYTES;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGH = 0x8080808080808080L;
    /** Added to an octet's low seven bits, sets bit 7 exactly when they are at least 0x21. */
    private static final long ABOVE_SPACE = 0x5F5F5F5F5F5F5F5FL;
    static final long SPACES = 0x2020202020202020L;
    static final long TABS = 0x0909090909090909L;
    static final long CRS = 0x0D0D0D0D0D0D0D0DL;
    static final long LFS = 0x0A0A0A0A0A0A0A0AL;

    private OctetWords() {
    }

    /** The eight octets at {@code b[i, i+8)}. */
    static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** The word's octets with bit 7 cleared: the first argument of {@link #equal}. */
    static long low7(long word) {
        return word & LOW7;
    }

    /** Octets equal to the (ASCII, below 0x80) octet repeated in {@code octets}. */
    static long equal(long low7, long word, long octets) {
        return ~(((low7 ^ octets) + LOW7) | word) & HIGH;
    }

    /** Octets other than the (ASCII) octet repeated in {@code octets}. */
    static long notEqual(long low7, long word, long octets) {
        return (((low7 ^ octets) + LOW7) | word) & HIGH;
    }

    /** Octets at most 0x20: SP, HTAB, CR, LF and the other controls. */
    static long atMostSpace(long word) {
        return ~(((word & LOW7) + ABOVE_SPACE) | word) & HIGH;
    }

    /** The index within the word of the first octet a mask marks; 8 when it marks none. */
    static int first(long mask) {
        return Long.numberOfTrailingZeros(mask) >>> 3;
    }
}
