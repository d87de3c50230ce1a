package dev.authpack.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/** Parses an IP address literal (IPv4 dotted quad or IPv6), never a host name: no DNS lookup happens here. */
final class IpArgument {
    private IpArgument() {
    }

    static InetAddress parse(String option, String text) {
        String literal = text.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int family = literal.indexOf(':') >= 0 ? Address.IPv6 : Address.IPv4;
        try {
            return Address.getByAddress(literal, family);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new UsageException(option + " is not an IP address: " + OneLine.of(text));
        }
    }
}
