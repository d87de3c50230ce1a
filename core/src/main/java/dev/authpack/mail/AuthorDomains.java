package dev.authpack.mail;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Author Domains of a message: the domains of the mailboxes in its RFC5322.From field(s) (RFC 9989 §3.2.2,
 * §5.3.1), lower case, without a trailing dot, U-labels converted to A-labels (RFC 5890 §2.3).
 *
 * <p>The From value is read as an RFC 5322 §3.4 mailbox-list, with what real mail carries: display names, quoted
 * strings (an {@code @} inside one is not the domain's), nested comments, angle addresses, obsolete routes
 * ({@code <@relay:user@domain>}), empty list members, and RFC 6854 group syntax ({@code name: a@b, c@d;}).
 * A mailbox whose domain is an address literal ({@code [192.0.2.1]}) or not a valid domain name, a missing
 * {@code @}, an unbalanced bracket, quote or comment: the field is unparsable.
 *
 * @param domains   the distinct author domains in order of appearance (empty when there is none or on error)
 * @param fields    how many From fields the message has
 * @param mailboxes how many mailboxes the From fields hold
 * @param problem   why no author domain could be taken (null when {@link #domains()} is usable)
 */
public record AuthorDomains(List<String> domains, int fields, int mailboxes, String problem) {
    /** A From value longer than this is not parsed (real ones are far shorter). */
    public static final int MAX_FIELD_CHARS = 16 * 1024;

    public AuthorDomains {
        domains = List.copyOf(domains);
    }

    /** Whether there is exactly one From field holding mailboxes of exactly one domain. */
    public boolean single() {
        return problem == null && fields == 1 && domains.size() == 1;
    }

    /**
     * Reads the given From field values (the text after the colon of each From field, unfolded or not).
     *
     * @param maxDomains stop collecting after this many distinct domains (the result then holds one more, so the
     *                   caller can see the bound was passed)
     */
    public static AuthorDomains of(List<String> fromValues, int maxDomains) {
        Objects.requireNonNull(fromValues, "fromValues");
        if (fromValues.isEmpty()) {
            return new AuthorDomains(List.of(), 0, 0, "no From field");
        }
        Set<String> domains = new LinkedHashSet<>();
        int mailboxes = 0;
        for (String value : fromValues) {
            if (value.length() > MAX_FIELD_CHARS) {
                return new AuthorDomains(List.of(), fromValues.size(), mailboxes,
                        "From field longer than " + MAX_FIELD_CHARS + " characters");
            }
            List<String> addresses;
            try {
                addresses = addrSpecs(value);
            } catch (IllegalArgumentException e) {
                return new AuthorDomains(List.of(), fromValues.size(), mailboxes,
                        "unparsable From field: " + e.getMessage());
            }
            for (String address : addresses) {
                mailboxes++;
                String domain;
                try {
                    String twoDomains = atSignProblem(address, false);
                    if (twoDomains != null) {
                        throw new IllegalArgumentException(twoDomains);
                    }
                    domain = domainOf(address);
                } catch (IllegalArgumentException e) {
                    return new AuthorDomains(List.of(), fromValues.size(), mailboxes,
                            "unparsable From address " + abbreviate(address) + ": "
                                    + e.getMessage());
                }
                domains.add(domain);
                if (domains.size() > maxDomains) {
                    return new AuthorDomains(new ArrayList<>(domains), fromValues.size(), mailboxes, null);
                }
            }
        }
        if (domains.isEmpty()) {
            return new AuthorDomains(List.of(), fromValues.size(), 0, "no address in the From field");
        }
        return new AuthorDomains(new ArrayList<>(domains), fromValues.size(), mailboxes, null);
    }

    /**
     * The domain of one addr-spec, normalised.
     *
     * @throws IllegalArgumentException if there is none or it is not a usable domain name
     */
    public static String domainOf(String addrSpec) {
        if (addrSpec.startsWith("@")) {
            throw new IllegalArgumentException("empty local part"); // routes are gone: no source route here
        }
        MailboxAddress address = MailboxAddress.parse(addrSpec);
        return switch (address.kind()) {
            case MAILBOX -> address.domain();
            case ADDRESS_LITERAL -> throw new IllegalArgumentException("address literal, not a domain");
            case NULL -> throw new IllegalArgumentException("no '@' in address");
            case INVALID -> throw new IllegalArgumentException(address.detail());
        };
    }

    /**
     * Why an addr-spec has more than one {@code @} (or a look-alike: U+FF20, U+FE6B) outside quoted strings, or,
     * with {@code quotedToo}, one inside a quoted local part; null when neither. Mail clients show such an address
     * with more than one domain.
     */
    public static String atSignProblem(String spec, boolean quotedToo) {
        boolean quoted = false;
        int outside = 0;
        int inside = 0;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (isAtSign(c)) {
                if (quoted) {
                    inside++;
                } else {
                    outside++;
                }
            }
        }
        if (outside > 1) {
            return outside + " '@' in one address";
        }
        return quotedToo && inside > 0 ? "'@' in a quoted local part" : null;
    }

    /**
     * The addr-specs of a mailbox-list (or address-list with groups): comments and whitespace removed outside
     * quoted strings, the angle-addr's content when there is one (without an obsolete route), display names and
     * group names dropped.
     */
    public static List<String> addrSpecs(String value) {
        return addrSpecs(value, false);
    }

    /**
     * {@link #addrSpecs(String)}, or with {@code pedantic} what DMARC reads strictly only: an obsolete route is
     * kept in the addr-spec (so its domains can be seen), and these are errors: an unquoted {@code @} in a display
     * name or a group name (RFC 5322 §3.2.5: a phrase holds no {@code @}; clients show such a name as an address,
     * {@code ceo@victim.example:;}), and white space
     * or a comment between two atoms of an address ({@code a@victim.example x}: RFC 5322 allows them only next to
     * a dot or the {@code @}; a client shows {@code victim.example}, the joined reading {@code victim.examplex}).
     */
    public static List<String> addrSpecs(String value, boolean pedantic) {
        List<String> out = new ArrayList<>();
        boolean atInPhrase = false;
        boolean gap = false;                         // white space or a comment since the last character kept
        boolean plainSplit = false;                  // two atoms of the bare address were joined over a gap
        boolean angleSplit = false;                  // the same inside the angle-addr
        StringBuilder plain = new StringBuilder();   // the mailbox text outside comments and angle brackets
        StringBuilder angle = null;                  // the content of this mailbox's angle-addr
        boolean inAngle = false;
        boolean inGroup = false;
        int n = value.length();
        int i = 0;
        while (i < n) {
            char c = value.charAt(i);
            StringBuilder target = inAngle ? angle : plain;
            switch (c) {
                case '(' -> {
                    i = commentEnd(value, i);
                    gap = true;
                    continue;
                }
                case '"' -> {
                    int end = quotedStringEnd(value, i);
                    target.append(value, i, end);
                    gap = false;
                    i = end;
                    continue;
                }
                case '[' -> {
                    int end = value.indexOf(']', i);
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated domain literal");
                    }
                    target.append(value, i, end + 1);
                    gap = false;
                    i = end + 1;
                    continue;
                }
                case '<' -> {
                    if (inAngle || angle != null) {
                        throw new IllegalArgumentException("two angle-addrs in one mailbox");
                    }
                    if (pedantic && atInPhrase) {
                        throw new IllegalArgumentException("'@' in a display name");
                    }
                    angle = new StringBuilder();
                    inAngle = true;
                    gap = false;
                }
                case '>' -> {
                    if (!inAngle) {
                        throw new IllegalArgumentException("'>' without '<'");
                    }
                    inAngle = false;
                }
                case ',' -> {
                    if (inAngle) {
                        angle.append(c);        // obs-route: <@a,@b:user@domain>
                    } else {
                        addMailbox(out, plain, angle, pedantic, angle == null ? plainSplit : angleSplit);
                        plain.setLength(0);
                        angle = null;
                        atInPhrase = false;
                        plainSplit = false;
                        angleSplit = false;
                    }
                }
                case ';' -> {
                    if (inAngle || !inGroup) {
                        throw new IllegalArgumentException("';' outside a group");
                    }
                    addMailbox(out, plain, angle, pedantic, angle == null ? plainSplit : angleSplit);
                    plain.setLength(0);
                    angle = null;
                    atInPhrase = false;
                    plainSplit = false;
                    angleSplit = false;
                    inGroup = false;
                }
                case ':' -> {
                    if (inAngle) {
                        angle.append(c);
                    } else {
                        if (inGroup || angle != null) {
                            throw new IllegalArgumentException("unexpected ':'");
                        }
                        if (pedantic && atInPhrase) {
                            // RFC 5322 §3.4: the group's display-name is a phrase; clients show its '@' name
                            throw new IllegalArgumentException("'@' in a group name");
                        }
                        // RFC 6854 group: what came before the colon was the group's display name
                        plain.setLength(0);
                        atInPhrase = false;
                        plainSplit = false;
                        inGroup = true;
                    }
                }
                case ' ', '\t', '\r', '\n' -> {
                    // folding and spaces between tokens carry no meaning for the address
                    gap = true;
                }
                default -> {
                    if (angle != null && !inAngle) {
                        throw new IllegalArgumentException("text after an angle-addr");
                    }
                    atInPhrase |= !inAngle && isAtSign(c);
                    if (gap && target.length() > 0 && !joins(target.charAt(target.length() - 1)) && !joins(c)) {
                        if (inAngle) {
                            angleSplit = true;
                        } else {
                            plainSplit = true;
                        }
                    }
                    gap = false;
                    target.append(c);
                }
            }
            i++;
        }
        if (inAngle) {
            throw new IllegalArgumentException("unterminated angle-addr");
        }
        if (inGroup) {
            throw new IllegalArgumentException("unterminated group");
        }
        addMailbox(out, plain, angle, pedantic, angle == null ? plainSplit : angleSplit);
        return out;
    }

    /**
     * The characters next to which white space in an address is read joined only: the {@code @}. RFC 5322
     * (obs-local-part, obs-domain) allows it next to a dot too, but a client shows {@code victim.example. x} as
     * {@code victim.example}, the joined reading {@code victim.example.x}: pedantically, that is read both ways.
     */
    private static boolean joins(char c) {
        return isAtSign(c);
    }

    private static void addMailbox(List<String> out, StringBuilder plain, StringBuilder angle, boolean pedantic,
                                   boolean split) {
        if (pedantic && split) {
            throw new IllegalArgumentException("white space inside an address");
        }
        boolean keepRoute = pedantic;
        String address;
        if (angle != null) {
            address = angle.toString();
            int route = routeEnd(address);
            if (route >= 0 && !keepRoute) {
                address = address.substring(route + 1);
            }
            if (address.isEmpty()) {
                throw new IllegalArgumentException("empty angle-addr");
            }
        } else {
            address = plain.toString();
        }
        if (!address.isEmpty()) {
            out.add(address);
        }
    }

    /** The colon that ends an obsolete route ({@code @a,@b:}) at the start of an angle-addr, or -1. */
    private static int routeEnd(String address) {
        if (!address.startsWith("@")) {
            return -1;
        }
        int colon = address.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("route without ':'");
        }
        return colon;
    }

    /** The index after the comment starting at {@code start} (RFC 5322 §3.2.2: nested, with quoted-pairs). */
    private static int commentEnd(String value, int start) {
        int depth = 0;
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated comment");
    }

    /** The index after the quoted string starting at {@code start} (RFC 5322 §3.2.4, quoted-pairs inside). */
    private static int quotedStringEnd(String value, int start) {
        for (int i = start + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated quoted string");
    }

    /** '@' and the look-alikes mail clients show as one: U+FF20 (full-width), U+FE6B (small). */
    public static boolean isAtSign(char c) {
        return c == '@' || c == '\uFF20' || c == '\uFE6B';
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
