package dev.authpack.arc;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.SignatureTags;
import dev.authpack.dkim.internal.TagList;
import dev.authpack.mail.HeaderField;

import java.util.ArrayList;
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
 *
 * <p>{@code bodyHash} (bh=) and {@code bodyCanonicalization}: ARC-Message-Signature only (null for a seal);
 * {@code bodyLength} (l=) and {@code expiration} (x=): -1 when absent.
 */
record ArcSignature(ArcField arcField, DkimAlgorithm algorithm, byte[] signature, byte[] bodyHash,
                    Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization, String domain,
                    String selector, List<String> signedHeaders, long bodyLength, long expiration) {
    /**
     * RFC 8617 does not say what an AMS without c= means. The DKIM default (simple/simple) is what RFC 6376 would
     * give; the ValiMail suite (ams_fields_c_na), dkimpy and OpenARC use relaxed/relaxed, the only canonicalization
     * an ARC-Seal knows. We follow them.
     */
    static final Canonicalization[] DEFAULT_AMS_CANONICALIZATION = {Canonicalization.RELAXED,
            Canonicalization.RELAXED};
    private static final int MAX_SIGNED_HEADERS = ArcSealOptions.MAX_SIGNED_HEADERS;

    /** Reads a usable ARC-Message-Signature or ARC-Seal field (one with tags and an instance). */
    static ArcSignature parse(ArcField field, boolean allowEd25519) throws ArcSignatureException {
        TagList tags = field.tags();
        boolean ams = field.kind() == ArcFieldKind.MESSAGE_SIGNATURE;
        try {
            SignatureTags.requireTags(tags, ams ? new String[] {"a", "b", "bh", "d", "h", "s"}
                    : new String[] {"a", "b", "d", "s"});
            DkimAlgorithm algorithm = algorithm(tags.get("a"), allowEd25519);
            byte[] signature = SignatureTags.base64(tags, "b");
            String domain = SignatureTags.domain(tags);
            String selector = SignatureTags.selector(tags);
            long timestamp = SignatureTags.time(tags, "t");
            long expiration = SignatureTags.time(tags, "x");
            SignatureTags.checkTimeOrder(timestamp, expiration);
            if (!ams) {
                return new ArcSignature(field, algorithm, signature, null, Canonicalization.RELAXED, null, domain,
                        selector, List.of(), -1, expiration);
            }
            byte[] bodyHash = SignatureTags.base64(tags, "bh");
            // unlike DKIM: upper-case spellings refused, and a different default
            Canonicalization[] canon = SignatureTags.canonicalization(tags.get("c"), DEFAULT_AMS_CANONICALIZATION,
                    true);
            List<String> signedHeaders = headerList(tags.get("h"));
            long bodyLength = -1;
            String l = tags.get("l");
            if (l != null) {
                if (l.isEmpty() || l.length() > 18 || !SignatureTags.allDigits(l)) {
                    throw new ArcSignatureException("l= is not a number: " + l);
                }
                bodyLength = Long.parseLong(l);
            }
            return new ArcSignature(field, algorithm, signature, bodyHash, canon[0], canon[1], domain, selector,
                    signedHeaders, bodyLength, expiration);
        } catch (SignatureTags.TagValueException e) {
            throw new ArcSignatureException(e.getMessage());
        }
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

    HeaderField field() {
        return arcField.field();
    }

    int instance() {
        return arcField.instance();
    }

    /** {@code selector._domainkey.domain} (RFC 6376 §3.6.2.1). */
    String keyName() {
        return SignatureTags.keyName(selector, domain);
    }

    /** The raw field with the value of its b= tag (and the whitespace around it) deleted (RFC 6376 §3.7). */
    byte[] withoutSignatureValue() {
        return SignatureTags.withoutSignatureValue(arcField.field(), arcField.tags().tag("b"));
    }
}
