package dev.authpack.bench;

import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data of the DMARC benchmark, made once per trial: the DNS zone of every {@link DmarcScenario} and, for each,
 * the message (the {@link DkimMessage} newsletter with the scenario's From, signed by our {@link DkimSigner} with a
 * fresh RSA-2048 key under the scenario's {@code d=}) together with its real SPF and DKIM results, computed here
 * over the same zone. DMARC is the only thing the benchmark then measures: it starts from these results, as
 * {@code MailAuthChecker} does once SPF and DKIM are in.
 *
 * @param zone   the DNS data of all scenarios
 * @param inputs per scenario: the parsed message and its SPF (MAIL FROM) and DKIM results
 */
public record DmarcFixture(MemoryZone zone, Map<DmarcScenario, Input> inputs) {
    /** The SMTP client of every scenario. */
    public static final String CLIENT = "192.0.2.25";
    public static final String HELO = "mail-out.mailer-esp.com";
    public static final String SELECTOR = "bench";
    private static final int RSA_BITS = 2048;

    /** What DMARC evaluates: the message (its From) and the results SPF and DKIM gave. */
    public record Input(RawMessage message, Optional<SpfResult> spf, Optional<DkimReport> dkim) {
    }

    public static DmarcFixture create() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS);
            DkimSigningKey key = DkimKeys.rsa(generator.generateKeyPair().getPrivate());
            MemoryZone zone = zone(key.publicKeyRecord());
            WarmZoneDnsResolver dns = new WarmZoneDnsResolver(zone, Map.of());
            SpfChecker spf = new SpfChecker(dns);
            DkimVerifier dkim = new DkimVerifier(dns);
            InetAddress client = InetAddress.getByName(CLIENT);

            Map<DmarcScenario, Input> inputs = new EnumMap<>(DmarcScenario.class);
            for (DmarcScenario s : DmarcScenario.values()) {
                byte[] signed = new DkimSigner(key, DkimFixture.options(s.dkimDomain(), SELECTOR))
                        .sign(withAuthor(DkimMessage.newsletter(), s.author()));
                RawMessage message = RawMessage.parse(signed);
                SpfResult verdict = spf.checkMailFrom(client, s.mailFrom(), HELO).join();
                DkimReport report = dkim.verify(message).join();
                List<DkimResult> passes = report.passes();
                if (verdict.status() != SpfStatus.PASS || passes.size() != 1
                        || !s.dkimDomain().equals(passes.get(0).domain())) {
                    throw new IllegalStateException(s + ": expected SPF pass and one DKIM pass for d="
                            + s.dkimDomain() + ", got SPF " + verdict.status().word() + " and DKIM "
                            + report.results());
                }
                inputs.put(s, new Input(message, Optional.of(verdict), Optional.of(report)));
            }
            return new DmarcFixture(zone, Map.copyOf(inputs));
        } catch (GeneralSecurityException | DkimKeyException | MessageParseException | UnknownHostException e) {
            throw new IllegalStateException("cannot build the DMARC benchmark data: " + e.getMessage(), e);
        }
    }

    /** The newsletter with another From address (the display name and everything else unchanged). */
    static byte[] withAuthor(byte[] message, String author) {
        String text = new String(message, StandardCharsets.US_ASCII);
        String from = "From: \"Example News\" <news@example.com>\r\n";
        if (!text.contains(from)) {
            throw new IllegalStateException("the newsletter's From field changed");
        }
        return text.replace(from, "From: \"Example News\" <" + author + ">\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * DMARC records as large senders publish them (a report address; {@code sp} and {@code np} on the
     * organization), SPF for the MAIL FROM domains, a few names that exist, and the DKIM key at every signing domain.
     */
    static MemoryZone zone(String keyRecord) {
        return MemoryZone.builder()
                .txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=r; aspf=r;"
                        + " rua=mailto:dmarc-reports@example.com; ruf=mailto:dmarc-failures@example.com; fo=1")
                .mx("example.com", 10, "mx.example.com")
                .a("example.com", "192.0.2.80")
                .a("mx.example.com", "192.0.2.81")
                .txt("news.example.com", "v=spf1 ip4:192.0.2.0/24 -all")
                .a("mail.news.example.com", "192.0.2.30")
                .txt("mailer-esp.com", "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all")
                .txt("_dmarc.mailer-esp.com", "v=DMARC1; p=none; rua=mailto:dmarc@mailer-esp.com")
                .txt("_dmarc.example.co.uk", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.co.uk")
                .a("mail.example.co.uk", "192.0.2.90")
                .txt(SELECTOR + "._domainkey.example.com", keyRecord)
                .txt(SELECTOR + "._domainkey.mailer-esp.com", keyRecord)
                .txt(SELECTOR + "._domainkey.example.co.uk", keyRecord)
                .build();
    }
}
