package dev.authpack.check;

import dev.authpack.arc.ArcChainSummary;
import dev.authpack.arc.ArcFixtures;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSealOptions;
import dev.authpack.arc.ArcSealResult;
import dev.authpack.arc.ArcSealer;
import dev.authpack.arc.ArcStatus;
import dev.authpack.authres.MethodResult;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of session 16, finding 1: a message from a {@code p=reject} domain through a mailing list whose ARC sealer
 * is trusted. Its DMARC fails (the list broke DKIM, SPF is the list's) and the trusted sealer's chain overrides
 * that. When the sealer's key lookup is not sent because this server's resolver is at its bound, ARC cannot be
 * validated: our overload says nothing about the sealer, so DMARC must not become a plain {@code fail} (the hook's
 * 550) but a {@code temperror} marked as our overload (its 451). An attacker gains nothing: a real DNS failure at
 * the sealer, an untrusted sealer or a chain that is broken anyway keep the {@code fail}.
 */
class ArcOverloadTest {
    private static final DkimSigningKey LIST_KEY = ArcFixtures.rsaKey();
    private static final DkimSigningKey FORWARDER_KEY = ArcFixtures.rsaKey();
    private static final String LIST_KEY_NAME = "s1._domainkey.lists.example";
    private static final String FORWARDER_KEY_NAME = "s2._domainkey.forwarder.example";
    /** The list's key for its ARC-Message-Signatures, when it keeps one apart from its seal's. */
    private static final String LIST_AMS_KEY_NAME = "a1._domainkey.lists.example";
    private static final ZoneFileResolver ZONE = new ZoneFileResolver("_dmarc.victim.example. 300 IN TXT"
            + " \"v=DMARC1; p=reject\"\n"
            + LIST_KEY_NAME + ". 300 IN TXT \"" + LIST_KEY.publicKeyRecord() + "\"\n"
            + LIST_AMS_KEY_NAME + ". 300 IN TXT \"" + LIST_KEY.publicKeyRecord() + "\"\n"
            + FORWARDER_KEY_NAME + ". 300 IN TXT \"" + FORWARDER_KEY.publicKeyRecord() + "\"\n");
    private static final String POST = "From: CEO <ceo@victim.example>\r\n"
            + "To: list@lists.example\r\n"
            + "Subject: [list] quarterly figures\r\n"
            + "Date: Sun, 1 Mar 2026 11:59:00 +0000\r\n"
            + "Message-ID: <post@victim.example>\r\n"
            + "\r\n"
            + "Figures attached.\r\n"
            + "-- \r\nlist footer\r\n";
    /** What the list saw on arrival, before it added its footer. */
    private static final String LIST_SAW = "dmarc=pass header.from=victim.example";
    private static final Set<String> TRUSTED = Set.of("lists.example");

    private static byte[] seal(DkimSigningKey key, String domain, String selector, byte[] message, ArcResult chain,
                               String resinfo) throws Exception {
        ArcSealResult sealed = new ArcSealer(key, ArcSealOptions.of(domain, selector))
                .seal(RawMessage.parse(message), chain, "mx." + domain, resinfo);
        assertThat(sealed.sealed()).isTrue();
        return sealed.message();
    }

    /** The post as the list sends it on: one ARC set, sealed by lists.example. */
    private static byte[] listPost() throws Exception {
        return seal(LIST_KEY, "lists.example", "s1", POST.getBytes(StandardCharsets.UTF_8), ArcResult.none(),
                LIST_SAW);
    }

    private static AuthCheckReport check(ZoneFileResolver dns, byte[] message, Set<String> trusted)
            throws Exception {
        Envelope envelope = new Envelope(InetAddress.getByName("198.51.100.7"), "mx.lists.example",
                "list-bounces@lists.example", List.of("bob@example.org"), Optional.empty());
        return MailAuthChecker.create(dns, CheckerSettings.defaults("mx.example.org"))
                .check(envelope, message, CheckOptions.ALL.withTrustedArcSealers(trusted)).get();
    }

    private static MethodResult resinfo(AuthCheckReport report, String method) {
        return report.methodResults().stream().filter(r -> r.method().equals(method)).findFirst().orElseThrow();
    }

    @Test
    void theTrustedListsChainOverridesTheFailure() throws Exception {
        AuthCheckReport report = check(ZONE, listPost(), TRUSTED);
        assertThat(report.arc().orElseThrow().status()).isEqualTo(ArcStatus.PASS);
        assertThat(report.dmarc().orElseThrow().status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(report.dmarcOverride()).isPresent();
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void aTrustedSealersKeyLookupNotSentIsOurOverloadNotADmarcFailure() throws Exception {
        AuthCheckReport report = check(ZONE.withLocalOverload(LIST_KEY_NAME), listPost(), TRUSTED);
        DmarcResult dmarc = report.dmarc().orElseThrow();
        assertThat(dmarc.status()).isEqualTo(DmarcStatus.TEMPERROR);
        assertThat(dmarc.localOverload()).isTrue();
        // the hook's 451: the policy that applies may be reject
        assertThat(dmarc.strictestPolicy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(dmarc.reason()).contains("trusted ARC sealer lists.example").contains("overloaded");
        // nothing overrode anything: the owner's reject stays the disposition
        assertThat(report.dmarcOverride()).isEmpty();
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(resinfo(report, "dmarc").result()).isEqualTo("temperror");
        // RFC 8617 §10.1 has no temperror for arc: fail, saying why
        assertThat(report.arc().orElseThrow().localOverload()).isTrue();
        MethodResult arc = resinfo(report, "arc");
        assertThat(arc.result()).isEqualTo("fail");
        assertThat(arc.reason()).contains("not sent").contains("overloaded").contains(LIST_KEY_NAME);
    }

    @Test
    void anOlderMessageSignatureNotCheckedUnderOverloadKeepsTheChainsPassAndTheOverride() throws Exception {
        // the list signs its AMS with a key of its own (a1), seals with s1; a trusted forwarder seals on unchanged
        byte[] list = ArcFixtures.firstSetWithOwnAmsSelector(LIST_KEY, "lists.example", "a1", "s1",
                POST.getBytes(StandardCharsets.UTF_8), LIST_SAW);
        byte[] forwarded = seal(FORWARDER_KEY, "forwarder.example", "s2", list,
                new ArcChainSummary(ArcStatus.PASS, null, 0, 1).toArcResult(),
                "arc=pass; dmarc=fail header.from=victim.example");
        Set<String> both = Set.of("lists.example", "forwarder.example");
        assertThat(check(ZONE, forwarded, both).arc().orElseThrow().oldestPass()).isZero();

        AuthCheckReport report = check(ZONE.withLocalOverload(LIST_AMS_KEY_NAME), forwarded, both);
        ArcResult arc = report.arc().orElseThrow();
        // RFC 8617 §5.2: the seals validate, so the chain passes; AMS i=1 is undetermined, not validated
        assertThat(arc.status()).isEqualTo(ArcStatus.PASS);
        assertThat(arc.oldestPass()).isEqualTo(2);
        assertThat(arc.localOverload()).isTrue();
        MethodResult resinfo = resinfo(report, "arc");
        assertThat(resinfo.result()).isEqualTo("pass");
        assertThat(resinfo.reason()).contains("oldest-pass may be lower").contains(LIST_AMS_KEY_NAME)
                .contains("overloaded");
        // the override needs the seals only: it applies as without the overload
        assertThat(report.dmarc().orElseThrow().status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(report.dmarcOverride()).isPresent();
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void aRealDnsFailureAtTheSealersKeyStaysAFailure() throws Exception {
        // whoever runs the sealer's DNS, SERVFAIL is not our overload: today's fail and reject
        AuthCheckReport report = check(ZONE.withFailure(LIST_KEY_NAME, DnsOutcome.TEMP_FAILURE), listPost(),
                TRUSTED);
        DmarcResult dmarc = report.dmarc().orElseThrow();
        assertThat(dmarc.status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(dmarc.localOverload()).isFalse();
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(report.arc().orElseThrow().localOverload()).isFalse();
        assertThat(resinfo(report, "arc").reason()).contains("DNS failure");
    }

    @Test
    void anUntrustedSealerUnderOverloadStaysAFailure() throws Exception {
        for (Set<String> trusted : List.of(Set.<String>of(), Set.of("other.example"))) {
            AuthCheckReport report = check(ZONE.withLocalOverload(LIST_KEY_NAME), listPost(), trusted);
            assertThat(report.dmarc().orElseThrow().status()).as("%s", trusted).isEqualTo(DmarcStatus.FAIL);
            assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
        }
        // a trusted sealer that did not see dmarc=pass could override nothing
        byte[] sawFail = seal(LIST_KEY, "lists.example", "s1", POST.getBytes(StandardCharsets.UTF_8),
                ArcResult.none(), "dmarc=fail header.from=victim.example");
        assertThat(check(ZONE.withLocalOverload(LIST_KEY_NAME), sawFail, TRUSTED).dmarc().orElseThrow().status())
                .isEqualTo(DmarcStatus.FAIL);
    }

    @Test
    void aChainThatFailsAnywayStaysAFailureUnderOverload() throws Exception {
        // changed after sealing: the body hash fails before any key lookup
        byte[] changed = new String(listPost(), StandardCharsets.UTF_8).replace("Figures attached.", "Wire $1M.")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(check(ZONE.withLocalOverload(LIST_KEY_NAME), changed, TRUSTED).dmarc().orElseThrow().status())
                .isEqualTo(DmarcStatus.FAIL);

        // an attacker's chain: i=1 claims lists.example but is signed with a key that is not the list's, i=2 a
        // trusted forwarder's seal over it; the forwarder's key is not sent, the list's answers and fails
        DkimSigningKey notTheLists = ArcFixtures.rsaKey();
        byte[] forged = seal(notTheLists, "lists.example", "s1", POST.getBytes(StandardCharsets.UTF_8),
                ArcResult.none(), LIST_SAW);
        byte[] forwarded = seal(FORWARDER_KEY, "forwarder.example", "s2", forged,
                new ArcChainSummary(ArcStatus.PASS, null, 0, 1).toArcResult(), LIST_SAW);
        Set<String> both = Set.of("lists.example", "forwarder.example");
        assertThat(check(ZONE, forwarded, both).dmarc().orElseThrow().status()).isEqualTo(DmarcStatus.FAIL);
        AuthCheckReport report = check(ZONE.withLocalOverload(FORWARDER_KEY_NAME), forwarded, both);
        assertThat(report.dmarc().orElseThrow().status()).isEqualTo(DmarcStatus.FAIL);
        assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(report.arc().orElseThrow().localOverload()).isFalse();
        assertThat(resinfo(report, "arc").reason()).contains("ARC-Seal i=1").doesNotContain("overloaded");
    }
}
