package dev.authpack.spf;

/**
 * One parsed mechanism (RFC 7208 §5). Fields not used by a kind are null / -1.
 *
 * @param kind    which mechanism
 * @param domain  the domain-spec ({@code include}, {@code exists}: required; {@code a}, {@code mx},
 *                {@code ptr}: null means the current domain)
 * @param cidr4   IPv4 prefix length ({@code a}, {@code mx}, {@code ip4})
 * @param cidr6   IPv6 prefix length ({@code a}, {@code mx}, {@code ip6})
 * @param network the network address of {@code ip4} (4 bytes) or {@code ip6} (16 bytes)
 */
record Mechanism(Kind kind, MacroString domain, int cidr4, int cidr6, byte[] network) {

    enum Kind {
        ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS;

        /** Counts against the limit of 10 DNS-querying terms (§4.6.4). */
        boolean queriesDns() {
            return this != ALL && this != IP4 && this != IP6;
        }
    }
}
