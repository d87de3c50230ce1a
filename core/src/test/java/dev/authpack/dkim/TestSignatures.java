package dev.authpack.dkim;

import dev.authpack.dkim.internal.DkimCrypto;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.mail.RawMessage;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test keys, and a way to make DKIM-Signature fields with any tags (l=, rsa-sha1, odd t=/x=, ...) that the real
 * signer would never write, computed with the verifier's own canonicalization code.
 */
public final class TestSignatures {
    static final KeyPair RSA_512 = rsa(512);
    static final KeyPair RSA_1024 = rsa(1024);
    public static final KeyPair RSA_2048 = rsa(2048);
    /** RFC 8032 §7.1 test 1 secret key (= RFC 8463 A.1). */
    static final Ed25519PrivateKeyParameters ED25519 = new Ed25519PrivateKeyParameters(
            Base64.getDecoder().decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="), 0);

    static final String MESSAGE = "From: Joe <joe@example.com>\r\nTo: Suzie <suzie@example.net>\r\n"
            + "Subject: Is dinner ready?\r\nDate: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
            + "Message-ID: <1@example.com>\r\n\r\nHi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n";

    private TestSignatures() {
    }

    private static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A 2048-bit RSA key pair with a public exponent of about {@code e} (the first odd value from {@code e} up that
     * the key admits; the JDK wants it below the modulus), made from {@link #RSA_2048}'s primes.
     */
    static KeyPair rsaWithExponent(BigInteger e) {
        try {
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) RSA_2048.getPrivate();
            BigInteger p = crt.getPrimeP();
            BigInteger q = crt.getPrimeQ();
            BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
            BigInteger exponent = e.setBit(0);
            while (!exponent.gcd(phi).equals(BigInteger.ONE)) {
                exponent = exponent.add(BigInteger.TWO);
            }
            KeyFactory factory = KeyFactory.getInstance("RSA");
            BigInteger n = crt.getModulus();
            return new KeyPair(factory.generatePublic(new RSAPublicKeySpec(n, exponent)),
                    factory.generatePrivate(new RSAPrivateKeySpec(n, exponent.modInverse(phi))));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    /**
     * A 3072-bit RSA public key with a 3,067-bit public exponent, as an attacker may publish to make verifiers slow
     * (about 27 times a normal verification). The modulus is no product of known primes: the key is refused before
     * it is used.
     */
    static RSAPublicKey hugeExponentKey() {
        try {
            BigInteger n = BigInteger.ONE.shiftLeft(3071).add(BigInteger.valueOf(12345));
            BigInteger e = BigInteger.ONE.shiftLeft(3066).add(BigInteger.ONE);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    static String rsaRecord(RSAPublicKey key) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String rsaRecord(KeyPair pair) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    static String ed25519Record() {
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(ED25519.generatePublicKey().getEncoded());
    }

    /** Ordered tags, for {@link #sign}. */
    public static Map<String, String> tags(String... pairs) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            tags.put(pairs[i], pairs[i + 1]);
        }
        return tags;
    }

    /**
     * The message with a DKIM-Signature field on top made of {@code tags} in order, then {@code bh=} (computed
     * unless given) and {@code b=} (computed). {@code key} is a {@link KeyPair} (RSA) or {@link #ED25519}.
     */
    public static byte[] sign(byte[] message, Map<String, String> tags, Object key) {
        try {
            RawMessage parsed = RawMessage.parse(message);
            DkimAlgorithm algorithm = DkimAlgorithm.fromTag(tags.get("a"));
            String c = tags.getOrDefault("c", "simple/simple");
            Canonicalization header = Canonicalization.valueOf(c.split("/")[0].toUpperCase());
            Canonicalization body = c.contains("/") ? Canonicalization.valueOf(c.split("/")[1].toUpperCase())
                    : Canonicalization.SIMPLE;
            long l = tags.containsKey("l") ? Long.parseLong(tags.get("l")) : -1;
            StringBuilder field = new StringBuilder("DKIM-Signature:");
            tags.forEach((name, value) -> field.append(' ').append(name).append('=').append(value).append(';'));
            if (!tags.containsKey("bh")) {
                BodyHasher.Key bodyKey = new BodyHasher.Key(body, algorithm.digestName(), l);
                byte[] bh = BodyHasher.compute(parsed, List.of(bodyKey)).hashes().get(bodyKey).digest();
                field.append(" bh=").append(Base64.getEncoder().encodeToString(bh)).append(';');
            }
            field.append(" b=");
            List<String> names = new ArrayList<>();
            for (String name : tags.get("h").split(":")) {
                names.add(name.strip());
            }
            byte[] unsigned = field.toString().getBytes(StandardCharsets.ISO_8859_1);
            ByteBuilder data = SignedHeaders.data(parsed, names, header, unsigned);
            byte[] signature;
            if (key instanceof KeyPair pair) {
                Signature signer = Signature.getInstance(algorithm.jcaSignature());
                signer.initSign(pair.getPrivate());
                signer.update(data.array(), 0, data.length());
                signature = signer.sign();
            } else {
                signature = DkimCrypto.signEd25519((Ed25519PrivateKeyParameters) key, data.array(), data.length());
            }
            field.append(Base64.getEncoder().encodeToString(signature)).append("\r\n");
            return parsed.prepend(field.toString().getBytes(StandardCharsets.ISO_8859_1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
