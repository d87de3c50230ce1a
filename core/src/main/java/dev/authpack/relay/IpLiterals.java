package dev.authpack.relay;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP address literals parsed without ever touching DNS ({@code InetAddress.getByName("mail.example")} would
 * resolve), and the one normalisation every comparison needs: an IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}, RFC 4291 §2.5.5.2) is the IPv4 address it carries.
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    /**
     * Parses dotted-quad IPv4 (four decimal octets, no leading zeros: {@code 010} is octal to some tools) or IPv6
     * text (without zone id). Surrounding brackets are accepted for IPv6.
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        String t = text;
        if (t.startsWith("[") && t.endsWith("]") && t.length() > 2) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.indexOf(':') >= 0) {
            return parseV6(t);
        }
        return parseV4(t);
    }

    /** An IPv4-mapped IPv6 address becomes its IPv4 address; everything else is returned as is. */
    public static InetAddress normalize(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("four bytes are always an IPv4 address", e);
                }
            }
        }
        return address;
    }

    /** True when the text is an IP literal (a reverse name that is just the address text is no name at all). */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    private static Optional<InetAddress> parseV4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return Optional.empty();
            }
            int value = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return Optional.empty();
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<InetAddress> parseV6(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == ':' || c == '.';
            if (!ok) {
                return Optional.empty(); // no zone ids, no host names
            }
        }
        try {
            // With brackets the JDK insists on an IPv6 literal and never falls back to a DNS lookup.
            return Optional.of(InetAddress.getByName("[" + t + "]"));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
