package dev.authpack.dkim.sign;

import com.google.common.net.InternetDomainName;
import dev.authpack.dns.DomainNames;
import dev.authpack.mail.AuthorDomains;
import dev.authpack.mail.DisplayedDomains;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * The author domain of a message: the domain of the address in its {@code From} field (RFC 5322 §3.6.2), which
 * chooses the signing keys. Lower case, without a trailing dot, internationalized labels as A-labels.
 *
 * <p>No domain when there is no From field or several of them, when From holds no address, or when its addresses
 * are in different domains (a From with several mailboxes in one domain is fine). Comments, quoted strings,
 * display names, groups and obsolete routes are understood; a domain literal ({@code [192.0.2.1]}) is not a
 * domain.
 *
 * @param domain  the domain, or null
 * @param problem why there is none (null when there is one)
 */
public record SenderDomain(String domain, String problem) {
    /** The From field of a signable message is far shorter; longer ones are not parsed. */
    private static final int MAX_FROM_CHARS = 64 * 1024;
    /** The most distinct domains a signed From may show (its own address's, and a few of its own in a name). */
    static final int MAX_SHOWN = 8;

    public boolean found() {
        return domain != null;
    }

    public static SenderDomain of(RawMessage message) {
        List<HeaderField> from = message.fields("From");
        if (from.isEmpty()) {
            return none("no From field");
        }
        if (from.size() > 1) {
            return none(from.size() + " From fields");
        }
        String value = value(from.get(0));
        if (value.length() > MAX_FROM_CHARS) {
            return none("From field longer than " + MAX_FROM_CHARS + " characters");
        }
        return ofFromValue(value);
    }

    /** Decoded as UTF-8, so that an RFC 6532 address in UTF-8 keeps its characters. */
    private static String value(HeaderField from) {
        return new String(from.rawValue().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * Why the one From field of {@code message} (whose author domain {@link #of} found) shows an address at a domain
     * that is none of {@code own} nor below one, or null when it does not: every domain after an {@code @} a mail
     * client could show in it ({@link DisplayedDomains}: in a display name, a comment, an encoded-word, with
     * look-alike characters), of two labels or more. {@code "ceo@bank.example" <user@tenant.example>} passes DMARC
     * for tenant.example once signed, and many clients show the display name alone (review s23). More than
     * {@value #MAX_SHOWN} distinct domains shown is refused as such.
     */
    public static String foreignDomainShown(RawMessage message, Collection<String> own) {
        List<HeaderField> from = message.fields("From");
        if (from.size() != 1) {
            return null;                            // no author domain: not signed anyway
        }
        String value = value(from.get(0));
        DisplayedDomains.Reading shown = DisplayedDomains.read(value, MAX_SHOWN + 1);
        if (shown.names().size() > MAX_SHOWN) {
            return "From shows more than " + MAX_SHOWN + " domains";
        }
        for (String d : shown.names()) {
            // a single label ("Bob @ Home") names no one's domain; nor does a handle ("Jane (@jane.doe)") under no
            // public suffix: no one can register it (a handle of a registrable name, "(@bank.com)", still counts)
            if (d.indexOf('.') > 0 && !ours(d, shown.reversedFrom().get(d), own)
                    && !(shown.withoutLocalPart().contains(d) && !underPublicSuffix(d))) {
                return "From shows an address at " + d + ", not at " + String.join(" or ", own) + " or below";
            }
        }
        return null;
    }

    /**
     * Whether the name {@code d} shown is ours: read as written, when it is one of {@code own} or below; read only
     * with the labels of {@code reversedFrom} reversed (a bidi control in the value), when that is exactly one of
     * ours and an organizational domain, whose labels are all its registrant's (review s23 B: never a subdomain,
     * whose leading labels, chosen by the sender, a reversal shows last: {@code example.bank.tenant.example}
     * reversed is under bank.example; never a name accepted because its reversal is ours, a right-to-left mark
     * reverses nothing).
     */
    private static boolean ours(String d, String reversedFrom, Collection<String> own) {
        return reversedFrom == null ? ownOrBelow(d, own)
                : own.contains(reversedFrom) && isOrganizationalDomain(reversedFrom);
    }

    /** RFC 7489 §3.2 with Guava's Public Suffix List; a name under no listed suffix: its last two labels. */
    private static boolean isOrganizationalDomain(String domain) {
        try {
            InternetDomainName name = InternetDomainName.from(domain);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString().equals(domain);
            }
            return !name.isPublicSuffix() && name.parts().size() == 2;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code domain} is below a suffix of the Public Suffix List Guava bundles (a registrable name). */
    private static boolean underPublicSuffix(String domain) {
        try {
            return InternetDomainName.from(domain).isUnderPublicSuffix();
        } catch (IllegalArgumentException e) {
            return true;                            // not read: counted, as any name (fail closed)
        }
    }

    private static boolean ownOrBelow(String domain, Collection<String> own) {
        for (String o : own) {
            if (domain.equals(o) || domain.endsWith("." + o)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The author domain of a From field value (the text after the colon). The field is read by the same parser
     * DMARC uses ({@link AuthorDomains}), so the domain we sign for is the domain DMARC will align with.
     */
    public static SenderDomain ofFromValue(String value) {
        AuthorDomains authors = AuthorDomains.of(List.of(value), 2);
        if (authors.problem() != null) {
            return none(authors.problem());
        }
        if (authors.domains().size() > 1) {
            return none("From has addresses in different domains (" + String.join(", ", authors.domains()) + ")");
        }
        return new SenderDomain(authors.domains().get(0), null);
    }

    private static SenderDomain none(String problem) {
        return new SenderDomain(null, problem);
    }

    /**
     * A domain as written after {@code @}, normalized: lower case, no trailing dot, A-labels.
     *
     * @throws IllegalArgumentException if it is not a host name
     */
    static String domainName(String text) {
        String domain;
        try {
            domain = DomainNames.canonical(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a domain name: " + text.strip() + " (" + e.getMessage() + ")");
        }
        if (domain.indexOf('.') < 0) {
            throw new IllegalArgumentException("not a domain name: " + text.strip() + " (one label)");
        }
        return domain;
    }
}
