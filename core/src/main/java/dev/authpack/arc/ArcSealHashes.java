package dev.authpack.arc;

import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.dkim.SignedHeaders;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of what each ARC-Seal of a chain signs (RFC 8617 §5.1.1): the sets 1..i, each AAR, AMS, AS with relaxed
 * header canonicalization, the seal itself last without its b= value. Seal i's data begins with seal i-1's complete
 * sets, so the hash state after each complete set is kept (one pass over the chain, when made): the chain is hashed
 * once, not once per seal (which is quadratic: 50 sets of 20 KB would be 25 MiB to hash). For one validation; not
 * thread-safe.
 */
final class ArcSealHashes {
    private static final byte[] CRLF = {'\r', '\n'};

    private final ArcChain chain;
    /** {@code prefixes[j]}: the hash state after the complete sets 1..j (j = 0..n-1). */
    private final MessageDigest[] prefixes;

    /** @param n the chain's highest instance; the chain must have a valid structure */
    ArcSealHashes(ArcChain chain, int n) {
        this.chain = chain;
        prefixes = new MessageDigest[n];
        MessageDigest running = sha256();
        for (int j = 1; j < n; j++) {
            prefixes[j - 1] = copy(running);
            for (ArcFieldKind kind : ArcFieldKind.values()) {
                hashField(running, chain.field(j, kind));
            }
        }
        prefixes[n - 1] = running;
    }

    /** The hash of what seal {@code k} signs. */
    byte[] hash(int k, ArcSignature seal) {
        MessageDigest digest = copy(prefixes[k - 1]);
        hashField(digest, chain.field(k, ArcFieldKind.AUTHENTICATION_RESULTS));
        hashField(digest, chain.field(k, ArcFieldKind.MESSAGE_SIGNATURE));
        byte[] last = seal.withoutSignatureValue();
        ByteBuilder out = new ByteBuilder(last.length + 2, SignedHeaders.MAX_DATA);
        HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, last, 0, last.length, out);
        digest.update(out.array(), 0, out.length());
        return digest.digest();
    }

    /** One complete ARC field, relaxed, with its CRLF. */
    private static void hashField(MessageDigest digest, ArcField field) {
        // relaxed canonicalization never lengthens a field: room for it and the CRLF, no growing
        ByteBuilder out = new ByteBuilder(field.field().length() + 2, SignedHeaders.MAX_DATA);
        field.field().readRaw((bytes, offset, length) ->
                HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, bytes, offset, length, out));
        out.write(CRLF, 0, 2);
        digest.update(out.array(), 0, out.length());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("a SHA-256 state cannot be copied", e);
        }
    }
}
