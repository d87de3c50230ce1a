package dev.authpack.dns;

/**
 * RFC 6890 (and its updates): the IPv4 special-purpose blocks that are not globally reachable, which RFC 6052 §3.1
 * forbids under the well-known prefix {@code 64:ff9b::/96}. {@code 192.0.0.0/24} is taken whole (its two global
 * anycast addresses, RFC 7723 and RFC 8155, are no mail clients), as is {@code 240.0.0.0/4} with the limited
 * broadcast address.
 */
final class SpecialPurposeIpv4 {
    /** Each block as {network (32 bits), prefix length}. */
    private static final long[][] NOT_GLOBAL = {
            block(0, 0, 0, 0, 8),          // "this network", RFC 791
            block(10, 0, 0, 0, 8),         // private use, RFC 1918
            block(100, 64, 0, 0, 10),      // shared address space, RFC 6598
            block(127, 0, 0, 0, 8),        // loopback, RFC 1122
            block(169, 254, 0, 0, 16),     // link local, RFC 3927
            block(172, 16, 0, 0, 12),      // private use, RFC 1918
            block(192, 0, 0, 0, 24),       // IETF protocol assignments, RFC 6890
            block(192, 0, 2, 0, 24),       // documentation TEST-NET-1, RFC 5737
            block(192, 168, 0, 0, 16),     // private use, RFC 1918
            block(198, 18, 0, 0, 15),      // benchmarking, RFC 2544
            block(198, 51, 100, 0, 24),    // documentation TEST-NET-2, RFC 5737
            block(203, 0, 113, 0, 24),     // documentation TEST-NET-3, RFC 5737
            block(224, 0, 0, 0, 4),        // multicast, RFC 5771
            block(240, 0, 0, 0, 4),        // reserved, RFC 1112 (with 255.255.255.255, RFC 919)
    };

    private SpecialPurposeIpv4() {
    }

    /** Whether the four octets are in one of the blocks above. */
    static boolean isNotGlobal(byte[] v4) {
        if (v4.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + v4.length + " octets");
        }
        long a = ((v4[0] & 0xffL) << 24) | ((v4[1] & 0xffL) << 16) | ((v4[2] & 0xffL) << 8) | (v4[3] & 0xffL);
        for (long[] b : NOT_GLOBAL) {
            long mask = (0xffff_ffffL << (32 - b[1])) & 0xffff_ffffL;
            if ((a & mask) == b[0]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the four octets are an address no packet's source can have through any translator: "this network"
     * (0/8), the loopback (127/8), multicast (224/4) and the reserved 240/4 with the limited broadcast address (RFC
     * 6890; RFC 7915 §4.1 translators drop them). Read out of a network-specific prefix, they would be the addresses
     * relay policies trust most, so no prefix gives them (review s20).
     */
    static boolean isNeverASource(byte[] v4) {
        int first = v4[0] & 0xff;
        return first == 0 || first == 127 || first >= 224;
    }

    private static long[] block(int a, int b, int c, int d, int length) {
        return new long[] {((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d, length};
    }
}
