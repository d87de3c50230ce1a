package dev.authpack.iprev;

import java.util.Collections;
import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * iprev (RFC 8601 §3): the client's PTR names, each confirmed by a forward lookup of the same address family.
 * Forward lookups run concurrently; at most {@link #DEFAULT_MAX_NAMES} PTR names are tried (RFC 8601 §3 leaves
 * the bound to the implementation; 10 matches RFC 7208's PTR limit).
 */
public final class IprevChecker {
    public static final int DEFAULT_MAX_NAMES = 10;
    /** The most names that can be asked for: fewer than an answer keeps ({@link DnsResolver#MAX_NAME_RECORDS}). */
    public static final int MAX_NAMES = DnsResolver.MAX_NAME_RECORDS - 1;

    private final DnsResolver dns;
    private final int maxNames;

    public IprevChecker(DnsResolver dns) {
        this(dns, DEFAULT_MAX_NAMES);
    }

    public IprevChecker(DnsResolver dns, int maxNames) {
        if (maxNames < 1 || maxNames > MAX_NAMES) {
            throw new IllegalArgumentException("maxNames must be from 1 to " + MAX_NAMES
                    + " (a PTR answer is read no further than its first " + DnsResolver.MAX_NAME_RECORDS + " records)");
        }
        this.dns = dns;
        this.maxNames = maxNames;
    }

    /** At most this many PTR names are confirmed. */
    public int maxNames() {
        return maxNames;
    }

    public CompletableFuture<IprevResult> check(InetAddress client) {
        String ip = IpLiterals.text(client);
        return dns.ptr(client).thenCompose(ptr -> {
            if (ptr.outcome().isError()) {
                return CompletableFuture.completedFuture(new IprevResult(IprevStatus.TEMPERROR, ip, List.of(),
                        "PTR lookup failed: " + describe(ptr), ptr.localOverload()));
            }
            if (!ptr.hasRecords()) {
                // RFC 8601 §2.7.3: no PTR data published -> permerror
                return done(IprevStatus.PERMERROR, ip, List.of(), "no PTR record for " + ip);
            }
            List<String> names = firstDistinct(ptr.records(), maxNames);
            List<CompletableFuture<DnsLookup<InetAddress>>> forward = new ArrayList<>(names.size());
            for (String name : names) {
                forward.add(client instanceof Inet4Address ? dns.a(name) : dns.aaaa(name));
            }
            return CompletableFuture.allOf(forward.toArray(CompletableFuture[]::new))
                    .thenApply(ignored -> confirm(client, ip, names, forward));
        });
    }

    private static IprevResult confirm(InetAddress client, String ip, List<String> names,
                                       List<CompletableFuture<DnsLookup<InetAddress>>> forward) {
        List<String> confirmed = new ArrayList<>();
        boolean transientFailure = false;
        // a name whose forward lookup was not sent could have confirmed the address: our overload, not theirs
        List<String> notSent = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            DnsLookup<InetAddress> lookup = forward.get(i).join();
            if (lookup.outcome().isError()) {
                transientFailure = true;
                if (lookup.localOverload()) {
                    notSent.add(names.get(i));
                }
            } else if (lookup.records().contains(client)) {
                confirmed.add(names.get(i));
            }
        }
        if (!confirmed.isEmpty()) {
            return new IprevResult(IprevStatus.PASS, ip, confirmed,
                    ip + " resolves to " + confirmed.get(0) + " and back");
        }
        if (!notSent.isEmpty()) {
            return new IprevResult(IprevStatus.TEMPERROR, ip, names, "forward lookup of " + notSent
                    + " not sent, this server's DNS resolver is overloaded", true);
        }
        if (transientFailure) {
            return new IprevResult(IprevStatus.TEMPERROR, ip, names, "forward lookup of " + names + " failed");
        }
        return new IprevResult(IprevStatus.FAIL, ip, names,
                "no PTR name of " + ip + " resolves back to it: " + names);
    }

    private static CompletableFuture<IprevResult> done(IprevStatus status, String ip, List<String> names,
                                                       String reason) {
        return CompletableFuture.completedFuture(new IprevResult(status, ip, names, reason));
    }

    private static String describe(DnsLookup<?> lookup) {
        String detail = lookup.detail().isEmpty() ? "" : " (" + lookup.detail() + ")";
        if (lookup.localOverload()) {
            // not the client's DNS: this server did not ask (the words SPF uses)
            return "not sent, this server's DNS resolver is overloaded" + detail;
        }
        return lookup.outcome().name().toLowerCase(java.util.Locale.ROOT) + detail;
    }

    /** The first {@code max} distinct names, in order (what {@code stream().distinct().limit(max)} gives). */
    static List<String> firstDistinct(List<String> names, int max) {
        List<String> out = new ArrayList<>(Math.min(names.size(), max));
        for (String name : names) {
            if (out.size() == max) {
                break;
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
