package dev.authpack.dkim;

import dev.authpack.mail.HeaderField;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A syntactically valid DKIM-Signature field (RFC 6376 §3.5), with the checks of §6.1.1 that need nothing but the
 * field itself. Time and local-policy checks (expiry, rsa-sha1, l=) are the verifier's.
 */
public final class DkimSignature {
    /** Bounds the h= list; a message has at most {@code MessageLimits.maxFields} fields anyway. */
    static final int MAX_SIGNED_HEADERS = 1000;
    private static final int MAX_TIME_DIGITS = 12;

    private final HeaderField field;
    private final TagList tags;
    private final DkimAlgorithm algorithm;
    private final byte[] signature;
    private final byte[] bodyHash;
    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final String domain;
    private final String selector;
    private final List<String> signedHeaders;
    private final String identity;
    private final long bodyLength;
    private final long timestamp;
    private final long expiration;
    private final TagList.Tag bTag;

    private DkimSignature(HeaderField field, TagList tags, DkimAlgorithm algorithm, byte[] signature,
                          byte[] bodyHash, Canonicalization headerCanonicalization,
                          Canonicalization bodyCanonicalization, String domain, String selector,
                          List<String> signedHeaders, String identity, long bodyLength, long timestamp,
                          long expiration) {
        this.field = field;
        this.tags = tags;
        this.algorithm = algorithm;
        this.signature = signature;
        this.bodyHash = bodyHash;
        this.headerCanonicalization = headerCanonicalization;
        this.bodyCanonicalization = bodyCanonicalization;
        this.domain = domain;
        this.selector = selector;
        this.signedHeaders = signedHeaders;
        this.identity = identity;
        this.bodyLength = bodyLength;
        this.timestamp = timestamp;
        this.expiration = expiration;
        this.bTag = tags.tag("b");
    }

    /**
     * Parses and validates a DKIM-Signature field.
     *
     * @throws InvalidSignatureException with the RFC 6376 reason when the field cannot be verified
     */
    static DkimSignature parse(HeaderField field) throws InvalidSignatureException {
        TagList tags;
        try {
            tags = TagList.parse(field.rawValue());
        } catch (TagSyntaxException e) {
            throw new InvalidSignatureException("signature syntax error: " + e.getMessage(), null);
        }
        // §6.1.1: version first, then the required tags
        String version = tags.get("v");
        if (version == null) {
            throw invalid("missing required tag v=", tags);
        }
        if (!version.equals("1")) {
            throw invalid("unsupported version v=" + version, tags);
        }
        for (String required : new String[] {"a", "b", "bh", "d", "h", "s"}) {
            if (!tags.has(required)) {
                throw invalid("missing required tag " + required + "=", tags);
            }
        }
        DkimAlgorithm algorithm = DkimAlgorithm.fromTag(tags.get("a"));
        if (algorithm == null) {
            throw invalid("unsupported algorithm a=" + tags.get("a"), tags);
        }
        byte[] signature = base64(tags, "b");
        byte[] bodyHash = base64(tags, "bh");
        Canonicalization[] canon = canonicalization(tags);
        String domain = tags.get("d").toLowerCase(Locale.ROOT);
        if (!isDomainName(domain, true)) {
            throw invalid("d= is not a domain name: " + tags.get("d"), tags);
        }
        String selector = tags.get("s").toLowerCase(Locale.ROOT);
        if (!isDomainName(selector, false)) {
            throw invalid("s= is not a valid selector: " + tags.get("s"), tags);
        }
        List<String> signedHeaders = headerList(tags);
        String identity = identity(tags, domain);
        long bodyLength = -1;
        String l = tags.get("l");
        if (l != null) {
            if (l.isEmpty() || l.length() > 76 || !allDigits(l)) {
                throw invalid("l= is not a number: " + l, tags);
            }
            // more than 18 digits cannot be a real length: treat as longer than any body
            bodyLength = l.length() > 18 ? Long.MAX_VALUE : Long.parseLong(l);
        }
        checkQueryMethods(tags);
        long timestamp = time(tags, "t");
        long expiration = time(tags, "x");
        if (timestamp >= 0 && expiration >= 0 && expiration < timestamp) {
            throw invalid("x= (" + expiration + ") is earlier than t= (" + timestamp + ")", tags);
        }
        return new DkimSignature(field, tags, algorithm, signature, bodyHash, canon[0], canon[1], domain, selector,
                signedHeaders, identity, bodyLength, timestamp, expiration);
    }

    private static InvalidSignatureException invalid(String reason, TagList tags) {
        return new InvalidSignatureException(reason, tags);
    }

    private static byte[] base64(TagList tags, String name) throws InvalidSignatureException {
        String value = TagList.withoutSpace(tags.get(name));
        if (value.isEmpty()) {
            throw invalid(name + "= is empty", tags);
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw invalid(name + "= is not valid base64", tags);
        }
    }

    /** c= (default simple/simple; "X" alone means X/simple). */
    private static Canonicalization[] canonicalization(TagList tags) throws InvalidSignatureException {
        String c = tags.get("c");
        if (c == null) {
            return new Canonicalization[] {Canonicalization.SIMPLE, Canonicalization.SIMPLE};
        }
        int slash = c.indexOf('/');
        Canonicalization header = Canonicalization.fromTag(slash < 0 ? c : c.substring(0, slash));
        Canonicalization body = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.fromTag(c.substring(slash + 1));
        if (header == null || body == null) {
            throw invalid("unsupported canonicalization c=" + c, tags);
        }
        return new Canonicalization[] {header, body};
    }

