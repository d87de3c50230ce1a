package dev.authpack.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Strict parsing (RFC 7208 §5.6 grammar), matching and the textual forms the macros need (§7.3). */
final class IpAddresses {
    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    private IpAddresses() {
    }

    /**
     * RFC 7208 §5 (paragraph on IPv4-mapped addresses): an IPv4-mapped IPv6 client is an IPv4 client. The JDK
     * already maps textual forms; this also covers addresses built from bytes.
     */
    static InetAddress normalize(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isV4Mapped(b)) {
            try {
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return address;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** {@code ip4-network}: four {@code qnum}s, no leading zeros; null when invalid. */
    static byte[] parseIp4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = parseQnum(parts[i]);
            if (value < 0) {
                return null;
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static int parseQnum(String s) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    /** {@code ip6-network} in any RFC 4291 §2.2 text form ("::", trailing dotted quad); null when invalid. */
    static byte[] parseIp6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = gap >= 0 ? groups(text.substring(0, gap), false) : groups(text, true);
        int[] tail = gap >= 0 ? groups(text.substring(gap + 2), true) : new int[0];
        if (head == null || tail == null) {
            return null;
        }
        int count = head.length + tail.length;
        if (gap >= 0 ? count > 7 : count != 8) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) {
            out[2 * i] = (byte) (head[i] >> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int at = 8 - tail.length + i;
            out[2 * at] = (byte) (tail[i] >> 8);
            out[2 * at + 1] = (byte) tail[i];
        }
        return out;
    }

    /** 16-bit groups of one side of "::"; a dotted quad may end the address (two groups). */
    private static int[] groups(String part, boolean mayEndWithIp4) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] fields = part.split(":", -1);
        if (fields.length > 8) {
            return null;
        }
        String last = fields[fields.length - 1];
        boolean ip4 = mayEndWithIp4 && last.indexOf('.') >= 0;
        int[] out = new int[fields.length + (ip4 ? 1 : 0)];
        for (int i = 0; i < fields.length; i++) {
            if (ip4 && i == fields.length - 1) {
                byte[] v4 = parseIp4(last);
                if (v4 == null) {
                    return null;
                }
                out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
            } else {
                int value = parseHexGroup(fields[i]);
                if (value < 0) {
                    return null;
                }
                out[i] = value;
            }
        }
        return out;
    }

    private static int parseHexGroup(String s) {
        if (s.isEmpty() || s.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            int digit = Character.digit(s.charAt(i), 16);
            if (digit < 0 || s.charAt(i) > 0x7f) {
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /** Whether the first {@code prefix} bits of {@code address} and {@code network} agree (same length arrays). */
    static boolean inNetwork(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    static boolean isV4(InetAddress address) {
        return address instanceof Inet4Address;
    }

    /**
     * The {@code i} macro (§7.3): dotted quad for IPv4, 32 dot-separated nibbles for IPv6. Nibbles are upper
     * case: DNS names are case-insensitive, and the openspf suite expects upper case in explanations.
     */
    static String dotted(InetAddress address) {
        if (isV4(address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        StringBuilder out = new StringBuilder(63);
        for (byte value : b) {
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(HEX_UPPER[(value >> 4) & 0xf]).append('.').append(HEX_UPPER[value & 0xf]);
        }
        return out.toString();
    }

    /** The {@code c} macro (§7.3): dotted quad, or the RFC 5952 form of an IPv6 address. */
    static String readable(InetAddress address) {
        return isV4(address) ? address.getHostAddress() : dev.authpack.dns.AddressText.of(address);
    }
}
