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
 */
public record IprevResult(IprevStatus status, String ip, List<String> names, String reason) {
    public IprevResult {
        Objects.requireNonNull(status, "status");
        names = List.copyOf(names);
    }

    public boolean passed() {
        return status == IprevStatus.PASS;
    }
}
