package dev.authpack.mail;

import java.util.List;
import java.util.Objects;

/**
 * Octets {@code [offset, offset + length)} of an array, not copied: a message edited by putting a field on top or
 * cutting fields out is the slices of the original around the edits ({@code AuthResultsRewrite}), so that a
 * message of many kilobytes is not copied for a field of a few hundred octets. The array must not change.
 */
public record OctetSlice(byte[] array, int offset, int length) {
    public OctetSlice {
        Objects.requireNonNull(array, "array");
        Objects.checkFromIndexSize(offset, length, array.length);
    }

    /** The whole array. */
    public static OctetSlice of(byte[] array) {
        return new OctetSlice(array, 0, array.length);
    }

    /** Whether this is its whole array. */
    public boolean whole() {
        return offset == 0 && length == array.length;
    }

    /** The octets of {@code slices} one after the other, in one new array (the array itself for one whole slice). */
    public static byte[] join(List<OctetSlice> slices) {
        if (slices.size() == 1 && slices.get(0).whole()) {
            return slices.get(0).array();
        }
        long total = 0;
        for (OctetSlice s : slices) {
            total += s.length();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("more octets than an array holds: " + total);
        }
        byte[] out = new byte[(int) total];
        int at = 0;
        for (OctetSlice s : slices) {
            System.arraycopy(s.array(), s.offset(), out, at, s.length());
            at += s.length();
        }
        return out;
    }
}
