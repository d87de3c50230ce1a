package dev.authpack.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Domain name helpers shared by the resolvers: normalisation, validation, reverse names. */
public final class DnsNames {

    /** RFC 1035 §2.3.4: a label is at most 63 octets. */
    public static final int MAX_LABEL_LENGTH = 63;
    /** RFC 1035 §2.3.4: 255 octets on the wire, i.e. 253 characters in text without the trailing dot. */
    public static final int MAX_NAME_LENGTH = 253;

    private DnsNames() {
    }

    /** Lower case (ASCII rules), one trailing dot removed; null becomes "". */
    public static String normalize(String name) {
        if (name == null) {
            return "";
        }
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /**
     * Why a normalised name cannot be queried, or empty if it can. Labels may hold any visible ASCII character
     * (SPF macros can put a local part into a name), but no spaces, controls or non-ASCII characters.
     */
    public static Optional<String> problem(String normalized) {
        if (normalized.isEmpty()) {
            return Optional.of("empty domain name");
        }
        if (normalized.length() > MAX_NAME_LENGTH) {
            return Optional.of("domain name longer than " + MAX_NAME_LENGTH + " characters");
        }
        int labelStart = 0;
        for (int i = 0; i <= normalized.length(); i++) {
            if (i == normalized.length() || normalized.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0) {
                    return Optional.of("empty label in domain name");
                }
                if (len > MAX_LABEL_LENGTH) {
                    return Optional.of("label longer than " + MAX_LABEL_LENGTH + " characters in domain name");
                }
                labelStart = i + 1;
            } else {
                char c = normalized.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    return Optional.of("domain name contains a space, control or non-ASCII character");
                }
            }
        }
        return Optional.empty();
    }

    /** The absolute dnsjava name of a valid normalised name; characters that are special in text are escaped. */
    static Name toName(String normalized) throws TextParseException {
        StringBuilder sb = new StringBuilder(normalized.length() + 8);
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '*') {
                sb.append(c);
            } else {
                // \DDD: RFC 1035 §5.1 escape, so '\', '@', '(' and friends stay plain label octets
                sb.append('\\').append(String.format(Locale.ROOT, "%03d", (int) c));
            }
        }
        sb.append('.');
        return Name.fromString(sb.toString());
    }

    /** A dnsjava name as the engine spells names: lower case, no trailing dot. */
    static String fromName(Name name) {
        return normalize(name.toString());
    }

    /**
     * The PTR query name of an address: {@code 4.3.2.1.in-addr.arpa} (RFC 1035 §3.5) or the 32 reversed nibbles
     * under {@code ip6.arpa} (RFC 3596 §2.5). No trailing dot.
     */
    public static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder(address instanceof Inet4Address ? 29 : 73);
        if (address instanceof Inet4Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0x0f, 16)).append('.');
            sb.append(Character.forDigit((b[i] >> 4) & 0x0f, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }
}
