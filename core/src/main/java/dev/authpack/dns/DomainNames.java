package dev.authpack.dns;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * The one normaliser of domain names used as identities (a relay-policy entry, an envelope or From domain, a DMARC
 * or SPF identifier, a signing domain, an authserv-id): one canonical spelling, so that a comparison can never be
 * dodged by spelling, and one IDN policy for every caller.
 *
 * <p>The canonical form: ASCII lower case, one trailing root dot removed ({@code US.Example.} is
 * {@code us.example}), labels of letters, digits, '-' and '_' (James and DKIM selectors use '_'), 1 to 63
 * octets, not starting or ending with '-', at most 253 octets in all (RFC 1035 §2.3.4). Address literals are no
 * domain names.
 *
 * <p><b>IDN policy</b> ({@link #toAscii}): a name with non-ASCII characters is converted to A-labels by IDNA2003
 * ({@link IDN#toASCII(String, int)}, RFC 3490 with the Nameprep mapping: full-width letters and ideographic full
 * stops fold, soft hyphens and zero-width joiners vanish) <em>without</em> {@code ALLOW_UNASSIGNED}: RFC 3490 §5
 * keeps unassigned code points out of stored strings, and a name holding one has no stable reading (a later
 * Unicode version may map it to something else), so it is refused. A refused name is no domain name: every caller
 * then fails closed (a relay entry is rejected, a From domain makes DMARC unparsable, SPF gives {@code none}, no
 * DKIM signature is made). Query names are another matter: the resolvers send any octet as written
 * ({@link DnsNames#normalize}, RFC 2181 §11), so identities are normalised here before they are looked up.
 */
public final class DomainNames {
    /** RFC 1035 §2.3.4. */
    public static final int MAX_NAME_LENGTH = DnsNames.MAX_NAME_LENGTH;
    public static final int MAX_LABEL_LENGTH = DnsNames.MAX_LABEL_LENGTH;
    /** Text longer than this is not read as a domain name at all (before IDNA, which may drop characters). */
    public static final int MAX_INPUT_CHARS = 1024;

    private DomainNames() {
    }

    /**
     * @return the canonical form, or empty when {@code raw} is not a host name (empty label, bad character,
     *         too long, an address literal, an IDN that IDNA refuses, ...)
     */
    public static Optional<String> normalize(String raw) {
        try {
            return Optional.of(canonical(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * {@link #normalize} with the reason a name is refused.
     *
     * @throws IllegalArgumentException if it is empty, an address literal or not a valid domain name
     */
    public static String canonical(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException("empty domain");
        }
        if (raw.length() > MAX_INPUT_CHARS) {
            throw new IllegalArgumentException("domain name longer than " + MAX_INPUT_CHARS + " characters");
        }
        if (raw.startsWith("[")) {
            throw new IllegalArgumentException("address literal, not a domain");
        }
        String d = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
        if (d.isEmpty()) {
            throw new IllegalArgumentException("empty domain");
        }
        d = toAscii(d).orElseThrow(() -> new IllegalArgumentException("invalid internationalized domain name"))
                .toLowerCase(Locale.ROOT);
        Optional<String> problem = DnsNames.problem(d);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        int labelStart = 0;
        for (int i = 0; i <= d.length(); i++) {
            if (i == d.length() || d.charAt(i) == '.') {
                if (d.charAt(labelStart) == '-' || d.charAt(i - 1) == '-') {
                    throw new IllegalArgumentException("label starts or ends with a hyphen");
                }
                labelStart = i + 1;
                continue;
            }
            char c = d.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                throw new IllegalArgumentException("invalid character in domain name");
            }
        }
        return d;
    }

    /**
     * The IDN policy of the whole pack (see the class comment): an ASCII name as it is, any other converted to
     * A-labels by IDNA2003 without unassigned code points; empty when IDNA refuses it. Case and the trailing dot
     * are left to the caller.
     */
    public static Optional<String> toAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0x7f) {
                try {
                    return Optional.of(IDN.toASCII(name, 0));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(name);
    }

    /** {@code example.com} for {@code mail.example.com}; empty for a single label. */
    public static Optional<String> parent(String normalized) {
        int dot = normalized.indexOf('.');
        return dot < 0 ? Optional.empty() : Optional.of(normalized.substring(dot + 1));
    }

    /** {@code name} equals {@code domain} or is a subdomain of it (ASCII case-insensitive; no trailing dots). */
    public static boolean isSameOrSubdomain(String name, String domain) {
        int extra = name.length() - domain.length();
        if (extra < 0 || !name.regionMatches(true, extra, domain, 0, domain.length())) {
            return false;
        }
        return extra == 0 || name.charAt(extra - 1) == '.';
    }
}
