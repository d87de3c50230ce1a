package dev.authpack.bench;

import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.mail.MessageParseException;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The data of the DKIM benchmarks, made once per trial: a fresh RSA-2048 key and a fresh Ed25519 key, the
 * {@link DkimMessage} signed with each by our {@link DkimSigner} (relaxed/relaxed, the default header list with
 * From over-signed: one signature per message; {@link #options}), and the two key records published in a
 * {@link MemoryZone}.
 *
 * @param rsaSigned     the message with one rsa-sha256 signature (d=example.com, s=rsa2048)
 * @param ed25519Signed the message with one ed25519-sha256 signature (d=example.com, s=ed2024)
 * @param zone          the TXT records at {@code rsa2048._domainkey.example.com} and
 *                      {@code ed2024._domainkey.example.com}
 */
public record DkimFixture(byte[] rsaSigned, byte[] ed25519Signed, MemoryZone zone) {
    public static final String DOMAIN = "example.com";
    public static final String RSA_SELECTOR = "rsa2048";
    public static final String ED25519_SELECTOR = "ed2024";
    private static final int RSA_BITS = 2048;
    private static final int ED25519_SEED_OCTETS = 32;

    /** Generates the keys and signs; takes well under a second. */
    public static DkimFixture create() {
        try {
            SecureRandom random = new SecureRandom();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS, random);
            DkimSigningKey rsa = DkimKeys.rsa(generator.generateKeyPair().getPrivate());
            byte[] seed = new byte[ED25519_SEED_OCTETS];
            random.nextBytes(seed);
            DkimSigningKey ed25519 = DkimKeys.ed25519(seed);

            byte[] message = DkimMessage.newsletter();
            byte[] rsaSigned = new DkimSigner(rsa, options(DOMAIN, RSA_SELECTOR)).sign(message);
            byte[] ed25519Signed = new DkimSigner(ed25519, options(DOMAIN, ED25519_SELECTOR))
                    .sign(message);
            MemoryZone zone = MemoryZone.builder()
                    .txt(keyName(RSA_SELECTOR), rsa.publicKeyRecord())
                    .txt(keyName(ED25519_SELECTOR), ed25519.publicKeyRecord())
                    .build();
            return new DkimFixture(rsaSigned, ed25519Signed, zone);
        } catch (GeneralSecurityException | DkimKeyException | MessageParseException e) {
            throw new IllegalStateException("cannot build the DKIM benchmark data: " + e.getMessage(), e);
        }
    }

    /**
     * The benchmarks' signatures: {@link DkimSignOptions#of} with From alone over-signed, as most signers of the mail
     * we verify do and as that default was until session 23 (it now over-signs more), so that the measured work
     * stays that of the earlier sessions' runs.
     */
    public static DkimSignOptions options(String domain, String selector) {
        return DkimSignOptions.of(domain, selector).withOverSignedHeaders(Set.of("from"))
                .withOverSignedWhenPresent(Set.of());
    }

    /** Where a selector's key record is published. */
    public static String keyName(String selector) {
        return selector + "._domainkey." + DOMAIN;
    }
}
