package dev.authpack.dkim.sign;

import dev.authpack.dns.DomainNames;

import java.util.Locale;

/**
 * Whom the server took a message from, as far as it knows: the domain of the SMTP AUTH user name and of the
 * envelope sender (MAIL FROM). The signer keys on the author domain, the From field the submitter wrote; without
 * this binding, any user of a server that signs for several domains could have a mail with someone else's From
 * signed with that domain's key (review s22). A key then signs only an author domain that is the AUTH user's domain
 * or a subdomain of it (a domain's users may send as its subdomains, not as its parent: that may be another
 * tenant's), and the envelope domain, a subdomain or a parent of it (a return path on a bounce subdomain,
 * {@code bounces.example.com} for {@code From: example.com}, is usual; RFC 7489 relaxed SPF alignment counts on it).
 * rspamd refuses the same mismatches by default ({@code allow_username_mismatch}, {@code allow_hdrfrom_mismatch}).
 * The envelope binds only a client trusted to choose its MAIL FROM: the James mailet signs no other's mail
 * (a stranger relayed to a backup-MX domain writes any MAIL FROM, or the null sender; review s22).
 *
 * @param userDomain     the SMTP AUTH user's domain, lower case, or null (no authentication, or a user name
 *                       without a domain)
 * @param envelopeDomain the MAIL FROM domain, lower case, or null (none known, or the null sender of a bounce)
 */
public record Submitter(String userDomain, String envelopeDomain) {
    /** Nothing known: no binding checked (the CLI, or {@code allowSenderMismatch}). */
    public static final Submitter UNKNOWN = new Submitter(null, null);

    /**
     * From the SMTP AUTH user name (null when none) and the envelope sender address (null or empty for the null
     * sender). A domain that cannot be read matches no author domain: such a message is not signed.
     */
    public static Submitter of(String authUser, String envelopeSender) {
        return new Submitter(domainOf(authUser), domainOf(envelopeSender));
    }

    /** The part after the last {@code @}, normalized; null without one; as written (matching nothing) if unreadable. */
    private static String domainOf(String address) {
        if (address == null) {
            return null;
        }
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String text = address.substring(at + 1).strip();
        try {
            return DomainNames.canonical(text);
        } catch (IllegalArgumentException e) {
            // "[...]" can never equal an author domain, which is always a host name
            return "[" + text.toLowerCase(Locale.ROOT) + "]";
        }
    }

    /** Why {@code authorDomain} is not this submitter's to sign for, or null when it is (or nothing is known). */
    public String mismatch(String authorDomain) {
        if (userDomain != null && !within(authorDomain, userDomain)) {
            return "From domain " + authorDomain + " is not the authenticated user's domain " + userDomain
                    + " or below it";
        }
        if (envelopeDomain != null && !within(authorDomain, envelopeDomain) && !within(envelopeDomain, authorDomain)) {
            return "From domain " + authorDomain + " is neither the envelope sender's domain " + envelopeDomain
                    + " nor above or below it";
        }
        return null;
    }

    private static boolean within(String domain, String parent) {
        return domain.equals(parent) || domain.endsWith(parent) && domain.length() > parent.length()
                && domain.charAt(domain.length() - parent.length() - 1) == '.';
    }
}
