package dev.authpack.cli;

import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.TranslatorPrefixes;

import java.net.InetAddress;

/** Parses an IP address literal (IPv4 dotted quad or IPv6), never a host name: no DNS lookup happens here. */
final class IpArgument {
    private IpArgument() {
    }

    static InetAddress parse(String option, String text) {
        return IpLiterals.parse(text.strip()).orElseThrow(
                () -> new UsageException(option + " is not an IP address: " + OneLine.of(text)));
    }

    /**
     * The client address of {@code --client-ip} (null when not given) read through {@code --translator-prefixes}
     * as MailAuthCheck reads James' remote address: an IPv4 client of the operator's SIIT/NAT64 translator is the
     * IPv4 address it embeds (RFC 6052). A bad prefix list is a usage error naming what is accepted.
     */
    static InetAddress client(String clientIp, String translatorPrefixes) {
        TranslatorPrefixes prefixes;
        try {
            prefixes = TranslatorPrefixes.parse("--translator-prefixes", translatorPrefixes);
        } catch (IllegalArgumentException e) {
            throw new UsageException(OneLine.of(e.getMessage()));
        }
        return clientIp == null || clientIp.isBlank() ? null : prefixes.client(parse("--client-ip", clientIp));
    }
}
