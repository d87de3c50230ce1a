package dev.authpack.relay;

import dev.authpack.dns.DomainNames;
import dev.authpack.dns.IpRange;
import dev.authpack.dns.IpLiterals;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Client hosts: IP addresses, CIDR ranges and host names. A name matches the client's <em>verified</em> reverse
 * name (a PTR name whose forward lookup gives the client address back, RFC 8601 §3; the SMTP hook verifies it
 * through the pack's resolver). {@code *.example.net} matches any name below
 * example.net, not example.net itself. This class never resolves anything: the caller supplies the name.
 * An IPv6 link-local or zoned client ({@link IpLiterals#isLinkScoped}) matches no entry, and no entry may hold
 * link-local addresses (review s21: the client is compared without its zone).
 */
public final class HostList {
    private static final HostList EMPTY = new HostList(List.of(), List.of(), List.of());

    private final List<IpRange> ranges;
    private final List<String> exactNames;
    private final List<String> nameSuffixes; // ".example.net" for "*.example.net"

    private HostList(List<IpRange> ranges, List<String> exactNames, List<String> nameSuffixes) {
        this.ranges = List.copyOf(ranges);
        this.exactNames = List.copyOf(exactNames);
        this.nameSuffixes = List.copyOf(nameSuffixes);
    }

    public static HostList empty() {
        return EMPTY;
    }

    /**
     * @param entries IP addresses, CIDR ranges, host names and {@code *.suffix} patterns
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static HostList of(List<String> entries) {
        List<IpRange> ranges = new ArrayList<>();
        List<String> exact = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        for (String entry : entries) {
            if (looksLikeAddress(entry)) {
                IpRange range = IpRange.parse(entry);
                if (range.overlapsLinkLocal()) {
                    // a client is matched without its zone: such an entry would trust the address on every link
                    throw new IllegalArgumentException("'" + entry + "' holds IPv6 link-local addresses (fe80::/10):"
                            + " a client is matched without its zone (fe80::1%eth0), so it would be trusted on every"
                            + " link of this server, and this file cannot name a zone; link-local clients match no"
                            + " entry: give the client a global or ULA (fc00::/7) address and list that");
                }
                ranges.add(range);
            } else if (entry.startsWith("*.")) {
                suffixes.add("." + hostName(entry.substring(2), entry));
            } else if (entry.contains("*")) {
                throw new IllegalArgumentException("'" + entry + "': a wildcard is only allowed as '*.' at the start");
            } else {
                exact.add(hostName(entry, entry));
            }
        }
        return new HostList(ranges, exact, suffixes);
    }

    /** Combines two lists (used when a key is repeated). */
    HostList plus(HostList other) {
        List<IpRange> r = new ArrayList<>(ranges);
        r.addAll(other.ranges);
        List<String> e = new ArrayList<>(exactNames);
        e.addAll(other.exactNames);
        List<String> s = new ArrayList<>(nameSuffixes);
        s.addAll(other.nameSuffixes);
        return new HostList(r, e, s);
    }

    /**
     * @param clientIp   the client's address
     * @param clientName the client's verified reverse name, if it has one
     * @return the entry that matched, if any
     */
    public Optional<String> match(InetAddress clientIp, Optional<String> clientName) {
        if (IpLiterals.isLinkScoped(clientIp)) {
            // the same address (and so its verified name) is another host on each link: no entry names it (s21)
            return Optional.empty();
        }
        for (IpRange range : ranges) {
            if (range.contains(clientIp)) {
                return Optional.of(range.toString());
            }
        }
        Optional<String> name = clientName.filter(n -> !IpLiterals.isLiteral(n)).flatMap(DomainNames::normalize);
        if (name.isPresent()) {
            String n = name.get();
            for (String exact : exactNames) {
                if (n.equals(exact)) {
                    return Optional.of(exact);
                }
            }
            for (String suffix : nameSuffixes) {
                if (n.endsWith(suffix)) {
                    return Optional.of("*" + suffix);
                }
            }
        }
        return Optional.empty();
    }

    /** True when some entry is a host name, i.e. when callers must supply the client's reverse name. */
    public boolean usesNames() {
        return !exactNames.isEmpty() || !nameSuffixes.isEmpty();
    }

    public boolean isEmpty() {
        return ranges.isEmpty() && exactNames.isEmpty() && nameSuffixes.isEmpty();
    }

    public int size() {
        return ranges.size() + exactNames.size() + nameSuffixes.size();
    }

    private static boolean looksLikeAddress(String entry) {
        // Digits and dots only (a mistyped IPv4 address must not become a "host name"), or ':' or '/'.
        return entry.indexOf(':') >= 0 || entry.indexOf('/') >= 0
                || entry.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    }

    private static String hostName(String text, String entry) {
        String name = DomainNames.normalize(text).orElseThrow(
                () -> new IllegalArgumentException("'" + entry + "' is neither an IP address, a CIDR range nor a host name"));
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + entry + "' is neither an IP address, a CIDR range nor a host name");
        }
        return name;
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        ranges.forEach(r -> all.add(r.toString()));
        all.addAll(exactNames);
        nameSuffixes.forEach(s -> all.add("*" + s));
        return String.join(", ", all);
    }
}
