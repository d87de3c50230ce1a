package dev.authpack.conformance;

/**
 * One pass over raw message bytes for what is a property of lines, not of MIME: line endings, line lengths and
 * 8-bit octets. Linear in the size, no allocation.
 *
 * @param nonCanonicalEndings a bare LF or a bare CR somewhere (RFC 5322 §2.1: lines end with CRLF)
 * @param lineTooLong         a line of more than {@link #MAX_LINE_LENGTH} octets, line ending excluded
 * @param eightBit            an octet above 127
 */
record LineScan(boolean nonCanonicalEndings, boolean lineTooLong, boolean eightBit) {
    /**
     * RFC 5322 §2.1.1: lines SHOULD be no more than 78 characters, excluding the CRLF. (KumoMTA counts the line
     * ending into its 78 and so already flags 77-octet lines; we follow the RFC.)
     */
    static final int MAX_LINE_LENGTH = 78;

    static LineScan of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    static LineScan of(byte[] bytes, int from, int to) {
        boolean nonCanonical = false;
        boolean tooLong = false;
        int high = 0;
        int lineStart = from;
        for (int i = from; i < to; i++) {
            int b = bytes[i];
            high |= b;
            if (b == '\n') {
                int end = i;
                if (i > from && bytes[i - 1] == '\r') {
                    end--;
                } else {
                    nonCanonical = true;
                }
                if (end - lineStart > MAX_LINE_LENGTH) {
                    tooLong = true;
                }
                lineStart = i + 1;
            } else if (b == '\r' && (i + 1 >= to || bytes[i + 1] != '\n')) {
                nonCanonical = true;
            }
        }
        if (to - lineStart > MAX_LINE_LENGTH) {
            tooLong = true;
        }
        return new LineScan(nonCanonical, tooLong, high < 0);
    }
}