    /** h=: colon-separated field names, From required (§6.1.1). */
    private static List<String> headerList(TagList tags) throws InvalidSignatureException {
        String h = TagList.withoutSpace(tags.get("h"));
        List<String> names = new ArrayList<>();
        boolean from = false;
        int start = 0;
        while (start <= h.length()) {
            int colon = h.indexOf(':', start);
            int end = colon < 0 ? h.length() : colon;
            if (end == start) {
                throw invalid("h= has an empty field name", tags);
            }
            String name = h.substring(start, end);
            for (int i = 0; i < name.length(); i++) {
                char ch = name.charAt(i);
                if (ch < 33 || ch > 126) {
                    throw invalid("h= has an invalid field name: " + name, tags);
                }
            }
            if (names.size() >= MAX_SIGNED_HEADERS) {
                throw invalid("h= names more than " + MAX_SIGNED_HEADERS + " fields", tags);
            }
            names.add(name);
            from |= name.equalsIgnoreCase("from");
            start = end + 1;
        }
        if (!from) {
            throw invalid("From field not signed (h= does not include From)", tags);
        }
        return Collections.unmodifiableList(names);
    }

    /** i= (dkim-quoted-printable, default "@" + d): its domain must be d= or a subdomain of it (§3.5). */
    private static String identity(TagList tags, String domain) throws InvalidSignatureException {
        String raw = tags.get("i");
        if (raw == null) {
            return "@" + domain;
        }
        String decoded = decodeQuotedPrintable(TagList.withoutSpace(raw));
        if (decoded == null) {
            throw invalid("i= has invalid quoted-printable encoding", tags);
        }
        int at = decoded.lastIndexOf('@');
        if (at < 0) {
            throw invalid("i= has no '@': " + raw, tags);
        }
        String idDomain = decoded.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!isDomainName(idDomain, false)) {
            throw invalid("i= has an invalid domain: " + raw, tags);
        }
        if (!idDomain.equals(domain) && !idDomain.endsWith("." + domain)) {
            throw invalid("domain mismatch: i= " + idDomain + " is not d= " + domain + " or a subdomain of it",
                    tags);
        }
        return decoded;
    }

    /** q=: a colon-separated list of which dns/txt (or plain "dns", its RFC 4871 spelling) must be one. */
    private static void checkQueryMethods(TagList tags) throws InvalidSignatureException {
        String q = tags.get("q");
        if (q == null) {
            return;
        }
        for (String method : TagList.withoutSpace(q).split(":", -1)) {
            if (method.equalsIgnoreCase("dns/txt") || method.equalsIgnoreCase("dns")) {
                return;
            }
        }
        throw invalid("unsupported query method q=" + q, tags);
    }

    private static long time(TagList tags, String name) throws InvalidSignatureException {
        String value = tags.get(name);
        if (value == null) {
            return -1;
        }
        if (value.isEmpty() || value.length() > MAX_TIME_DIGITS || !allDigits(value)) {
            throw invalid(name + "= is not a time of at most " + MAX_TIME_DIGITS + " digits: " + value, tags);
        }
        return Long.parseLong(value);
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Letters, digits, hyphens and underscores in dot-separated labels of 1 to 63 characters, at most 253 in
     * all; {@code needDot}: at least two labels (the {@code domain-name} of RFC 6376 §3.5).
     */
    public static boolean isDomainName(String name, boolean needDot) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        int labelLength = 0;
        boolean dot = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                dot = true;
                labelLength = 0;
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_') {
                if (++labelLength > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return labelLength > 0 && (dot || !needDot);
    }

    /** dkim-quoted-printable (§2.11): {@code =XX} is an octet; other characters stand for themselves. */
    static String decodeQuotedPrintable(String value) {
        if (value.indexOf('=') < 0) {
            return value;
        }
        byte[] out = new byte[value.length()];
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '=') {
                if (i + 2 >= value.length()) {
                    return null;
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    HeaderField field() {
        return field;
    }

    TagList tags() {
        return tags;
    }

    DkimAlgorithm algorithm() {
        return algorithm;
    }

    byte[] signature() {
        return signature;
    }

    byte[] bodyHash() {
        return bodyHash;
    }

    Canonicalization headerCanonicalization() {
        return headerCanonicalization;
    }

    Canonicalization bodyCanonicalization() {
        return bodyCanonicalization;
    }

    /** d=, lower case. */
    String domain() {
        return domain;
    }

    /** s=, lower case. */
    String selector() {
        return selector;
    }

    List<String> signedHeaders() {
        return signedHeaders;
    }

    /** The AUID: i= decoded, or {@code @d}. */
    String identity() {
        return identity;
    }

    /** l=, or -1 when absent. */
    long bodyLength() {
        return bodyLength;
    }

    /** t=, or -1. */
    long timestamp() {
        return timestamp;
    }

    /** x=, or -1. */
    long expiration() {
        return expiration;
    }

    /** Offset in the field's raw value just after {@code b=}. */
    int bValueStart() {
        return bTag.afterEquals();
    }

    /** Offset in the field's raw value of the {@code ;} after the b= value, or the value's length. */
    int bValueEnd() {
        return bTag.end();
    }

    /** The DNS name of the key record: {@code selector._domainkey.domain} (§3.6.2.1). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }
}
