package dev.authpack.james;

import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSealOptions;
import dev.authpack.arc.ArcSealer;
import dev.authpack.check.Envelope;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.RawMessage;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Optional;

/**
 * A post of the {@code p=reject} domain victim.example through a list whose ARC sealer (lists.example) is trusted
 * and saw {@code dmarc=pass}: DMARC fails at our hop, the sealer's chain overrides it (review of session 16,
 * finding 1). For the hook's and the mailet's tests of our own overload at the sealer's key.
 */
public final class TrustedListPost {
    public static final String SEALER = "lists.example";
    public static final String KEY_NAME = "s1._domainkey.lists.example";
    public static final String CLIENT = "198.51.100.7";
    public static final String MAIL_FROM = "list-bounces@lists.example";
    private static final DkimSigningKey KEY = key();
    /** The author's record and the sealer's key. */
    public static final ZoneFileResolver ZONE = zone("v=DMARC1; p=reject");
    /** The post as the list sends it on: one ARC set. */
    public static final byte[] MESSAGE = sealed();

    private TrustedListPost() {
    }

    /** The sealer's key and {@code dmarcRecord} as the author's record. */
    public static ZoneFileResolver zone(String dmarcRecord) {
        return new ZoneFileResolver("_dmarc.victim.example. 300 IN TXT \"" + dmarcRecord + "\"\n" + KEY_NAME
                + ". 300 IN TXT \"" + KEY.publicKeyRecord() + "\"\n");
    }

    public static Envelope envelope() throws Exception {
        return new Envelope(InetAddress.getByName(CLIENT), "mx." + SEALER, MAIL_FROM, List.of("bob@example.org"),
                Optional.empty());
    }

    private static DkimSigningKey key() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(1024);
            return DkimKeys.rsa(generator.generateKeyPair().getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sealed() {
        String post = "From: CEO <ceo@victim.example>\r\nTo: list@lists.example\r\nSubject: [list] figures\r\n"
                + "Message-ID: <post@victim.example>\r\n\r\nFigures attached.\r\n-- \r\nlist footer\r\n";
        try {
            return new ArcSealer(KEY, ArcSealOptions.of(SEALER, "s1")).seal(RawMessage.parse(post.getBytes(
                    StandardCharsets.UTF_8)), ArcResult.none(), "mx." + SEALER, "dmarc=pass header.from=victim.example")
                    .message();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
