package dev.authpack.mail;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight octets at a time, for the header scans of this package ({@link RawMessage}'s line ends, {@link
 * HeaderLines}' CR or LF): a {@code long} read from the array and an exact per-octet test, with no carry between
 * octets (each octet's low seven bits are added to at most 0x7F), so an octet above 0x7F with a line end's low seven
 * bits (0x8A, 0x8D) is never taken for one.
 */
final class OctetScan {
    static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    static final long CRS = 0x0D0D0D0D0D0D0D0DL;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGH = 0x8080808080808080L;

    private OctetScan() {
    }

    /** The eight octets at {@code i}, the first in the lowest byte. */
    static long word(byte[] bytes, int i) {
        return (long) LONGS.get(bytes, i);
    }

    /** The high bit of each octet of {@code x} that is zero, and of no other. */
    static long zeroOctets(long x) {
        return ~(((x & LOW7) + LOW7) | x) & HIGH;
    }

    /** The index within the word of the first octet a mask marks. */
    static int first(long mask) {
        return Long.numberOfTrailingZeros(mask) >>> 3;
    }
}
