package dev.authpack.dkim;

import dev.authpack.dkim.internal.TagSyntaxException;
import dev.authpack.dkim.internal.TagList;
import dev.authpack.mail.HeaderField;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    private final HeaderField field;
    /** The field's octets, as {@link HeaderField#rawBytes()}: what the tag list was parsed from. */
    private final byte[] raw;
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
    /** {@link #keyName()}, once made. */
    private String keyName;

    private DkimSignature(HeaderField field, byte[] raw, TagList tags, DkimAlgorithm algorithm, byte[] signature,
                          byte[] bodyHash, Canonicalization headerCanonicalization,
                          Canonicalization bodyCanonicalization, String domain, String selector,
                          List<String> signedHeaders, String identity, long bodyLength, long timestamp,
                          long expiration) {
        this.field = field;
        this.raw = raw;
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
    }

    /**
     * Parses and validates a DKIM-Signature field.
     *
     * @throws InvalidSignatureException with the RFC 6376 reason when the field cannot be verified
     */
    static DkimSignature parse(HeaderField field) throws InvalidSignatureException {
        byte[] raw = field.rawBytes();
        TagList tags;
        try {
            // the tag list of the value, straight from the octets: offsets count from the value's start
            tags = TagList.parse(raw, field.valueOffset(), raw.length);
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
        try {
            SignatureTags.requireTags(tags, "a", "b", "bh", "d", "h", "s");
            DkimAlgorithm algorithm = DkimAlgorithm.fromTag(tags.get("a"));
            if (algorithm == null) {
                throw invalid("unsupported algorithm a=" + tags.get("a"), tags);
            }
            byte[] signature = SignatureTags.base64(tags, "b");
            byte[] bodyHash = SignatureTags.base64(tags, "bh");
            // c= default simple/simple (§3.5)
            Canonicalization[] canon = SignatureTags.canonicalization(tags.get("c"),
                    new Canonicalization[] {Canonicalization.SIMPLE, Canonicalization.SIMPLE}, false);
            String domain = SignatureTags.domain(tags);
            String selector = SignatureTags.selector(tags);
            List<String> signedHeaders = headerList(tags);
            String identity = identity(tags, domain);
            long bodyLength = -1;
            String l = tags.get("l");
            if (l != null) {
                if (l.isEmpty() || l.length() > 76 || !SignatureTags.allDigits(l)) {
                    throw invalid("l= is not a number: " + l, tags);
                }
                // more than 18 digits cannot be a real length: treat as longer than any body
                bodyLength = l.length() > 18 ? Long.MAX_VALUE : Long.parseLong(l);
            }
            checkQueryMethods(tags);
            long timestamp = SignatureTags.time(tags, "t");
            long expiration = SignatureTags.time(tags, "x");
            SignatureTags.checkTimeOrder(timestamp, expiration);
            return new DkimSignature(field, raw, tags, algorithm, signature, bodyHash, canon[0], canon[1], domain,
                    selector, signedHeaders, identity, bodyLength, timestamp, expiration);
        } catch (SignatureTags.TagValueException e) {
            throw invalid(e.getMessage(), tags);
        }
    }

    /**
     * This parse for {@code other}, a field with the very octets this one was parsed from (the caller compared
     * them, {@link DkimPrefetch}), in another message or place: what {@link #parse} gives for {@code other}, as the
     * parse reads nothing but the octets; only the field, and so its {@link HeaderField#index()}, is {@code other}.
     */
    DkimSignature at(HeaderField other) {
        if (other.length() != raw.length || other.valueOffset() != field.valueOffset()) {
            throw new IllegalArgumentException("not the octets this signature was parsed from");
        }
        DkimSignature moved = new DkimSignature(other, raw, tags, algorithm, signature, bodyHash,
                headerCanonicalization, bodyCanonicalization, domain, selector, signedHeaders, identity, bodyLength,
                timestamp, expiration);
        moved.keyName = keyName;
        return moved;
    }

    private static InvalidSignatureException invalid(String reason, TagList tags) {
        return new InvalidSignatureException(reason, tags);
    }

    /** h=: colon-separated field names, From required (§6.1.1). */
    private static List<String> headerList(TagList tags) throws InvalidSignatureException {
        String h = tags.compact("h");
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
        String decoded = decodeQuotedPrintable(tags.compact("i"));
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
        for (String method : tags.compact("q").split(":", -1)) {
            if (method.equalsIgnoreCase("dns/txt") || method.equalsIgnoreCase("dns")) {
                return;
            }
        }
        throw invalid("unsupported query method q=" + q, tags);
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

    /** The octets parsed: the field's, as {@link HeaderField#rawBytes()} gave them (not to be modified). */
    byte[] raw() {
        return raw;
    }

    TagList tags() {
        return tags;
    }

    /** The raw field with the value of its b= tag, and the whitespace around it, deleted (RFC 6376 §3.7). */
    byte[] withoutSignatureValue() {
        return SignatureTags.withoutSignatureValue(raw, field.valueOffset(), tags.tag("b"));
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

    /** The DNS name of the key record: {@code selector._domainkey.domain} (§3.6.2.1). */
    String keyName() {
        // asked several times per verification: made once (a benign race, like String.hash)
        String name = keyName;
        if (name == null) {
            name = SignatureTags.keyName(selector, domain);
            keyName = name;
        }
        return name;
    }
}
