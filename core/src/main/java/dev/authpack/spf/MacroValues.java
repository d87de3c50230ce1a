package dev.authpack.spf;

import dev.authpack.dns.IpLiterals;

import java.net.InetAddress;

/**
 * The values the macro letters stand for (RFC 7208 §7.2) at one point of an evaluation.
 *
 * @param sender          {@code s}: the sender, local-part@domain
 * @param localPart       {@code l}
 * @param senderDomain    {@code o}
 * @param domain          {@code d}: the domain whose record is being evaluated
 * @param ip              {@code i}, {@code c}, {@code v}: the client (IPv4-mapped addresses already normalised)
 * @param helo            {@code h}
 * @param receiver        {@code r}
 * @param timestamp       {@code t}: seconds since the epoch
 * @param validatedDomain {@code p}: resolved beforehand (it needs DNS); null means "unknown"
 */
record MacroValues(String sender, String localPart, String senderDomain, String domain, InetAddress ip,
                   String helo, String receiver, long timestamp, String validatedDomain) {

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    MacroValues withValidatedDomain(String p) {
        return new MacroValues(sender, localPart, senderDomain, domain, ip, helo, receiver, timestamp, p);
    }

    String value(char letter) {
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> localPart;
            case 'o' -> senderDomain;
            case 'd' -> domain;
            case 'i' -> dotted(ip);
            case 'p' -> validatedDomain == null ? "unknown" : validatedDomain;
            case 'v' -> IpLiterals.isV4(ip) ? "in-addr" : "ip6";
            case 'h' -> helo;
            case 'c' -> IpLiterals.text(ip);
            case 'r' -> receiver;
            case 't' -> Long.toString(timestamp);
            default -> throw new IllegalArgumentException("not a macro letter: " + letter);
        };
    }

    /**
     * The {@code i} macro (§7.3): dotted quad for IPv4, 32 dot-separated nibbles for IPv6. Nibbles are upper
     * case: DNS names are case-insensitive, and the openspf suite expects upper case in explanations.
     */
    private static String dotted(InetAddress address) {
        if (IpLiterals.isV4(address)) {
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
}
