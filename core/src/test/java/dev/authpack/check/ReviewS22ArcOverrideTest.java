package dev.authpack.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.arc.ArcFixtures;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSealOptions;
import dev.authpack.arc.ArcSealResult;
import dev.authpack.arc.ArcSealer;
import dev.authpack.arc.ArcStatus;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.RawMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Session 22's attacker's review of the trusted-ARC-sealer override, end to end through {@link MailAuthChecker}: the
 * attacker replays a message lists.example (trusted) sealed with {@code dmarc=pass header.from=victim.example}, with
 * a From field of their own added above it; the chain still validates, DMARC fails, and the sealer's pass must not
 * excuse an author it never saw.
 */
class ReviewS22ArcOverrideTest {
    private static final DkimSigningKey LIST_KEY = ArcFixtures.rsaKey();
    private static final ZoneFileResolver ZONE = new ZoneFileResolver("_dmarc.victim.example. 300 IN TXT"
            + " \"v=DMARC1; p=reject\"\n"
            + "s1._domainkey.lists.example. 300 IN TXT \"" + LIST_KEY.publicKeyRecord() + "\"\n");
    private static final String POST = "From: News <news@victim.example>\r\nTo: list@lists.example\r\n"
            + "Subject: [list] newsletter\r\nDate: Sun, 1 Mar 2026 11:59:00 +0000\r\n\r\nHello\r\n";

    /** The post as the list sends it on, sealed by a list that lists From once in h= (as many sealers do). */
    private static String listPost() throws Exception {
        ArcSealResult sealed = new ArcSealer(LIST_KEY, ArcSealOptions.of("lists.example", "s1")
                .withSignedHeaders(List.of("from", "to", "subject", "date")))
                .seal(RawMessage.parse(POST.getBytes(StandardCharsets.UTF_8)), ArcResult.none(), "mx.lists.example",
                        "dmarc=pass header.from=victim.example");
        assertThat(sealed.sealed()).isTrue();
        return new String(sealed.message(), StandardCharsets.UTF_8);
    }

    private static AuthCheckReport check(String message) throws Exception {
        Envelope envelope = new Envelope(InetAddress.getByName("198.51.100.7"), "mx.attacker.example",
                "x@attacker.example", List.of("bob@example.org"), Optional.empty());
        return MailAuthChecker.create(ZONE, CheckerSettings.defaults("mx.example.org"))
                .check(envelope, message.getBytes(StandardCharsets.UTF_8),
                        CheckOptions.ALL.withTrustedArcSealers(Set.of("lists.example"))).get();
    }

    private static void assertEnforced(AuthCheckReport report) {
        assertThat(report.dmarc().orElseThrow().status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(report.dmarcOverride()).isEmpty();
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void theListsOwnPostIsOverridden() throws Exception {
        AuthCheckReport report = check(listPost());
        assertThat(report.arc().orElseThrow().status()).isEqualTo(ArcStatus.PASS);
        assertThat(report.dmarcOverride()).isPresent();
    }

    @Test
    void aFromAddedAboveTheSealedMessageIsNotOverridden() throws Exception {
        AuthCheckReport report = check("From: CEO <ceo@victim.example>\r\n" + listPost());
        assertThat(report.arc().orElseThrow().status()).isEqualTo(ArcStatus.PASS);
        assertEnforced(report);
    }

    @Test
    void aFromOnlySomeReadersSeeIsNotOverridden() throws Exception {
        AuthCheckReport report = check("X-Note: x\rFrom: CEO <ceo@victim.example>\r\n" + listPost());
        assertThat(report.arc().orElseThrow().status()).isEqualTo(ArcStatus.PASS);
        assertEnforced(report);
    }
}
