package dev.authpack.cli;

import dev.authpack.dns.IpLiterals;

import java.net.InetAddress;

/** Parses an IP address literal (IPv4 dotted quad or IPv6), never a host name: no DNS lookup happens here. */
final class IpArgument {
    private IpArgument() {
    }

    static InetAddress parse(String option, String text) {
        return IpLiterals.parse(text.strip()).orElseThrow(
                () -> new UsageException(option + " is not an IP address: " + OneLine.of(text)));
    }
}
