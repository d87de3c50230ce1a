package dev.authpack.spf;

import java.util.Objects;

/**
 * The outcome of one SPF check.
 *
 * @param status      the {@code check_host()} result
 * @param identity    the identity that was checked
 * @param domain      the domain whose policy was evaluated (the MAIL FROM domain, or the HELO name)
 * @param mechanism   the text of the term that decided, without qualifier (e.g. {@code "ip4:192.0.2.0/24"},
 *                    {@code "all"}, {@code "include:_spf.example.com"}), {@code "default"} when nothing matched;
 *                    null for none/temperror/permerror
 * @param explanation the expanded explanation (RFC 7208 §6.2), only for {@code fail}; null otherwise or when
 *                    there is none
 * @param lookups     DNS-querying terms evaluated (RFC 7208 §4.6.4 counts these against the limit of 10)
 * @param voidLookups DNS-querying terms whose lookup returned no records (limit 2)
 * @param reason      a human reason, never null
 * @param localOverload a {@code temperror} caused by this server's own DNS resolver being at its bound: a lookup
 *                    the result depended on was not sent ({@link dev.authpack.dns.DnsLookup#localOverload()}). It
 *                    says nothing about the domain, asking again later may give a verdict, and an attacker who fills
 *                    the resolver can cause it at will. Only ever true for {@code temperror}.
 */
public record SpfResult(SpfStatus status, SpfIdentity identity, String domain, String mechanism,
                        String explanation, int lookups, int voidLookups, String reason, boolean localOverload) {
    public SpfResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(reason, "reason");
        if (localOverload && status != SpfStatus.TEMPERROR) {
            throw new IllegalArgumentException("a local overload is a temperror, not " + status.word());
        }
    }

    /** A result that is not a temperror caused by a local overload. */
    public SpfResult(SpfStatus status, SpfIdentity identity, String domain, String mechanism, String explanation,
                     int lookups, int voidLookups, String reason) {
        this(status, identity, domain, mechanism, explanation, lookups, voidLookups, reason, false);
    }
}
