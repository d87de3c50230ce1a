package dev.authpack.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The IPv6 prefixes of the operator's own IPv4/IPv6 translators (stateless SIIT, RFC 7915, or NAT64, RFC 6146),
 * under which an IPv4 client reaches us as an IPv4-embedded IPv6 address (RFC 6052): such a client is checked as
 * the IPv4 address it embeds ({@link #client}), for SPF {@code ip4:}, iprev under {@code in-addr.arpa}, DMARC, the
 * relay policy, the {@code Authentication-Results} field and the per-client quotas. The one RFC 6052 reader of the
 * pack: every adapter (MailAuthCheck, SessionAuthCheck, the relay policy, the CLI) and {@code ClientQuota} use it.
 *
 * <p>Opt-in, nothing guessed: {@link #NONE} (the default everywhere) translates nothing. Whoever can send from
 * inside a listed prefix can claim any IPv4 address, so only prefixes the operator's own translator owns belong
 * here (docs/security.md).
 *
 * <p>RFC 6052 §2.2: a prefix is 32, 40, 48, 56, 64 or 96 bits long; the IPv4 address follows it, skipping bits 64
 * to 71 (the "u" octet, which MUST be zero), then the suffix (reserved, ignored here). The well-known prefix
 * {@code 64:ff9b::/96} (§2.1) and the local-use {@code 64:ff9b:1::/48} (RFC 8215) are listed like any other. An
 * address of a listed prefix whose u octet is not zero is no IPv4-embedded address and stays what it is.
 *
 * <p>RFC 6052 §3.1: the well-known prefix MUST NOT embed a non-global IPv4 address (translators drop such packets),
 * so an address of {@code 64:ff9b::/96} embedding one ({@code 64:ff9b::127.0.0.1}, {@code 64:ff9b::10.0.0.1}: RFC
 * 6890's special-purpose blocks, {@link SpecialPurposeIpv4}) did not come through a translator and stays the IPv6
 * address it is: read as the loopback or an internal address it would get what relay policies trust
 * (review s20). A network-specific prefix (the operator's own, or the local-use {@code 64:ff9b:1::/48}) may embed
 * any address, private ones included (§3.1), and is read whatever it embeds, except the addresses no packet's source
 * can have through any translator (0/8, the loopback 127/8, multicast and 240/4: {@link SpecialPurposeIpv4#isNeverASource}).
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, RFC 4291 §2.5.5.2) is its IPv4 address whatever the
 * prefixes (RFC 7208 §5: SPF treats it as IPv4).
 */
public final class TranslatorPrefixes {
    /** The prefix lengths RFC 6052 §2.2 defines. */
    public static final List<Integer> LENGTHS = List.of(32, 40, 48, 56, 64, 96);
    /** The most prefixes one list may hold (a site has one or two translators). */
    public static final int MAX_PREFIXES = 64;
    /** Nothing translated: the default. */
    public static final TranslatorPrefixes NONE = new TranslatorPrefixes(List.of());

    private static final String ACCEPTED = "accepted: a comma-separated list of at most " + MAX_PREFIXES
            + " IPv6 prefixes of length 32, 40, 48, 56, 64 or 96 (RFC 6052 §2.2) that your own SIIT/NAT64"
            + " translator owns, with no bits set past the length (at /96 bits 64-71 zero), and not inside one"
            + " another, such as 64:ff9b::/96 or 2001:db8:64::/48";

    private static final byte[] LOOPBACK = IpLiterals.ipv6Bytes("::1");
    private static final byte[] V4_MAPPED = IpLiterals.ipv6Bytes("::ffff:0:0");
    /** The well-known prefix {@code 64:ff9b::} (/96), RFC 6052 §2.1. */
    private static final byte[] WELL_KNOWN = IpLiterals.ipv6Bytes("64:ff9b::");

    /**
     * {@code 64:ff9b::/96} and {@code 64:ff9b:1::/96} (the /96 of the local-use {@code 64:ff9b:1::/48}): the quotas'
     * fixed reading (review s18), where an error costs fairness only, never a verdict.
     */
    public static final TranslatorPrefixes WELL_KNOWN_96 = parse("WELL_KNOWN_96", "64:ff9b::/96, 64:ff9b:1::/96");

    /** The prefixes, sorted by their text, none inside another. */
    private final List<Prefix> prefixes;

    private TranslatorPrefixes(List<Prefix> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    /**
     * Reads a list of prefixes ({@code 64:ff9b::/96, 2001:db8:64::/48}), separated by commas and/or white space;
     * null or blank: {@link #NONE}.
     *
     * @param name the parameter's name, for the message
     * @throws IllegalArgumentException naming {@code name}, the entry and what is accepted
     */
    public static TranslatorPrefixes parse(String name, String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        TreeMap<String, Prefix> sorted = new TreeMap<>();
        for (String entry : text.strip().split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            Prefix p = prefix(name, entry);
            for (Prefix other : sorted.values()) {
                int shorter = Math.min(p.length, other.length);
                if (IpLiterals.inNetwork(p.network, other.network, shorter)) {
                    throw bad(name, entry, other.equals(p) ? "listed twice"
                            : "overlaps " + other + " (which prefix embeds the address would be a guess)");
                }
            }
            sorted.put(p.toString(), p);
            if (sorted.size() > MAX_PREFIXES) {
                throw new IllegalArgumentException(name + ": more than " + MAX_PREFIXES + " prefixes; " + ACCEPTED);
            }
        }
        return sorted.isEmpty() ? NONE : new TranslatorPrefixes(new ArrayList<>(sorted.values()));
    }

    private static Prefix prefix(String name, String entry) {
        int slash = entry.indexOf('/');
        if (slash < 0) {
            throw bad(name, entry, "no prefix length");
        }
        String addressText = entry.substring(0, slash);
        String lengthText = entry.substring(slash + 1);
        byte[] network = addressText.indexOf(':') >= 0 ? IpLiterals.ipv6Bytes(addressText) : null;
        if (network == null) {
            throw bad(name, entry, "not an IPv6 prefix");
        }
        int length = LENGTHS.stream().filter(l -> String.valueOf(l).equals(lengthText)).findFirst().orElse(-1);
        if (length < 0) {
            throw bad(name, entry, "the length is not one RFC 6052 defines");
        }
        for (int bit = length; bit < 128; bit++) {
            if ((network[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw bad(name, entry, "bits are set past the length");
            }
        }
        if (network[8] != 0) {
            throw bad(name, entry, "bits 64-71 (the u octet) must be zero");
        }
        if (IpLiterals.overlapsLinkLocal(network, length)) {
            throw bad(name, entry, "it is inside the IPv6 link-local fe80::/10 (the same address on every link;"
                    + " a translator's prefix is global or ULA)");
        }
        if (IpLiterals.inNetwork(LOOPBACK, network, length) || IpLiterals.inNetwork(network, V4_MAPPED, 96)) {
            throw bad(name, entry, "it holds ::1 or IPv4-mapped addresses (::ffff:0:0/96, IPv4 already)");
        }
        return new Prefix(network, length);
    }

    private static IllegalArgumentException bad(String name, String entry, String why) {
        return new IllegalArgumentException(name + ": '" + entry + "': " + why + "; " + ACCEPTED);
    }

    /**
     * The address to check for a client connecting from {@code address}: the IPv4 address embedded in it when it is
     * inside one of these prefixes (RFC 6052 §2.2); an IPv4-mapped address's IPv4 address; else {@code address}.
     * Null stays null.
     */
    public InetAddress client(InetAddress address) {
        return client(address, true);
    }

    /**
     * {@link #client}, without RFC 6052 §3.1's rule for the well-known prefix: whatever address {@code 64:ff9b::/96}
     * embeds is read. Only for the quotas' keying ({@code ClientQuota}), where a wrong reading costs fairness,
     * never a verdict or trust: a source that can claim a non-global address there can claim any global one too.
     */
    public InetAddress embeddedClient(InetAddress address) {
        return client(address, false);
    }

    private InetAddress client(InetAddress address, boolean globalOnlyUnderWellKnown) {
        if (address == null) {
            return null;
        }
        InetAddress a = IpLiterals.normalize(address);
        if (a instanceof Inet4Address || prefixes.isEmpty()) {
            return a;
        }
        byte[] b = a.getAddress();
        for (Prefix p : prefixes) {
            if (IpLiterals.inNetwork(b, p.network, p.length)) {
                InetAddress v4 = embeddedIpv4(b, p.length);
                if (v4 == null || globalOnlyUnderWellKnown && (SpecialPurposeIpv4.isNeverASource(v4.getAddress())
                        || p.isWellKnown() && SpecialPurposeIpv4.isNotGlobal(v4.getAddress()))) {
                    return a;
                }
                return v4;
            }
        }
        return a;
    }

    /**
     * RFC 6052 §2.2: the IPv4 address embedded in the 16 octets {@code address} after a prefix of {@code length}
     * bits (32, 40, 48, 56, 64 or 96); its four octets follow the prefix, skipping octet 8 (bits 64-71, the u octet).
     * Null when the length is not one of those or the u octet is not zero (no IPv4-embedded address).
     */
    public static InetAddress embeddedIpv4(byte[] address, int length) {
        if (address.length != 16 || !LENGTHS.contains(length) || address[8] != 0) {
            return null;
        }
        byte[] v4 = new byte[4];
        int at = length / 8;
        for (int i = 0; i < 4; i++, at++) {
            if (at == 8) {
                at++;
            }
            v4[i] = address[at];
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("four octets are always an IPv4 address", impossible);
        }
    }

    public boolean isEmpty() {
        return prefixes.isEmpty();
    }

    /** The length of each prefix, in the order of {@link #toString}. */
    public List<Integer> prefixLengths() {
        return prefixes.stream().map(Prefix::length).toList();
    }

    /** The prefixes in RFC 5952 text, sorted, comma-separated; {@code none} when there are none. */
    @Override
    public String toString() {
        if (prefixes.isEmpty()) {
            return "none";
        }
        return String.join(", ", prefixes.stream().map(Prefix::toString).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TranslatorPrefixes other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** One prefix: its 16 octets (zero past the length) and its length. */
    private record Prefix(byte[] network, int length) {
        /** Whether this is the well-known prefix {@code 64:ff9b::/96} (RFC 6052 §2.1). */
        boolean isWellKnown() {
            return length == 96 && java.util.Arrays.equals(network, WELL_KNOWN);
        }

        @Override
        public String toString() {
            try {
                return IpLiterals.text(InetAddress.getByAddress(network)) + "/" + length;
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Prefix p && p.length == length && java.util.Arrays.equals(p.network, network);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(network) * 31 + length;
        }
    }
}
