package dev.authpack.iprev;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of an iprev check (RFC 8601 §3).
 *
 * @param status the RFC 8601 result
 * @param ip     the client address in its textual form (RFC 5952)
 * @param names  the PTR names that a forward lookup confirmed (pass), or all names seen (otherwise)
 * @param reason a human reason, never null
 * @param localOverload a {@code temperror} because a lookup it depended on (the PTR lookup, or the forward lookup of
 *               a name that could have confirmed the address) was not sent, this server's DNS resolver being at its
 *               bound ({@link dev.authpack.dns.DnsLookup#localOverload()}): it says nothing about the client's DNS,
 *               as for SPF, DKIM and DMARC. Only ever true for {@code temperror}.
 */
public record IprevResult(IprevStatus status, String ip, List<String> names, String reason, boolean localOverload) {
    public IprevResult {
        Objects.requireNonNull(status, "status");
        names = List.copyOf(names);
        if (localOverload && status != IprevStatus.TEMPERROR) {
            throw new IllegalArgumentException("a local overload is a temperror, not " + status);
        }
    }

    /** A result that is not a temperror caused by a local overload. */
    public IprevResult(IprevStatus status, String ip, List<String> names, String reason) {
        this(status, ip, names, reason, false);
    }

    public boolean passed() {
        return status == IprevStatus.PASS;
    }
}
