package dev.authpack.conformance.charset;

/** Strict UTF-8 validation (RFC 3629 section 4: no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {

    private Utf8() {
    }

    /**
     * Whether {@code text[0, length)} is well-formed UTF-8; with {@code truncated}, a sequence cut by the end of
     * the examined prefix is accepted.
     */
    static boolean isValid(byte[] text, int length, boolean truncated) {
        int i = 0;
        while (i < length) {
            int b = text[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + need >= length) {
                // sequence runs past the examined prefix
                if (!truncated) {
                    return false;
                }
                for (int j = i + 1; j < length; j++) {
                    if ((text[j] & 0xC0) != 0x80) {
                        return false;
                    }
                }
                return true;
            }
            int cp = b & (0x3F >> need);
            for (int j = 1; j <= need; j++) {
                int t = text[i + j] & 0xFF;
                if ((t & 0xC0) != 0x80) {
                    return false;
                }
                cp = cp << 6 | (t & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }
}
