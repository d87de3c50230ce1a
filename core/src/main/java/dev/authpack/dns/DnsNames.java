package dev.authpack.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Domain name helpers shared by the resolvers: normalisation, validation, the text/wire mapping, reverse names.
 * The engine spells names as text; the wire name is the UTF-8 encoding of that text, one label per dot.
 */
public final class DnsNames {

    /** RFC 1035 §2.3.4: a label is at most 63 octets. */
    public static final int MAX_LABEL_LENGTH = 63;
    /** RFC 1035 §2.3.4: 255 octets on the wire, i.e. 253 octets of text without the trailing dot. */
    public static final int MAX_NAME_LENGTH = 253;

    private DnsNames() {
    }

    /**
     * Lower case by ASCII rules only (RFC 4343 §3: other octets do not compare case-insensitively), one trailing
     * dot removed; null becomes "".
     */
    public static String normalize(String name) {
        if (name == null) {
            return "";
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        StringBuilder sb = null;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (sb == null) {
                    sb = new StringBuilder(n);
                }
                sb.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return sb == null ? n : sb.toString();
    }

    /**
     * Why a normalised name cannot exist in the DNS, or empty if it can: an empty name or label, a label over 63
     * octets, a name over 253 octets in text (255 on the wire). Lengths count the octets of the wire name (the
     * UTF-8 encoding of the text). Any octet is allowed in a label (RFC 2181 §11): a space, a control character
     * or a non-ASCII character is escaped in the query, not refused. A malformed name is a permanent failure
     * ({@link DnsOutcome#INVALID_NAME}): no query can be composed, now or later.
     */
    public static Optional<String> malformed(String normalized) {
        if (normalized.isEmpty()) {
            return Optional.of("empty domain name");
        }
        byte[] octets = normalized.getBytes(StandardCharsets.UTF_8);
        if (octets.length > MAX_NAME_LENGTH) {
            return Optional.of("domain name longer than " + MAX_NAME_LENGTH + " octets");
        }
        int labelStart = 0;
        for (int i = 0; i <= octets.length; i++) {
            if (i == octets.length || octets[i] == '.') {
                int len = i - labelStart;
                if (len == 0) {
                    return Optional.of("empty label in domain name");
                }
                if (len > MAX_LABEL_LENGTH) {
                    return Optional.of("label longer than " + MAX_LABEL_LENGTH + " octets in domain name");
                }
                labelStart = i + 1;
            }
        }
        return Optional.empty();
    }

    /**
     * Why a normalised name is not a plain host or domain name, or empty if it is: {@link #malformed} plus no
     * space, control or non-ASCII character. For identities (an author domain, a policy domain), not for query
     * names: the resolvers query any octet.
     */
    public static Optional<String> problem(String normalized) {
        Optional<String> malformed = malformed(normalized);
        if (malformed.isPresent()) {
            return malformed;
        }
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return Optional.of("domain name contains a space, control or non-ASCII character");
            }
        }
        return Optional.empty();
    }

    /**
     * The absolute dnsjava name of a well-formed normalised name. Its text is encoded in UTF-8 and every octet
     * but letters, digits, '-', '_' and '*' is written as an RFC 1035 §5.1 {@code \DDD} escape, so spaces,
     * '\\', '@', '(' and any other octet are plain label octets on the wire.
     *
     * @throws TextParseException if the name is malformed (see {@link #malformed})
     */
    static Name toName(String normalized) throws TextParseException {
        byte[] octets = normalized.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(octets.length + 8);
        for (byte b : octets) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c == '.' || c == '*') {
                sb.append((char) c);
            } else {
                sb.append('\\');
                sb.append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10)).append((char) ('0' + c % 10));
            }
        }
        sb.append('.');
        return Name.fromString(sb.toString());
    }

    /**
     * A dnsjava name as the engine spells names, the inverse of {@link #toName}: labels decoded from UTF-8,
     * ASCII lower case, no trailing dot. A name that text cannot give back octet for octet (a label holding a '.'
     * or octets that are not UTF-8) keeps dnsjava's escaped presentation form, so it never reads as another name.
     */
    static String fromName(Name name) {
        StringBuilder sb = new StringBuilder();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int i = 0; i < name.labels(); i++) {
            byte[] label = name.getLabel(i); // length octet first
            if (label.length <= 1) {
                continue; // the root label
            }
            String text;
            try {
                text = utf8.decode(ByteBuffer.wrap(label, 1, label.length - 1)).toString();
            } catch (CharacterCodingException e) {
                return normalize(name.toString(true));
            }
            if (text.indexOf('.') >= 0) {
                return normalize(name.toString(true));
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(text);
        }
        return normalize(sb.toString());
    }

    /**
     * The PTR query name of an address: {@code 4.3.2.1.in-addr.arpa} (RFC 1035 §3.5) or the 32 reversed nibbles
     * under {@code ip6.arpa} (RFC 3596 §2.5). No trailing dot.
     */
    public static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder(address instanceof Inet4Address ? 29 : 73);
        if (address instanceof Inet4Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0x0f, 16)).append('.');
            sb.append(Character.forDigit((b[i] >> 4) & 0x0f, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }
}
