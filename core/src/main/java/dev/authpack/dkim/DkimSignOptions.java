package dev.authpack.dkim;

import dev.authpack.mail.FieldNames;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link DkimSigner} writes. Immutable; start from {@link #of(String, String)} and use the {@code with...}
 * methods.
 *
 * @param domain                 d=, the signing domain
 * @param selector               s=
 * @param identity               i= (the AUID, such as {@code @example.com} or {@code user@mail.example.com}; its
 *                               domain must be d= or a subdomain), or null to leave i= out (it then means {@code @d})
 * @param headerCanonicalization default relaxed
 * @param bodyCanonicalization   default relaxed
 * @param signedHeaders          an explicit h= list, written as given (list a name once more than it occurs to
 *                               over-sign it); null (the default) for {@link #DEFAULT_SIGNED_HEADERS}, of which only
 *                               the fields present are signed, each instance, plus one more instance of every
 *                               {@code overSignedHeaders} name
 * @param overSignedHeaders      names listed once more than present with the default list, so no instance can be
 *                               added in transit (RFC 6376 §8.15); default {@code from}
 * @param expiration             x= = t= + this, or null (the default) for no x=
 * @param queryTag               write {@code q=dns/txt} (the default query method, so default false)
 * @param spacedHeaderList       write h= as {@code from : to : subject} instead of {@code from:to:subject}
 * @param lineWidth              fold the field so no line of tags is longer than this (default 76; a d= or header
 *                               name longer than a line cannot be broken); bh= is broken if it must be; b= starts
 *                               a line of its own and its value fills lines of this many characters after the
 *                               one-space indent
 * @param clock                  the time of t=
 */
public record DkimSignOptions(String domain, String selector, String identity,
                              Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
                              List<String> signedHeaders, Set<String> overSignedHeaders, Duration expiration,
                              boolean queryTag, boolean spacedHeaderList, int lineWidth, Clock clock) {
    /**
     * The fields signed by default when present: RFC 6376 §5.4.1's list, the message and MIME identification
     * fields, and the list fields of RFC 2369/2919/8058.
     */
    public static final List<String> DEFAULT_SIGNED_HEADERS = List.of(
            "from", "reply-to", "subject", "date", "to", "cc", "message-id", "in-reply-to", "references",
            "sender", "mime-version", "content-type", "content-transfer-encoding", "content-id",
            "content-description", "content-disposition", "resent-date", "resent-from", "resent-sender",
            "resent-to", "resent-cc", "resent-message-id", "list-id", "list-help", "list-unsubscribe",
            "list-unsubscribe-post", "list-subscribe", "list-post", "list-owner", "list-archive");
    public static final int DEFAULT_LINE_WIDTH = 76;

    public DkimSignOptions {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        domain = domain.toLowerCase(Locale.ROOT);
        selector = selector.toLowerCase(Locale.ROOT);
        if (!DkimSignature.isDomainName(domain, true)) {
            throw new IllegalArgumentException("not a domain name: " + domain);
        }
        if (!DkimSignature.isDomainName(selector, false)) {
            throw new IllegalArgumentException("not a selector: " + selector);
        }
        if (identity != null) {
            int at = identity.lastIndexOf('@');
            String idDomain = at < 0 ? "" : identity.substring(at + 1).toLowerCase(Locale.ROOT);
            if (!idDomain.equals(domain) && !idDomain.endsWith("." + domain)) {
                throw new IllegalArgumentException("identity " + identity + " must be @" + domain
                        + " or an address in it or a subdomain");
            }
        }
        Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
        Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        if (signedHeaders != null) {
            signedHeaders = List.copyOf(signedHeaders);
            boolean from = false;
            for (String name : signedHeaders) {
                FieldNames.check(name);
                from |= name.equalsIgnoreCase("from");
            }
            if (!from) {
                throw new IllegalArgumentException("the signed headers must include From (RFC 6376 §5.4)");
            }
            if (signedHeaders.size() > DkimSignature.MAX_SIGNED_HEADERS) {
                throw new IllegalArgumentException("more than " + DkimSignature.MAX_SIGNED_HEADERS
                        + " signed headers");
            }
        }
        Set<String> over = new LinkedHashSet<>();
        for (String name : Objects.requireNonNull(overSignedHeaders, "overSignedHeaders")) {
            FieldNames.check(name);
            over.add(name.toLowerCase(Locale.ROOT));
        }
        overSignedHeaders = Set.copyOf(over);
        if (expiration != null && (expiration.isNegative() || expiration.isZero())) {
            throw new IllegalArgumentException("expiration must be positive");
        }
        if (lineWidth < 30 || lineWidth > 998) {
            throw new IllegalArgumentException("lineWidth must be between 30 and 998");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** relaxed/relaxed, the default header list with From over-signed, no i=, no x=, width 76, system clock. */
    public static DkimSignOptions of(String domain, String selector) {
        return new DkimSignOptions(domain, selector, null, Canonicalization.RELAXED, Canonicalization.RELAXED, null,
                Set.of("from"), null, false, false, DEFAULT_LINE_WIDTH, Clock.systemUTC());
    }

    public DkimSignOptions withIdentity(String auid) {
        return new DkimSignOptions(domain, selector, auid, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, expiration, queryTag, spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withCanonicalization(Canonicalization header, Canonicalization body) {
        return new DkimSignOptions(domain, selector, identity, header, body, signedHeaders, overSignedHeaders,
                expiration, queryTag, spacedHeaderList, lineWidth, clock);
    }

    /** An explicit h= list (null for the default list). */
    public DkimSignOptions withSignedHeaders(List<String> names) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                names == null ? null : new ArrayList<>(names), overSignedHeaders, expiration, queryTag,
                spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withOverSignedHeaders(Set<String> names) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, names, expiration, queryTag, spacedHeaderList, lineWidth, clock);
    }

    /** x= this long after t= (null: no x=). */
    public DkimSignOptions withExpiration(Duration validity) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, validity, queryTag, spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withQueryTag(boolean write) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, expiration, write, spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withSpacedHeaderList(boolean spaced) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, expiration, queryTag, spaced, lineWidth, clock);
    }

    public DkimSignOptions withLineWidth(int width) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, expiration, queryTag, spacedHeaderList, width, clock);
    }

    public DkimSignOptions withClock(Clock time) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, expiration, queryTag, spacedHeaderList, lineWidth, time);
    }
}
