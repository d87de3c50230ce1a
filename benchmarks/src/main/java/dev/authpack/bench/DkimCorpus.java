package dev.authpack.bench;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.SignatureTags;
import dev.authpack.dkim.SignedHeaders;
import dev.authpack.dkim.internal.TagList;
import dev.authpack.dkim.internal.TagSyntaxException;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A corpus of distinct signed messages for the DKIM benchmarks: {@code size} variants of the {@link DkimMessage}
 * newsletter (each its own prose and Message-ID), each signed rsa-sha256 by our {@link DkimSigner} with one fresh
 * RSA-2048 key (relaxed/relaxed, the signer's default header list), the key record in a {@link MemoryZone}.
 * Verifying the corpus in turn measures what a server sees (every message new to the CPU caches), not one message
 * verified over and over.
 *
 * <p>For the crypto floor it also keeps, per message, what the unavoidable work of a verification needs: where the
 * body starts (its SHA-256 is the least any body hash costs), the canonicalized header data the signature covers
 * and the signature itself (one RSA-2048 verification with its SHA-256 of that data).
 *
 * @param messages    the signed messages
 * @param bodyOffsets where each message's body starts
 * @param headerData  each message's signed header data (relaxed, RFC 6376 §3.7 step 2), computed once at setup
 * @param signatures  each message's b= value, decoded
 * @param publicKey   the RSA public key of the key record
 * @param zone        the key record at {@code rsa2048._domainkey.example.com}
 */
public record DkimCorpus(List<byte[]> messages, int[] bodyOffsets, List<byte[]> headerData, List<byte[]> signatures,
                         PublicKey publicKey, MemoryZone zone) {
    private static final int RSA_BITS = 2048;

    /** Signs {@code size} distinct messages (about 1.5 ms each). */
    public static DkimCorpus create(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a corpus has at least one message: " + size);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS, new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            DkimSigningKey key = DkimKeys.rsa(pair.getPrivate());
            DkimSigner signer = new DkimSigner(key, DkimFixture.options(DkimFixture.DOMAIN, DkimFixture.RSA_SELECTOR));
            byte[][] messages = new byte[size][];
            int[] bodyOffsets = new int[size];
            byte[][] headerData = new byte[size][];
            byte[][] signatures = new byte[size][];
            for (int i = 0; i < size; i++) {
                messages[i] = signer.sign(DkimMessage.newsletter(i));
                RawMessage parsed = RawMessage.parse(messages[i]);
                bodyOffsets[i] = parsed.bodyOffset();
                HeaderField field = parsed.fields("DKIM-Signature").get(0);
                TagList tags = TagList.parse(field.rawValue());
                List<String> names = Arrays.asList(TagList.withoutSpace(tags.get("h")).split(":"));
                headerData[i] = SignedHeaders.data(parsed, names, Canonicalization.RELAXED,
                        SignatureTags.withoutSignatureValue(field, tags.tag("b"))).toByteArray();
                signatures[i] = Base64.getDecoder().decode(TagList.withoutSpace(tags.get("b")));
            }
            MemoryZone zone = MemoryZone.builder()
                    .txt(DkimFixture.keyName(DkimFixture.RSA_SELECTOR), key.publicKeyRecord())
                    .build();
            return new DkimCorpus(List.of(messages), bodyOffsets, List.of(headerData), List.of(signatures),
                    pair.getPublic(), zone);
        } catch (GeneralSecurityException | DkimKeyException | MessageParseException | TagSyntaxException e) {
            throw new IllegalStateException("cannot build the DKIM corpus: " + e.getMessage(), e);
        }
    }

    public int size() {
        return messages.size();
    }
}
