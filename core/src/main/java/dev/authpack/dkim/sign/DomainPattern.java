package dev.authpack.dkim.sign;

import java.util.Locale;

/**
 * Which author domains a signing-table line is for: {@code example.com} (that domain only), {@code *.example.com}
 * (its subdomains at any depth, not the domain itself) or {@code *} (every domain). The OpenDKIM forms
 * {@code *@example.com} and {@code *@*.example.com} are accepted and mean the same as without {@code *@}.
 *
 * @param kind   which of the three forms
 * @param domain the domain ({@code example.com} for both {@code example.com} and {@code *.example.com}); empty
 *               for {@code *}
 */
public record DomainPattern(Kind kind, String domain) {

    public enum Kind { EXACT, SUBDOMAINS, ANY }

    public static final DomainPattern ANY = new DomainPattern(Kind.ANY, "");

    /**
     * Reads a pattern.
     *
     * @throws IllegalArgumentException with the reason, for an administrator
     */
    public static DomainPattern parse(String text) {
        String p = text.strip().toLowerCase(Locale.ROOT);
        if (p.startsWith("*@")) {
            p = p.substring(2);
        } else if (p.indexOf('@') >= 0) {
            throw new IllegalArgumentException("'" + text + "': patterns name author domains, not addresses"
                    + " (write example.com, *.example.com or *)");
        }
        if (p.equals("*")) {
            return ANY;
        }
        Kind kind = Kind.EXACT;
        if (p.startsWith("*.")) {
            kind = Kind.SUBDOMAINS;
            p = p.substring(2);
        } else if (p.startsWith(".")) {
            throw new IllegalArgumentException("'" + text + "': write *" + p + " for the subdomains of "
                    + p.substring(1));
        }
        String domain;
        try {
            domain = SenderDomain.domainName(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage()
                    + " (write example.com, *.example.com or *)");
        }
        return new DomainPattern(kind, domain);
    }

    /** Whether {@code authorDomain} (normalized as {@link SenderDomain} gives it) is one this pattern names. */
    public boolean matches(String authorDomain) {
        return switch (kind) {
            case EXACT -> authorDomain.equals(domain);
            case SUBDOMAINS -> authorDomain.length() > domain.length() + 1 && authorDomain.endsWith(domain)
                    && authorDomain.charAt(authorDomain.length() - domain.length() - 1) == '.';
            case ANY -> true;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EXACT -> domain;
            case SUBDOMAINS -> "*." + domain;
            case ANY -> "*";
        };
    }
}
