package dev.authpack.arc;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.DkimSignature;
import dev.authpack.dkim.TagList;
import dev.authpack.mail.HeaderField;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A readable ARC-Message-Signature or ARC-Seal (RFC 8617 §4.1.2, §4.1.3): the DKIM-Signature tags (RFC 6376 §3.5)
 * without the AUID, {@code i=} being the instance. Checked here: what needs nothing but the field.
 *
 * <p>ARC-Message-Signature: {@code a}, {@code b}, {@code bh}, {@code d}, {@code h}, {@code s} required; {@code c}
 * defaults to {@code relaxed/relaxed} (see {@link #DEFAULT_AMS_CANONICALIZATION}); {@code h=} may be empty and may
 * name empty or absent fields (they contribute nothing), but must not name ARC-Seal; {@code v=} is ignored.
 * ARC-Seal: {@code a}, {@code b}, {@code d}, {@code s} required ({@code cv} is checked with the chain's structure);
 * relaxed header canonicalization, whatever {@code c=} says.
 */
final class ArcSignature {
    /**
     * RFC 8617 does not say what an AMS without c= means. The DKIM default (simple/simple) is what RFC 6376 would
     * give; the ValiMail suite (ams_fields_c_na), dkimpy and OpenARC use relaxed/relaxed, the only canonicalization
     * an ARC-Seal knows. We follow them.
     */
    static final Canonicalization[] DEFAULT_AMS_CANONICALIZATION = {Canonicalization.RELAXED,
            Canonicalization.RELAXED};
    private static final int MAX_SIGNED_HEADERS = 1000;
    private static final int MAX_TIME_DIGITS = 12;

    private final ArcField arcField;
    private final DkimAlgorithm algorithm;
    private final byte[] signature;
    private final byte[] bodyHash;
    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final String domain;
    private final String selector;
    private final List<String> signedHeaders;
    private final long bodyLength;
    private final long expiration;

    private ArcSignature(ArcField arcField, DkimAlgorithm algorithm, byte[] signature, byte[] bodyHash,
                         Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
                         String domain, String selector, List<String> signedHeaders, long bodyLength,
                         long expiration) {
        this.arcField = arcField;
        this.algorithm = algorithm;
        this.signature = signature;
        this.bodyHash = bodyHash;
        this.headerCanonicalization = headerCanonicalization;
        this.bodyCanonicalization = bodyCanonicalization;
        this.domain = domain;
        this.selector = selector;
        this.signedHeaders = signedHeaders;
        this.bodyLength = bodyLength;
        this.expiration = expiration;
    }

    /** Reads a usable ARC-Message-Signature or ARC-Seal field (one with tags and an instance). */
    static ArcSignature parse(ArcField field, boolean allowEd25519) throws ArcSignatureException {
        TagList tags = field.tags();
        boolean ams = field.kind() == ArcFieldKind.MESSAGE_SIGNATURE;
        String[] required = ams ? new String[] {"a", "b", "bh", "d", "h", "s"} : new String[] {"a", "b", "d", "s"};
        for (String name : required) {
            if (!tags.has(name)) {
                throw new ArcSignatureException("missing required tag " + name + "=");
            }
        }
        DkimAlgorithm algorithm = algorithm(tags.get("a"), allowEd25519);
        byte[] signature = base64(tags, "b");
        String domain = tags.get("d").toLowerCase(Locale.ROOT);
        if (!DkimSignature.isDomainName(domain, true)) {
            throw new ArcSignatureException("d= is not a domain name: " + tags.get("d"));
        }
        String selector = tags.get("s").toLowerCase(Locale.ROOT);
        if (!DkimSignature.isDomainName(selector, false)) {
            throw new ArcSignatureException("s= is not a valid selector: " + tags.get("s"));
        }
        long timestamp = time(tags, "t");
        long expiration = time(tags, "x");
        if (timestamp >= 0 && expiration >= 0 && expiration < timestamp) {
            throw new ArcSignatureException("x= (" + expiration + ") is earlier than t= (" + timestamp + ")");
        }
        if (!ams) {
            return new ArcSignature(field, algorithm, signature, null, Canonicalization.RELAXED, null, domain,
                    selector, List.of(), -1, expiration);
        }
        byte[] bodyHash = base64(tags, "bh");
        Canonicalization[] canon = canonicalization(tags.get("c"));
        List<String> signedHeaders = headerList(tags.get("h"));
        long bodyLength = -1;
        String l = tags.get("l");
        if (l != null) {
            if (l.isEmpty() || l.length() > 18 || !allDigits(l)) {
                throw new ArcSignatureException("l= is not a number: " + l);
            }
            bodyLength = Long.parseLong(l);
        }
        return new ArcSignature(field, algorithm, signature, bodyHash, canon[0], canon[1], domain, selector,
                signedHeaders, bodyLength, expiration);
    }

    private static DkimAlgorithm algorithm(String a, boolean allowEd25519) throws ArcSignatureException {
        DkimAlgorithm algorithm = DkimAlgorithm.fromTag(a);
        if (algorithm == DkimAlgorithm.RSA_SHA256 && a.equals(algorithm.tag())) {
            return algorithm;
        }
        if (algorithm == DkimAlgorithm.ED25519_SHA256 && allowEd25519 && a.equals(algorithm.tag())) {
            return algorithm;
        }
        if (algorithm == DkimAlgorithm.RSA_SHA1) {
            throw new ArcSignatureException("rsa-sha1 is not accepted (RFC 8301 section 3.1)");
        }
        if (algorithm == DkimAlgorithm.ED25519_SHA256 && !allowEd25519) {
            throw new ArcSignatureException("a=ed25519-sha256 is not an ARC algorithm (RFC 8617 uses rsa-sha256)");
        }
        throw new ArcSignatureException("unsupported algorithm a=" + a);
    }

    private static byte[] base64(TagList tags, String name) throws ArcSignatureException {
        String value = TagList.withoutSpace(tags.get(name));
        if (value.isEmpty()) {
            throw new ArcSignatureException(name + "= is empty");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new ArcSignatureException(name + "= is not valid base64");
        }
    }

    private static Canonicalization[] canonicalization(String c) throws ArcSignatureException {
        if (c == null) {
            return DEFAULT_AMS_CANONICALIZATION;
        }
        int slash = c.indexOf('/');
        Canonicalization header = Canonicalization.fromTag(slash < 0 ? c : c.substring(0, slash));
        Canonicalization body = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.fromTag(c.substring(slash + 1));
        if (header == null || body == null || !c.equals(c.toLowerCase(Locale.ROOT))) {
            throw new ArcSignatureException("unsupported canonicalization c=" + c);
        }
        return new Canonicalization[] {header, body};
    }

    /** h=: colon-separated names, whitespace ignored; empty names name no field. */
    private static List<String> headerList(String value) throws ArcSignatureException {
        String h = TagList.withoutSpace(value);
        List<String> names = new ArrayList<>();
        int start = 0;
        while (start <= h.length()) {
            int colon = h.indexOf(':', start);
            int end = colon < 0 ? h.length() : colon;
            String name = h.substring(start, end).toLowerCase(Locale.ROOT);
            if (name.equals("arc-seal")) {
                // RFC 8617 §4.1.2: ARC header fields must not be signed by the AMS; a signed seal could never verify
                throw new ArcSignatureException("h= includes ARC-Seal");
            }
            if (names.size() >= MAX_SIGNED_HEADERS) {
                throw new ArcSignatureException("h= names more than " + MAX_SIGNED_HEADERS + " fields");
            }
            names.add(name);
            if (colon < 0) {
                break;
            }
            start = colon + 1;
        }
        return Collections.unmodifiableList(names);
    }

    private static long time(TagList tags, String name) throws ArcSignatureException {
        String value = tags.get(name);
        if (value == null) {
            return -1;
        }
        if (value.isEmpty() || value.length() > MAX_TIME_DIGITS || !allDigits(value)) {
            throw new ArcSignatureException(name + "= is not a time of at most " + MAX_TIME_DIGITS + " digits: "
                    + value);
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

    ArcField arcField() {
        return arcField;
    }

    HeaderField field() {
        return arcField.field();
    }

    int instance() {
        return arcField.instance();
    }

    DkimAlgorithm algorithm() {
        return algorithm;
    }

    byte[] signature() {
        return signature;
    }

    /** bh= (ARC-Message-Signature only). */
    byte[] bodyHash() {
        return bodyHash;
    }

    Canonicalization headerCanonicalization() {
        return headerCanonicalization;
    }

    Canonicalization bodyCanonicalization() {
        return bodyCanonicalization;
    }

    String domain() {
        return domain;
    }

    String selector() {
        return selector;
    }

    List<String> signedHeaders() {
        return signedHeaders;
    }

    /** l=, or -1. */
    long bodyLength() {
        return bodyLength;
    }

    /** x=, or -1. */
    long expiration() {
        return expiration;
    }

    /** {@code selector._domainkey.domain} (RFC 6376 §3.6.2.1). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }

    /** The raw field with the value of its b= tag (and the whitespace around it) deleted (RFC 6376 §3.7). */
    byte[] withoutSignatureValue() {
        TagList.Tag b = arcField.tags().tag("b");
        HeaderField field = arcField.field();
        byte[] raw = field.rawBytes();
        int from = field.valueOffset() + b.afterEquals();
        int to = field.valueOffset() + b.end();
        byte[] out = new byte[raw.length - (to - from)];
        System.arraycopy(raw, 0, out, 0, from);
        System.arraycopy(raw, to, out, from, raw.length - to);
        return out;
    }
}
