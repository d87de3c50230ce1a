package dev.authpack.arc;

import dev.authpack.mail.FieldNames;
import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSignature;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What an {@link ArcSealer} writes. Immutable; start from {@link #of(String, String)} and use the {@code with...}
 * methods.
 *
 * @param domain                 d= of the ARC-Message-Signature and ARC-Seal
 * @param selector               s= of both
 * @param signedHeaders          the ARC-Message-Signature's h= list, written as given; null (the default) for DkimSign's
 *                               default h= ({@link dev.authpack.dkim.DkimSigner#defaultHeaderNames}: the fields of
 *                               {@link DkimSignOptions#DEFAULT_SIGNED_HEADERS} present, each instance, plus one more
 *                               of {@link DkimSignOptions#DEFAULT_OVER_SIGNED_HEADERS} always and of {@link
 *                               DkimSignOptions#OVER_SIGNED_WHEN_PRESENT} when present), then every DKIM-Signature
 *                               (RFC 8617 §4.1.2: the AMS should cover them). Authentication-Results and the ARC fields are refused (RFC 8617
 *                               §4.1.2: they must not be signed).
 * @param headerCanonicalization of the ARC-Message-Signature; default relaxed (the ARC-Seal is always relaxed)
 * @param bodyCanonicalization   of the ARC-Message-Signature; default relaxed
 * @param style                  how the fields are laid out
 * @param lineWidth              {@link Style#FOLDED}: no line longer than this where the text can be broken (default
 *                               {@value #DEFAULT_LINE_WIDTH}, RFC 5322 §2.1.1)
 * @param clock                  the time of t=
 */
public record ArcSealOptions(String domain, String selector, List<String> signedHeaders,
                             Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
                             Style style, int lineWidth, Clock clock) {
    public static final int DEFAULT_LINE_WIDTH = 78;
    /** The most names an h= may list (the verifier's bound, {@code ArcSignature}). */
    public static final int MAX_SIGNED_HEADERS = 1000;
    private static final Set<String> NEVER_SIGNED = Set.of("arc-seal", "arc-message-signature",
            "arc-authentication-results", "authentication-results");

    /** The layout of the ARC-Seal and ARC-Message-Signature fields (the ARC-Authentication-Results is the same). */
    public enum Style {
        /**
         * The instance tag first, as RFC 8617's ABNF writes it ({@code i=1; a=rsa-sha256; ...}), b= last, folded at
         * {@link #lineWidth()}.
         */
        FOLDED,
        /**
         * The "standardized header format" of the ValiMail ARC test suite: tags in alphabetical order, one line, one
         * space after each {@code ;}. Reproduces the suite's signatures exactly; for tests.
         */
        STANDARDIZED
    }

    public ArcSealOptions {
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
        if (signedHeaders != null) {
            signedHeaders = List.copyOf(signedHeaders);
            if (signedHeaders.isEmpty() || signedHeaders.size() > MAX_SIGNED_HEADERS) {
                throw new IllegalArgumentException("the signed headers must name 1 to " + MAX_SIGNED_HEADERS
                        + " fields");
            }
            for (String name : signedHeaders) {
                FieldNames.check(name);
                if (NEVER_SIGNED.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(name + " must not be signed by an ARC-Message-Signature"
                            + " (RFC 8617 section 4.1.2)");
                }
            }
        }
        Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
        Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        Objects.requireNonNull(style, "style");
        if (lineWidth < 30 || lineWidth > 998) {
            throw new IllegalArgumentException("lineWidth must be between 30 and 998");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** relaxed/relaxed, the default header list, folded at 78, the system clock. */
    public static ArcSealOptions of(String domain, String selector) {
        return new ArcSealOptions(domain, selector, null, Canonicalization.RELAXED, Canonicalization.RELAXED,
                Style.FOLDED, DEFAULT_LINE_WIDTH, Clock.systemUTC());
    }

    public ArcSealOptions withSignedHeaders(List<String> names) {
        return new ArcSealOptions(domain, selector, names, headerCanonicalization, bodyCanonicalization, style,
                lineWidth, clock);
    }

    public ArcSealOptions withCanonicalization(Canonicalization header, Canonicalization body) {
        return new ArcSealOptions(domain, selector, signedHeaders, header, body, style, lineWidth, clock);
    }

    public ArcSealOptions withStyle(Style layout) {
        return new ArcSealOptions(domain, selector, signedHeaders, headerCanonicalization, bodyCanonicalization,
                layout, lineWidth, clock);
    }

    public ArcSealOptions withLineWidth(int width) {
        return new ArcSealOptions(domain, selector, signedHeaders, headerCanonicalization, bodyCanonicalization,
                style, width, clock);
    }

    public ArcSealOptions withClock(Clock time) {
        return new ArcSealOptions(domain, selector, signedHeaders, headerCanonicalization, bodyCanonicalization,
                style, lineWidth, time);
    }
}
