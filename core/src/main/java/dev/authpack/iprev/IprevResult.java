package dev.authpack.iprev;

import java.util.List;

/**
 * The outcome of an iprev check (RFC 8601 §3).
 *
 * @param result the RFC 8601 result word: {@code pass}, {@code fail}, {@code temperror} or {@code permerror}
 * @param ip     the client address in its textual form
 * @param names  the PTR names that a forward lookup confirmed (pass), or all names seen (otherwise)
 * @param reason a human reason, never null
 */
public record IprevResult(String result, String ip, List<String> names, String reason) {
    public IprevResult {
        names = List.copyOf(names);
    }

    public boolean passed() {
        return "pass".equals(result);
    }
}
