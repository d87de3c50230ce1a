package dev.authpack.dkim.sign;

import dev.authpack.dmarc.AuthorDomains;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

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
        // decoded as UTF-8 so that an RFC 6532 address in UTF-8 keeps its characters
        String value = new String(from.get(0).rawValue().getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8);
        if (value.length() > MAX_FROM_CHARS) {
            return none("From field longer than " + MAX_FROM_CHARS + " characters");
        }
        return ofFromValue(value);
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
        String domain = text.strip();
        if (domain.startsWith("[")) {
            throw new IllegalArgumentException("a domain literal is not a domain name");
        }
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        for (int i = 0; i < domain.length(); i++) {
            if (domain.charAt(i) > 0x7f) {
                try {
                    domain = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not an internationalized domain name: " + e.getMessage());
                }
                break;
            }
        }
        domain = domain.toLowerCase(Locale.ROOT);
        if (!isHostName(domain)) {
            throw new IllegalArgumentException("not a domain name: " + text.strip());
        }
        return domain;
    }

    /** Letters, digits, hyphens and underscores in dot-separated labels of 1 to 63, two labels or more. */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        int label = 0;
        int labels = 1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0) {
                    return false;
                }
                labels++;
                label = 0;
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                if (++label > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return label > 0 && labels >= 2;
    }
}
