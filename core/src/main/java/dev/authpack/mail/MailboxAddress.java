package dev.authpack.mail;

import dev.authpack.dns.DomainNames;
import dev.authpack.dns.IpLiterals;
import java.text.Normalizer;
import java.util.Optional;

/**
 * The one parser of a mail address ({@code local@domain}): an envelope path (RFC 5321 §4.1.2), or an addr-spec
 * that {@link AuthorDomains} took out of a From field (RFC 5322 §3.4.1), taken apart the way a relay decision needs it: the final domain in
 * canonical form, and whether the address carries <em>sender-specified routing</em>, the classic open-relay tricks:
 * <ul>
 *   <li>a source route {@code @us:user@other} (RFC 5321 §4.1.1.3, obsolete; the final mailbox is {@code user@other}),</li>
 *   <li>{@code user%other@us} (the "percent hack"),</li>
 *   <li>{@code other!user@us} (UUCP bang path),</li>
 *   <li>{@code "user@other"@us} or {@code user@other@us} (an '@' in the local part),</li>
 *   <li>any of these with the full-width or small form of '@', '%' or '!' (NFKC folds them; review s20).</li>
 * </ul>
 * A server behind us that honours any of these would forward the message to {@code other}.
 *
 * @param kind      what the text turned out to be
 * @param localPart the local part with quoting removed (empty unless {@link Kind#MAILBOX}/{@link Kind#ADDRESS_LITERAL})
 * @param domain    canonical domain ({@link DomainNames}) for a mailbox, the bracketed text for an address literal
 * @param routing   a description of the sender-specified routing found, if any
 * @param detail    why the address is invalid, or empty
 */
public record MailboxAddress(Kind kind, String localPart, String domain, Optional<String> routing, String detail) {

    /** Longest address text considered (RFC 5321 §4.5.3.1.3 allows 256 octets for a path). */
    public static final int MAX_LENGTH = 1024;

    public enum Kind {
        /** {@code <>}: the null reverse-path. */
        NULL,
        /** {@code local@domain}. */
        MAILBOX,
        /** {@code local@[192.0.2.1]} or {@code local@[IPv6:2001:db8::1]} (RFC 5321 §4.1.3). */
        ADDRESS_LITERAL,
        INVALID
    }

    public boolean isRouted() {
        return routing.isPresent();
    }

    /** A mailbox or an address literal: something mail could be sent to. */
    public boolean isDeliverable() {
        return kind == Kind.MAILBOX || kind == Kind.ADDRESS_LITERAL;
    }

    /** Never throws: bad text gives {@link Kind#INVALID} with a reason. Angle brackets are optional. */
    public static MailboxAddress parse(String raw) {
        if (raw == null) {
            return invalid("no address");
        }
        String s = raw.strip();
        if (s.length() > MAX_LENGTH) {
            return invalid("address longer than " + MAX_LENGTH + " characters");
        }
        if (s.startsWith("<") || s.endsWith(">")) {
            if (!(s.startsWith("<") && s.endsWith(">") && s.length() >= 2)) {
                return invalid("unbalanced angle brackets");
            }
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            return new MailboxAddress(Kind.NULL, "", "", Optional.empty(), "");
        }
        String routing = null;
        if (s.charAt(0) == '@') {
            int colon = s.indexOf(':');
            if (colon < 0) {
                return invalid("source route without ':'");
            }
            String route = s.substring(0, colon);
            for (int i = 0; i < route.length(); i++) {
                char c = route.charAt(i);
                boolean ok = Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '@'
                        || c == ',' || c == '[' || c == ']';
                if (!ok) {
                    return invalid("bad character in source route");
                }
            }
            routing = "source route '" + route + ":'";
            s = s.substring(colon + 1);
        }
        StringBuilder local = new StringBuilder();
        int at;
        if (s.startsWith("\"")) {
            int pos = 1;
            boolean closed = false;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\\') {
                    if (pos + 1 >= s.length()) {
                        return invalid("unterminated quoted local part");
                    }
                    char escaped = s.charAt(pos + 1);
                    if (escaped < ' ' && escaped != '\t') {
                        return invalid("control character in local part");
                    }
                    local.append(escaped);
                    pos += 2;
                    continue;
                }
                if (c == '"') {
                    closed = true;
                    pos++;
                    break;
                }
                if (c < ' ' || c == 0x7f) {
                    return invalid("control character in local part");
                }
                local.append(c);
                pos++;
            }
            if (!closed) {
                return invalid("unterminated quoted local part");
            }
            if (pos >= s.length() || s.charAt(pos) != '@') {
                return invalid("expected '@' after the quoted local part");
            }
            at = pos;
        } else {
            at = s.lastIndexOf('@');
            if (at <= 0) {
                return invalid(at == 0 ? "empty local part" : "no '@' in address");
            }
            for (int i = 0; i < at; i++) {
                char c = s.charAt(i);
                if (!isUnquotedLocalChar(c)) {
                    return invalid("character '" + printable(c) + "' not allowed in an unquoted local part");
                }
            }
            local.append(s, 0, at);
        }
        if (local.length() == 0) {
            return invalid("empty local part");
        }
        if (routing == null) {
            routing = routingIn(local);
        }
        String domainText = s.substring(at + 1);
        if (domainText.startsWith("[")) {
            if (!domainText.endsWith("]") || !isAddressLiteral(domainText.substring(1, domainText.length() - 1))) {
                return invalid("bad address literal '" + domainText + "'");
            }
            return new MailboxAddress(Kind.ADDRESS_LITERAL, local.toString(), domainText,
                    Optional.ofNullable(routing), "");
        }
        String domain;
        try {
            domain = DomainNames.canonical(domainText);
        } catch (IllegalArgumentException e) {
            return invalid("'" + domainText + "' is not a domain name: " + e.getMessage());
        }
        return new MailboxAddress(Kind.MAILBOX, local.toString(), domain, Optional.ofNullable(routing), "");
    }

    private static String routingIn(CharSequence local) {
        String l = local.toString();
        if (!isAscii(l)) {
            // full-width and small forms of '@', '%', '!' (U+FF20, U+FE6B, ...) are those characters to a next hop
            // that normalises an RFC 6531 local part (RFC 6530 §10.1 suggests NFKC) (review s20)
            l = Normalizer.normalize(l, Normalizer.Form.NFKC);
        }
        if (l.indexOf('@') >= 0) {
            return "'@' in the local part";
        }
        if (l.indexOf('%') >= 0) {
            return "'%' in the local part";
        }
        if (l.indexOf('!') >= 0) {
            return "'!' in the local part";
        }
        return null;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5322 atext, '.', '@' (flagged as routing later) and non-ASCII (RFC 6531). */
    private static boolean isUnquotedLocalChar(char c) {
        if (c > 0x7f) {
            return true;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-/=?^_`{|}~.@".indexOf(c) >= 0;
    }

    private static boolean isAddressLiteral(String inner) {
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = inner.substring(5);
            return v6.indexOf(':') >= 0 && IpLiterals.parse(v6).isPresent();
        }
        return inner.indexOf(':') < 0 && IpLiterals.parse(inner).isPresent();
    }

    private static String printable(char c) {
        return c < ' ' || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static MailboxAddress invalid(String why) {
        return new MailboxAddress(Kind.INVALID, "", "", Optional.empty(), why);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NULL -> "<>";
            case INVALID -> "invalid address (" + detail + ")";
            default -> localPart + "@" + domain;
        };
    }
}
