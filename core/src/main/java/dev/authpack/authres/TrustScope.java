package dev.authpack.authres;

import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.IpRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where mail must have come from for the fields of one trusted authserv-id to be believed (docs/HasAuthResult.md,
 * "Trust is bound to the path"). Written after the id in {@code trusted-authserv}:
 * <ul>
 *   <li>{@code filter.example.net@10.1.0.0/16}: the SMTP client was in that network (an address or CIDR range;
 *       repeat the id for more networks);</li>
 *   <li>{@code filter.example.net} (bare): the client was in the receiving server's own trusted networks
 *       (James' {@code authorizedAddresses}). Before this release a bare id was believed from anywhere; binding it
 *       to the networks the administrator already trusts fails closed without breaking a gateway that is one;</li>
 *   <li>{@code filter.example.net@any}: from any client. Only safe when nothing but that server can reach us.</li>
 * </ul>
 *
 * @param anywhere    believed whoever the client is ({@code @any})
 * @param ownNetworks believed from the receiving server's own trusted networks (the bare id)
 * @param networks    believed from these networks
 */
public record TrustScope(boolean anywhere, boolean ownNetworks, List<IpRange> networks) {
    public static final String ANY = "any";
    public static final TrustScope ANYWHERE = new TrustScope(true, false, List.of());
    public static final TrustScope OWN_NETWORKS = new TrustScope(false, true, List.of());

    public TrustScope {
        networks = List.copyOf(Objects.requireNonNull(networks, "networks"));
    }

    /**
     * The scope written after {@code @}: {@code any}, an IP address or a CIDR range.
     *
     * @throws IllegalArgumentException with a message for the administrator
     */
    public static TrustScope parse(String text) {
        String t = text.strip();
        if (t.toLowerCase(Locale.ROOT).equals(ANY)) {
            return ANYWHERE;
        }
        IpRange range;
        try {
            range = IpRange.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + t + "' after '@' is neither 'any' nor an IP address or CIDR range: "
                    + e.getMessage(), e);
        }
        if (range.overlapsLinkLocal()) {
            // a client is compared without its zone: such a scope would admit the address on every link (s21)
            throw new IllegalArgumentException("'" + t + "' after '@' holds IPv6 link-local addresses (fe80::/10), the"
                    + " same address on every link of this server; use the server's global or ULA (fc00::/7) address");
        }
        return new TrustScope(false, false, List.of(range));
    }

    /** Both scopes: mail admitted by either is admitted (an id listed several times). */
    public TrustScope plus(TrustScope other) {
        List<IpRange> all = new ArrayList<>(networks);
        other.networks.stream().filter(n -> !all.contains(n)).forEach(all::add);
        return new TrustScope(anywhere || other.anywhere, ownNetworks || other.ownNetworks, all);
    }

    /** Whether mail that arrived so may carry this server's fields. */
    public boolean admits(Arrival arrival) {
        if (anywhere || (ownNetworks && arrival.ownNetwork())) {
            return true;
        }
        // a link-local or zoned client is another host on each link: in no network (review s21)
        return arrival.client().filter(ip -> !IpLiterals.isLinkScoped(ip))
                .map(ip -> networks.stream().anyMatch(n -> n.contains(ip))).orElse(false);
    }

    /** The scope as written after {@code @}, one entry per item ("" for the bare id). */
    public List<String> spellings() {
        List<String> out = new ArrayList<>();
        if (ownNetworks) {
            out.add("");
        }
        if (anywhere) {
            out.add(ANY);
        }
        networks.forEach(n -> out.add(n.toString()));
        return out;
    }
}
