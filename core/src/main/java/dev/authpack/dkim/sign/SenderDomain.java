package dev.authpack.dkim.sign;

import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    /** The author domain of a From field value (the text after the colon). */
    public static SenderDomain ofFromValue(String value) {
        List<String> addresses;
        try {
            addresses = addrSpecs(value);
        } catch (IllegalArgumentException e) {
            return none("unreadable From field: " + e.getMessage());
        }
        String found = null;
        for (String address : addresses) {
            int at = address.lastIndexOf('@');
            if (at < 0) {
                return none("From address without a domain: " + address);
            }
            String domain;
            try {
                domain = domainName(address.substring(at + 1));
            } catch (IllegalArgumentException e) {
                return none("From address " + address + ": " + e.getMessage());
            }
            if (found != null && !found.equals(domain)) {
                return none("From has addresses in different domains (" + found + ", " + domain + ")");
            }
            found = domain;
        }
        return found == null ? none("no address in the From field") : new SenderDomain(found, null);
    }

    private static SenderDomain none(String problem) {
        return new SenderDomain(null, problem);
    }

    /**
     * The addr-specs of a mailbox-list or address-list: comments and folding removed, the content of angle
     * brackets when there are some (without an obsolete route), group names and display names dropped. Quoted
     * strings are kept with their quotes, so an {@code @} inside one is not taken for the domain's.
     */
    static List<String> addrSpecs(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder plain = new StringBuilder();   // the mailbox's text outside comments and angle brackets
        StringBuilder angle = null;                  // inside <...>, or the last angle-addr of this mailbox
        boolean inAngle = false;
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            StringBuilder target = inAngle ? angle : plain;
            if (c == '(') {
                i = skipComment(value, i);
                target.append(' ');
                continue;
            }
            if (c == '"') {
                int end = quotedStringEnd(value, i);
                target.append(value, i, end);
                i = end;
                continue;
            }
            if (c == '[') {
                int end = value.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated domain literal");
                }
                target.append(value, i, end + 1);
                i = end + 1;
                continue;
            }
            if (inAngle) {
                if (c == '>') {
                    inAngle = false;
                } else if (c == '<') {
                    throw new IllegalArgumentException("'<' inside an angle-addr");
                } else {
                    angle.append(c);
                }
            } else if (c == '<') {
                angle = new StringBuilder();
                inAngle = true;
            } else if (c == '>') {
                throw new IllegalArgumentException("'>' without '<'");
            } else if (c == ',' || c == ';') {
                addMailbox(out, plain, angle);
                plain.setLength(0);
                angle = null;
            } else if (c == ':') {
                // "group-name:" starts a group; what came before is its display name
                plain.setLength(0);
                angle = null;
            } else {
                plain.append(c);
            }
            i++;
        }
        if (inAngle) {
            throw new IllegalArgumentException("unterminated angle-addr");
        }
        addMailbox(out, plain, angle);
        return out;
    }

    private static void addMailbox(List<String> out, StringBuilder plain, StringBuilder angle) {
        String address;
        if (angle != null) {
            address = angle.toString();
            int route = address.lastIndexOf(':');          // obs-route: <@relay1,@relay2:user@domain>
            if (route >= 0 && address.lastIndexOf('"') < route) {
                address = address.substring(route + 1);
            }
        } else {
            address = plain.toString();
        }
        address = removeWhitespace(address);
        if (!address.isEmpty()) {
            out.add(address);
        }
    }

    /** Folding white space and the spaces left by comments; inside quoted strings it is kept. */
    private static String removeWhitespace(String address) {
        StringBuilder out = new StringBuilder(address.length());
        boolean quoted = false;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == '"' && (i == 0 || address.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (quoted || (c != ' ' && c != '\t' && c != '\r' && c != '\n')) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The index after the comment that starts at {@code start} (RFC 5322 §3.2.2: nested, with quoted-pairs). */
    private static int skipComment(String value, int start) {
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

    /** The index after the quoted string that starts at {@code start}. */
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
