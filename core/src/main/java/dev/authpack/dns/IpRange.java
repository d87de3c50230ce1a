package dev.authpack.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A single address or a CIDR range (RFC 4632 §3.1, RFC 4291 §2.3), IPv4 or IPv6.
 *
 * @param network      the first address of the range (host bits zero)
 * @param prefixLength 1..32 for IPv4, 1..128 for IPv6 (32/128 for a single address)
 */
public record IpRange(InetAddress network, int prefixLength) {

    public IpRange {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 1 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
    }

    /**
     * Parses {@code 192.0.2.7}, {@code 192.0.2.0/24}, {@code 2001:db8::/32}, {@code ::1}. Strict: a prefix of
     * 0 (every address: an open relay), host bits set ({@code 192.0.2.7/24}, usually a typo) and IPv4-mapped IPv6
     * ranges are refused.
     *
     * @throws IllegalArgumentException with a message for the administrator
     */
    public static IpRange parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = IpLiterals.parse(addressText).orElseThrow(
                () -> new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range"));
        if (addressText.indexOf(':') >= 0 && IpLiterals.isV4(address)) {
            throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped IPv6 address: write it as IPv4 ("
                    + address.getHostAddress() + "); IPv4-mapped clients are matched against IPv4 entries");
        }
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "': bad prefix length '" + p + "'");
            }
            prefix = Integer.parseInt(p);
            if (prefix == 0) {
                throw new IllegalArgumentException("'" + text + "' matches every address: that would be an open relay");
            }
            if (prefix > bits) {
                throw new IllegalArgumentException("'" + text + "': prefix length " + prefix + " is more than "
                        + bits + " for an IPv" + (bits == 32 ? "4" : "6") + " address");
            }
        }
        InetAddress network = mask(address, prefix);
        if (!network.equals(address)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; the range is "
                    + network.getHostAddress() + "/" + prefix);
        }
        return new IpRange(network, prefix);
    }

    /** True when {@code client} (IPv4-mapped IPv6 taken as IPv4) lies in this range. */
    public boolean contains(InetAddress client) {
        return IpLiterals.inNetwork(IpLiterals.normalize(client).getAddress(), network.getAddress(), prefixLength);
    }

    /** True when this range holds IPv6 link-local addresses: inside fe80::/10 or over it (review s21). */
    public boolean overlapsLinkLocal() {
        return IpLiterals.overlapsLinkLocal(network.getAddress(), prefixLength);
    }

    private static InetAddress mask(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] = (byte) (b[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return IpLiterals.text(network) + "/" + prefixLength;
    }
}
