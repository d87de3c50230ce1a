package dev.authpack.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The one parser and printer of IP address literals: every caller (relay policy, SPF {@code ip4:}/{@code ip6:},
 * the client address James reports, address literals in mail addresses, CLI options) reads addresses here.
 *
 * <ul>
 *   <li>Parsing never touches DNS ({@code InetAddress.getByName("mail.example")} would resolve): the text is parsed
 *       to bytes by the RFC 4291 §2.2 / RFC 7208 §5.6 grammar here and only then made an {@link InetAddress}.</li>
 *   <li>IPv4 is a dotted quad of decimal octets without leading zeros ({@code 010} is octal to some tools); IPv6 is
 *       any RFC 4291 §2.2 text form ({@code ::}, a trailing dotted quad), without zone id.</li>
 *   <li>An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}, RFC 4291 §2.5.5.2) is the IPv4 address it carries
 *       ({@link #normalize}); RFC 7208 §5 asks the same of SPF.</li>
 *   <li>Addresses are written the RFC 5952 way ({@code 2001:db8::1}, not Java's long form): {@link #text}.</li>
 * </ul>
 */
public final class IpLiterals {
    /** Longest text considered an address literal (an IPv6 text form with a dotted quad is 45 characters). */
    public static final int MAX_TEXT_LENGTH = 64;

    private IpLiterals() {
    }

    /**
     * Parses a dotted-quad IPv4 or an IPv6 literal; surrounding brackets are accepted. An IPv4-mapped IPv6 text
     * gives the IPv4 address (as the JDK does).
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
            return Optional.empty();
        }
        String t = text;
        if (t.startsWith("[") && t.endsWith("]") && t.length() > 2) {
            t = t.substring(1, t.length() - 1);
        }
        byte[] bytes = t.indexOf(':') >= 0 ? ipv6Bytes(t) : ipv4Bytes(t);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException impossible) {
            return Optional.empty();
        }
    }

    /**
     * The client address as a server reports it ({@code Mail.getRemoteAddr()}): surrounding white space and
     * brackets removed, and the RFC 4007 §11 zone id of an IPv6 address ({@code fe80::1%eth0}, as the JDK reports
     * link-local clients) dropped: it names our interface, nothing SPF or iprev look at.
     */
    public static Optional<InetAddress> parseClientAddress(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]") && t.length() > 2) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone > 0 && t.indexOf(':') >= 0) {
            t = t.substring(0, zone);
        }
        return parse(t);
    }

    /** fe80::/10, the IPv6 link-local unicast prefix (RFC 4291 §2.5.6). */
    private static final byte[] LINK_LOCAL = {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** The length of {@link #LINK_LOCAL}. */
    public static final int LINK_LOCAL_PREFIX = 10;

    /**
     * True for an address that names a host only together with a link: inside fe80::/10 (RFC 4291 §2.5.6), or an
     * IPv6 address that carries a zone (RFC 4007 §11, the JDK's scope id). The same bytes name another host on
     * each link of this server (review s21).
     */
    public static boolean isLinkScoped(InetAddress address) {
        return address instanceof Inet6Address v6
                && (v6.isLinkLocalAddress() || v6.getScopeId() != 0 || v6.getScopedInterface() != null);
    }

    /** True when the IPv6 range {@code network}/{@code prefix} holds link-local addresses (inside or over fe80::/10). */
    public static boolean overlapsLinkLocal(byte[] network, int prefix) {
        return network.length == 16 && inNetwork(network, LINK_LOCAL, Math.min(prefix, LINK_LOCAL_PREFIX));
    }

    /** True when the text is an IP literal (a reverse name that is just the address text is no name at all). */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    /** An IPv4-mapped IPv6 address (also one built from bytes) becomes its IPv4 address; others stay as they are. */
    public static InetAddress normalize(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isV4Mapped(b)) {
            try {
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException("four bytes are always an IPv4 address", impossible);
            }
        }
        return address;
    }

    public static boolean isV4(InetAddress address) {
        return address instanceof Inet4Address;
    }

    /** RFC 7208 §5.6 {@code ip4-network}: four {@code qnum}s, no leading zeros; null when invalid. */
    public static byte[] ipv4Bytes(String text) {
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

    /**
     * RFC 7208 §5.6 {@code ip6-network} in any RFC 4291 §2.2 text form ("::", trailing dotted quad), 16 bytes as
     * written (an IPv4-mapped address stays 16 bytes); null when invalid.
     */
    public static byte[] ipv6Bytes(String text) {
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

    /** Whether the first {@code prefix} bits of {@code address} and {@code network} agree (same length arrays). */
    public static boolean inNetwork(byte[] address, byte[] network, int prefix) {
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

    /**
     * The text form as people and RFC 5952 write it: dotted quad, or {@code 2001:db8::1} (lower case, the longest
     * run of two or more zero groups as "::"), never Java's long form.
     */
    public static String text(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // RFC 5952 §4.2: the longest run (first if tied) of two or more zero groups becomes "::"
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
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
                byte[] v4 = ipv4Bytes(last);
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
}
