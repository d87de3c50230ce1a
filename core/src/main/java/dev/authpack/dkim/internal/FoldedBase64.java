package dev.authpack.dkim.internal;

import java.util.Arrays;

/**
 * Decodes a base64 tag value (RFC 6376 §2.6 {@code base64string}: base64 of RFC 4648 §4 with folding whitespace
 * anywhere) straight from the octets of the field, skipping SP, HTAB, CR and LF, without first building the value
 * without its whitespace.
 *
 * <p>It accepts exactly what {@code java.util.Base64.getDecoder()} accepts once the whitespace is removed, and gives
 * the same octets: padding optional, but when present correct ({@code xx==}, {@code xxx=}); nothing but whitespace
 * after it; a last group of one character refused; unused bits of the last character ignored.
 */
public final class FoldedBase64 {
    private static final byte INVALID = -1;
    private static final byte PAD = -2;
    private static final byte SPACE = -3;
    /** The 6-bit value of each base64 character, or one of the markers above. */
    private static final byte[] VALUES = new byte[256];

    static {
        Arrays.fill(VALUES, INVALID);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
        VALUES['='] = PAD;
        VALUES[' '] = SPACE;
        VALUES['\t'] = SPACE;
        VALUES['\r'] = SPACE;
        VALUES['\n'] = SPACE;
    }

    private FoldedBase64() {
    }

    /**
     * The octets {@code b[from, to)} encode, whitespace skipped; an empty array when there is nothing but
     * whitespace; null when it is not valid base64.
     */
    public static byte[] decode(byte[] b, int from, int to) {
        int characters = 0;
        for (int i = from; i < to; i++) {
            if (VALUES[b[i] & 0xff] >= 0) {
                characters++;
            }
        }
        // a valid value has its characters first, then the padding: 6 bits each, the rest of the last octet unused
        byte[] out = new byte[(int) ((long) characters * 6 / 8)];
        int n = 0;
        int bits = 0;
        int quantum = 0;
        int i = from;
        while (i < to) {
            // four characters at a time while they are all base64 (between the folds): one test for the four
            if (quantum == 0) {
                while (i + 4 <= to) {
                    int v0 = VALUES[b[i] & 0xff];
                    int v1 = VALUES[b[i + 1] & 0xff];
                    int v2 = VALUES[b[i + 2] & 0xff];
                    int v3 = VALUES[b[i + 3] & 0xff];
                    if ((v0 | v1 | v2 | v3) < 0) {
                        break;
                    }
                    int group = v0 << 18 | v1 << 12 | v2 << 6 | v3;
                    out[n] = (byte) (group >> 16);
                    out[n + 1] = (byte) (group >> 8);
                    out[n + 2] = (byte) group;
                    n += 3;
                    i += 4;
                }
                if (i == to) {
                    break;
                }
            }
            int v = VALUES[b[i++] & 0xff];
            if (v >= 0) {
                bits = bits << 6 | v;
                if (++quantum == 4) {
                    out[n++] = (byte) (bits >> 16);
                    out[n++] = (byte) (bits >> 8);
                    out[n++] = (byte) bits;
                    bits = 0;
                    quantum = 0;
                }
            } else if (v == PAD) {
                // "x=" and a lone "=" are wrong; "xx" must have "==", "xxx" one "="
                if (quantum < 2) {
                    return null;
                }
                if (quantum == 2) {
                    i = skipSpace(b, i, to);
                    if (i == to || b[i++] != '=') {
                        return null;
                    }
                }
                return skipSpace(b, i, to) == to ? finish(out, n, bits, quantum) : null;
            } else if (v == INVALID) {
                return null;
            }
        }
        return finish(out, n, bits, quantum);
    }

    /** The octets of a last group of 2 or 3 characters; a group of one cannot be decoded. */
    private static byte[] finish(byte[] out, int n, int bits, int quantum) {
        if (quantum == 1) {
            return null;
        }
        if (quantum == 2) {
            out[n] = (byte) (bits >> 4);
        } else if (quantum == 3) {
            out[n] = (byte) (bits >> 10);
            out[n + 1] = (byte) (bits >> 2);
        }
        return out;
    }

    private static int skipSpace(byte[] b, int from, int to) {
        int i = from;
        while (i < to && VALUES[b[i] & 0xff] == SPACE) {
            i++;
        }
        return i;
    }
}
