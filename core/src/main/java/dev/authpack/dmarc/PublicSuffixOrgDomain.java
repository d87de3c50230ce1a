package dev.authpack.dmarc;

import com.google.common.net.InternetDomainName;

/**
 * RFC 7489 §3.2 Organizational Domains from the Public Suffix List that Guava bundles
 * ({@link InternetDomainName}; Guava 31.1 carries the list as of early 2022, James 3.8.1 ships that version).
 * The whole list is used, ICANN and private sections alike, as publicsuffix.org and OpenDMARC do: a name below
 * {@code blogspot.com} is its own organization.
 */
final class PublicSuffixOrgDomain {
    private PublicSuffixOrgDomain() {
    }

    /**
     * §3.2 steps 3-4: the public suffix that matches most labels, plus one label. A name that is itself a public
     * suffix is its own Organizational Domain; a name under no listed suffix takes the list's default rule
     * {@code *}, i.e. its last two labels.
     */
    static String of(String domain) {
        InternetDomainName name;
        try {
            name = InternetDomainName.from(domain);
        } catch (IllegalArgumentException e) {
            return lastTwoLabels(domain);
        }
        if (name.isUnderPublicSuffix()) {
            return name.topPrivateDomain().toString();
        }
        if (name.isPublicSuffix()) {
            return domain;
        }
        return lastTwoLabels(domain);
    }

    private static String lastTwoLabels(String domain) {
        int last = domain.lastIndexOf('.');
        if (last < 0) {
            return domain;
        }
        int before = domain.lastIndexOf('.', last - 1);
        return before < 0 ? domain : domain.substring(before + 1);
    }
}
