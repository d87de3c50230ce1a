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
 *                               over-sign it), From added as often as needed to over-sign it; null (the default) for
 *                               {@link #DEFAULT_SIGNED_HEADERS}, of which only the fields present are signed, each
 *                               instance, plus one more instance of every {@code overSignedHeaders} name and of the
 *                               {@code overSignedWhenPresent} fields present. From is always over-signed
 * @param overSignedHeaders      names listed once more than present with the default list, so no instance can be
 *                               added in transit (RFC 6376 §8.15); default {@link #DEFAULT_OVER_SIGNED_HEADERS}
 * @param overSignedWhenPresent  names of the default list listed once more than present when present, so that no
 *                               second instance can be added; default {@link #OVER_SIGNED_WHEN_PRESENT}
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
                              List<String> signedHeaders, Set<String> overSignedHeaders,
                              Set<String> overSignedWhenPresent, Duration expiration,
                              boolean queryTag, boolean spacedHeaderList, int lineWidth, Clock clock) {
    /** The narrowest fold {@code lineWidth} allows (a tag name and some of its value fit). */
    public static final int MIN_LINE_WIDTH = 30;
    /** The widest: RFC 5322 §2.1.1's 998 characters a line. */
    public static final int MAX_LINE_WIDTH = 998;

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
    /**
     * The fields the product over-signs by default (with the default list): listed once more than present even when absent,
     * so that none can be added in transit, such as a Reply-To or a second Subject above the signed one, which a
     * mail client shows (RFC 6376 §8.15; rspamd's default "always" set; review s22).
     */
    public static final Set<String> DEFAULT_OVER_SIGNED_HEADERS = Set.of("from", "reply-to", "subject", "to", "cc");
    /**
     * The fields of the default list the product over-signs when present ({@link #of}): a second
     * instance added above (a Content-Type that changes what the client renders, a Date, a Message-ID) breaks the
     * signature; when absent they may still be added (a relay's missing Message-ID or Date). rspamd's "if present"
     * set.
     */
    public static final Set<String> OVER_SIGNED_WHEN_PRESENT = Set.of("sender", "date", "message-id",
            "mime-version", "content-type", "content-transfer-encoding", "in-reply-to", "references");
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
                checkSignable(name);
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
        overSignedHeaders = lowerCaseNames(overSignedHeaders, "overSignedHeaders");
        overSignedWhenPresent = lowerCaseNames(overSignedWhenPresent, "overSignedWhenPresent");
        if (expiration != null && (expiration.isNegative() || expiration.isZero())) {
            throw new IllegalArgumentException("expiration must be positive");
        }
        if (lineWidth < MIN_LINE_WIDTH || lineWidth > MAX_LINE_WIDTH) {
            throw new IllegalArgumentException("lineWidth must be between " + MIN_LINE_WIDTH + " and "
                    + MAX_LINE_WIDTH);
        }
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * relaxed/relaxed, the default header list over-signing {@link #DEFAULT_OVER_SIGNED_HEADERS} and, when present,
     * {@link #OVER_SIGNED_WHEN_PRESENT} (the one home of the product's default: the DkimSign mailet, the CLI's
     * {@code dkim-sign} and the ARC sealer sign so; review s23), no i=, no x=, width 76, system clock.
     */
    public static DkimSignOptions of(String domain, String selector) {
        return new DkimSignOptions(domain, selector, null, Canonicalization.RELAXED, Canonicalization.RELAXED, null,
                DEFAULT_OVER_SIGNED_HEADERS, OVER_SIGNED_WHEN_PRESENT, null, false, false, DEFAULT_LINE_WIDTH,
                Clock.systemUTC());
    }

    public DkimSignOptions withIdentity(String auid) {
        return new DkimSignOptions(domain, selector, auid, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, overSignedWhenPresent, expiration, queryTag, spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withCanonicalization(Canonicalization header, Canonicalization body) {
        return new DkimSignOptions(domain, selector, identity, header, body, signedHeaders, overSignedHeaders,
                overSignedWhenPresent, expiration, queryTag, spacedHeaderList, lineWidth, clock);
    }

    /** An explicit h= list (null for the default list). */
    public DkimSignOptions withSignedHeaders(List<String> names) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                names == null ? null : new ArrayList<>(names), overSignedHeaders, overSignedWhenPresent, expiration, queryTag,
                spacedHeaderList, lineWidth, clock);
    }

    /**
     * A field name h= can hold: a field name (RFC 5322 ftext) without {@code ;}, which would end h= in the written
     * field and make the rest tags of their own (review s22).
     */
    private static void checkSignable(String name) {
        FieldNames.check(name);
        if (name.indexOf(';') >= 0) {
            throw new IllegalArgumentException("header name " + name + " cannot be signed: a ';' ends h=");
        }
    }

    private static Set<String> lowerCaseNames(Set<String> names, String what) {
        Set<String> lower = new LinkedHashSet<>();
        for (String name : Objects.requireNonNull(names, what)) {
            checkSignable(name);
            lower.add(name.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(lower);
    }

    /** Fields of the default list signed once more than present when present ({@link #OVER_SIGNED_WHEN_PRESENT}). */
    public DkimSignOptions withOverSignedWhenPresent(Set<String> names) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, names, expiration, queryTag, spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withOverSignedHeaders(Set<String> names) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, names, overSignedWhenPresent, expiration, queryTag, spacedHeaderList, lineWidth, clock);
    }

    /** x= this long after t= (null: no x=). */
    public DkimSignOptions withExpiration(Duration validity) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, overSignedWhenPresent, validity, queryTag, spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withQueryTag(boolean write) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, overSignedWhenPresent, expiration, write, spacedHeaderList, lineWidth, clock);
    }

    public DkimSignOptions withSpacedHeaderList(boolean spaced) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, overSignedWhenPresent, expiration, queryTag, spaced, lineWidth, clock);
    }

    public DkimSignOptions withLineWidth(int width) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, overSignedWhenPresent, expiration, queryTag, spacedHeaderList, width, clock);
    }

    public DkimSignOptions withClock(Clock time) {
        return new DkimSignOptions(domain, selector, identity, headerCanonicalization, bodyCanonicalization,
                signedHeaders, overSignedHeaders, overSignedWhenPresent, expiration, queryTag, spacedHeaderList, lineWidth, time);
    }
}
