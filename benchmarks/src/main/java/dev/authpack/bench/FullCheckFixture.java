package dev.authpack.bench;

import dev.authpack.arc.ArcSealOptions;
import dev.authpack.arc.ArcSealResult;
import dev.authpack.arc.ArcSealer;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckerSettings;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dns.DnsResolver;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The data of the full-check benchmark, made once per trial. Three fresh RSA-2048 keys: the author's DKIM key
 * ({@code rsa2048._domainkey.example.com}) and the ARC keys of the two intermediaries
 * ({@code arc2024._domainkey.relay.example.org}, {@code arc2024._domainkey.lists.example.org}).
 *
 * <p>{@link FullCheckScenario#DIRECT}: the signed newsletter as its author's server sends it. For each other
 * {@link FullCheckScenario}, the way the message travelled: the {@link DkimMessage} newsletter is signed
 * by {@code example.com}; the intermediary receives it from {@code mail-out.example.com} (192.0.2.25, MAIL FROM
 * {@code bounces@news.example.com}) and checks it with our {@link MailAuthChecker}; a list then tags the Subject
 * and adds a footer; the intermediary adds its Received field and seals (our {@link ArcSealer}: relaxed/relaxed,
 * its default signed fields, the ARC-Authentication-Results of that check); and the message comes to us from the
 * intermediary's address. About 13 KB: 10.8 KB of signed newsletter plus the ARC set and a Received field.
 *
 * @param zone     the DNS data: DMARC, SPF, A and MX, DKIM and ARC keys
 * @param ptr      the PTR names of the three client addresses (each name's A record points back)
 * @param messages per scenario, the message as it reaches us
 * @param directVariants distinct newsletters as DIRECT's (the first is DIRECT's own): {@link #create(int)}
 */
public record FullCheckFixture(MemoryZone zone, Map<InetAddress, List<String>> ptr,
                               Map<FullCheckScenario, byte[]> messages, List<byte[]> directVariants) {
    public static final String AUTHSERV_ID = "mx.example.net";
    public static final String DKIM_SELECTOR = "rsa2048";
    public static final String ARC_SELECTOR = "arc2024";
    public static final String ORIGIN_CLIENT = "192.0.2.25";
    public static final String ORIGIN_HELO = "mail-out.example.com";
    public static final String ORIGIN_MAIL_FROM = "bounces@news.example.com";
    /** The intermediaries whose ARC word we take (MailAuthCheck's {@code trustedArcSealers}). */
    public static final Set<String> TRUSTED_SEALERS = Set.of("lists.example.org");
    private static final int RSA_BITS = 2048;

    /** MailAuthCheck's checks, all of them, with the trusted sealers. */
    public static CheckOptions options() {
        return CheckOptions.ALL.withTrustedArcSealers(TRUSTED_SEALERS);
    }

    /** The checker the mailet builds (AuthpackEngines), over the given resolver. */
    public static MailAuthChecker checker(DnsResolver dns) {
        return MailAuthChecker.create(dns, CheckerSettings.defaults(AUTHSERV_ID));
    }

    /** The DKIM verifier the checker builds, alone (the {@code dkimAlone} benchmark). */
    public static DkimVerifier dkimVerifier(DnsResolver dns) {
        CheckerSettings settings = CheckerSettings.defaults(AUTHSERV_ID);
        return new DkimVerifier(dns, settings.dkim().withKeyLookupTimeout(settings.timeouts().keyLookup())
                .withClock(settings.clock()));
    }

    /** The SMTP envelope of our check: the intermediary as client, with its own (SRS-style) MAIL FROM. */
    public static Envelope envelope(FullCheckScenario scenario) {
        if (!scenario.relayed()) {
            return new Envelope(address(ORIGIN_CLIENT), ORIGIN_HELO, ORIGIN_MAIL_FROM, List.of("alice@example.net"),
                    Optional.empty());
        }
        String mailFrom = scenario.modifies()
                ? "news-bounces@" + scenario.intermediary()
                : "SRS0=x7Qe=NM=news.example.com=bounces@" + scenario.intermediary();
        return new Envelope(address(scenario.address()), scenario.intermediary(), mailFrom,
                List.of("alice@example.net"), Optional.empty());
    }

    public static FullCheckFixture create() {
        return create(1);
    }

    /**
     * With {@code directVariants} distinct signed newsletters from the author's server ({@link #directVariants()}:
     * {@link DkimMessage#newsletter(int)} 0, 1, ..., signed with the same key; the first is the DIRECT message), for
     * a benchmark that checks distinct messages, as a server does, rather than one over and over.
     */
    public static FullCheckFixture create(int directVariants) {
        try {
            DkimSigningKey author = rsaKey();
            Map<FullCheckScenario, DkimSigningKey> sealers = new EnumMap<>(FullCheckScenario.class);
            for (FullCheckScenario s : relayed()) {
                sealers.put(s, rsaKey());
            }
            MemoryZone zone = zone(author, sealers);
            Map<InetAddress, List<String>> ptr = Map.of(
                    address(ORIGIN_CLIENT), List.of(ORIGIN_HELO),
                    address(FullCheckScenario.FORWARDED.address()), List.of(FullCheckScenario.FORWARDED.intermediary()),
                    address(FullCheckScenario.MAILING_LIST.address()),
                    List.of(FullCheckScenario.MAILING_LIST.intermediary()));
            MailAuthChecker hop = checker(new WarmZoneDnsResolver(zone, ptr));

            DkimSigner signer = new DkimSigner(author, DkimFixture.options("example.com", DKIM_SELECTOR));
            byte[] signed = signer.sign(DkimMessage.newsletter());
            List<byte[]> variants = new java.util.ArrayList<>(List.of(signed));
            for (int i = 1; i < directVariants; i++) {
                variants.add(signer.sign(DkimMessage.newsletter(i)));
            }
            Envelope fromOrigin = new Envelope(address(ORIGIN_CLIENT), ORIGIN_HELO, ORIGIN_MAIL_FROM,
                    List.of("news-readers@lists.example.org"), Optional.empty());
            Map<FullCheckScenario, byte[]> messages = new EnumMap<>(FullCheckScenario.class);
            messages.put(FullCheckScenario.DIRECT, signed);
            for (FullCheckScenario s : relayed()) {
                AuthCheckReport atIntermediary = hop.check(fromOrigin, signed, CheckOptions.ALL).join();
                byte[] passedOn = received(s, s.modifies() ? asListPost(signed) : signed);
                ArcSealer sealer = new ArcSealer(sealers.get(s), ArcSealOptions.of(s.intermediary(), ARC_SELECTOR));
                ArcSealResult sealed = sealer.seal(RawMessage.parse(passedOn), atIntermediary.arc().orElseThrow(),
                        s.intermediary(), atIntermediary.methodResults());
                if (!sealed.sealed()) {
                    throw new IllegalStateException(s + ": not sealed: " + sealed.reason());
                }
                messages.put(s, sealed.message());
            }
            return new FullCheckFixture(zone, ptr, Map.copyOf(messages), List.copyOf(variants));
        } catch (GeneralSecurityException | DkimKeyException | MessageParseException e) {
            throw new IllegalStateException("cannot build the full-check benchmark data: " + e.getMessage(), e);
        }
    }

    /** What a list does: a tag in the Subject, a footer at the end of the body. */
    static byte[] asListPost(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        String subject = "Subject: =?UTF-8?Q?June_update";
        if (!text.contains(subject)) {
            throw new IllegalStateException("the newsletter's Subject changed");
        }
        return (text.replace(subject, "Subject: [news-readers] =?UTF-8?Q?June_update")
                + "_______________________________________________\r\n"
                + "news-readers mailing list -- news-readers@lists.example.org\r\n"
                + "To unsubscribe send an email to news-readers-leave@lists.example.org\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The intermediary's Received field on top. */
    static byte[] received(FullCheckScenario s, byte[] message) {
        String field = "Received: from " + ORIGIN_HELO + " (" + ORIGIN_HELO + " [" + ORIGIN_CLIENT + "])\r\n"
                + "\tby " + s.intermediary() + " with ESMTPS id 5Wb3kR2yZez8tXr\r\n"
                + "\tfor <news-readers@lists.example.org>; Tue, 11 Jun 2024 09:15:04 +0000 (UTC)\r\n";
        byte[] head = field.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + message.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(message, 0, out, head.length, message.length);
        return out;
    }

    static MemoryZone zone(DkimSigningKey author, Map<FullCheckScenario, DkimSigningKey> sealers) {
        MemoryZone.Builder b = MemoryZone.builder()
                .txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=reject;"
                        + " rua=mailto:dmarc-reports@example.com; fo=1")
                .txt(DKIM_SELECTOR + "._domainkey.example.com", author.publicKeyRecord())
                .txt("news.example.com", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt(ORIGIN_HELO, "v=spf1 a -all")
                .a(ORIGIN_HELO, ORIGIN_CLIENT)
                .mx("example.com", 10, "mx.example.com")
                .a("mx.example.com", "192.0.2.81")
                .txt("_dmarc.example.org", "v=DMARC1; p=none; rua=mailto:dmarc@example.org");
        for (FullCheckScenario s : relayed()) {
            b.txt(s.intermediary(), "v=spf1 ip4:" + s.address() + " -all")
                    .a(s.intermediary(), s.address())
                    .txt(ARC_SELECTOR + "._domainkey." + s.intermediary(), sealers.get(s).publicKeyRecord());
        }
        return b.build();
    }

    /** The scenarios through an intermediary (each with its own ARC key). */
    static List<FullCheckScenario> relayed() {
        return java.util.Arrays.stream(FullCheckScenario.values()).filter(FullCheckScenario::relayed).toList();
    }

    private static DkimSigningKey rsaKey() throws GeneralSecurityException, DkimKeyException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(RSA_BITS);
        return DkimKeys.rsa(generator.generateKeyPair().getPrivate());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
