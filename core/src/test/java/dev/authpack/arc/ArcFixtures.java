package dev.authpack.arc;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

/** Keys, DNS and messages for the ARC unit tests: two sealers (an origin list and a forwarder). */
public final class ArcFixtures {
    static final Clock NOW = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    /** 1024 bits: the floor, and fast to generate. */
    static final DkimSigningKey LIST_KEY = rsaKey();
    static final DkimSigningKey FORWARDER_KEY = rsaKey();
    static final String MESSAGE = "From: Alice <alice@origin.example>\r\n"
            + "To: list@lists.example\r\n"
            + "Subject: ARC test\r\n"
            + "Date: Sun, 1 Mar 2026 11:59:00 +0000\r\n"
            + "Message-ID: <arc-test@origin.example>\r\n"
            + "\r\n"
            + "Hello,\r\n"
            + "this message is sealed.\r\n";

    private ArcFixtures() {
    }

    /** A new 1024-bit RSA key (for tests elsewhere in core that seal). */
    public static DkimSigningKey rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(1024);
            return DkimKeys.rsa(generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException | DkimKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** s1._domainkey.lists.example and s2._domainkey.forwarder.example. */
    static SuiteDns dns() {
        return new SuiteDns().add("s1._domainkey.lists.example", LIST_KEY.publicKeyRecord())
                .add("s2._domainkey.forwarder.example", FORWARDER_KEY.publicKeyRecord());
    }

    static ArcSealer listSealer() {
        return new ArcSealer(LIST_KEY, ArcSealOptions.of("lists.example", "s1").withClock(NOW));
    }

    static ArcSealer forwarderSealer() {
        return new ArcSealer(FORWARDER_KEY, ArcSealOptions.of("forwarder.example", "s2").withClock(NOW));
    }

    static ArcVerifier verifier(SuiteDns dns) {
        return new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(NOW));
    }

    static RawMessage parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    static RawMessage parse(byte[] bytes) {
        try {
            return RawMessage.parse(bytes);
        } catch (MessageParseException e) {
            throw new UncheckedIOException(new java.io.IOException(e));
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Validates the message's chain, then seals it with {@code sealer}; returns the sealed message. */
    static byte[] sealValidated(ArcSealer sealer, SuiteDns dns, byte[] message, String resinfo) {
        RawMessage parsed = parse(message);
        ArcResult chain = verifier(dns).verify(parsed).join();
        ArcSealResult result = sealer.seal(parsed, chain, "mx.lists.example", resinfo);
        if (!result.sealed()) {
            throw new IllegalStateException("not sealed: " + result.reason());
        }
        return result.message();
    }

    /**
     * {@code message} with a first ARC set by {@code domain} whose ARC-Message-Signature names selector
     * {@code amsSelector} and whose ARC-Seal names {@code sealSelector}, both signed with {@code key}: a sealer that
     * keeps a key for each, so that the set's message signature needs a key lookup the seals do not.
     */
    public static byte[] firstSetWithOwnAmsSelector(DkimSigningKey key, String domain, String amsSelector,
                                                    String sealSelector, byte[] message, String resinfo) {
        ArcSealResult first = new ArcSealer(key, ArcSealOptions.of(domain, amsSelector).withClock(NOW))
                .seal(parse(message), ArcResult.none(), "mx." + domain, resinfo);
        // RFC 8617 §5.1.1: the seal of instance 1 signs its AAR, AMS and itself (b= empty), relaxed
        String unsigned = "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=" + domain + "; s=" + sealSelector + "; t="
                + NOW.instant().getEpochSecond() + "; b=";
        ByteBuilder data = new ByteBuilder(4096, 1 << 20);
        for (String field : new String[] {first.authenticationResults(), first.messageSignature(), unsigned}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, bytes, 0, bytes.length, data);
            if (!field.equals(unsigned)) {
                data.write(new byte[] {'\r', '\n'}, 0, 2);
            }
        }
        String seal = unsigned + Base64.getEncoder().encodeToString(key.sign(data.array(), data.length()));
        return (seal + "\r\n" + first.messageSignature() + "\r\n" + first.authenticationResults() + "\r\n"
                + text(message)).getBytes(StandardCharsets.UTF_8);
    }

    /** The message with {@code from} replaced by {@code to} once (must occur). */
    static byte[] replace(byte[] message, String from, String to) {
        String text = text(message);
        if (!text.contains(from)) {
            throw new IllegalArgumentException("not in the message: " + from);
        }
        return text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to))
                .getBytes(StandardCharsets.UTF_8);
    }
}
