package dev.authpack.james.smtp;

import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.dns.DnsjavaResolver;
import dev.authpack.james.MailAttributes;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authpack.james.smtp.SessionAuthCheckTest.data;
import static dev.authpack.james.smtp.SessionAuthCheckTest.hook;
import static dev.authpack.james.smtp.SessionAuthCheckTest.hookWithBudget;
import static dev.authpack.james.smtp.SessionAuthCheckTest.message;
import static dev.authpack.james.smtp.SessionAuthCheckTest.session;
import static dev.authpack.james.smtp.SessionAuthCheckTest.within;
import static dev.authpack.james.smtp.SessionClientQuotasTest.greeted;
import static dev.authpack.james.smtp.SessionClientQuotasTest.holding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s17: the per-client share of waits is half of maxWaiting (maxWaiting defaults to the processors: 2 on
 * this machine, so a share of 1).
 */
class ReviewS17QuotasTest {

    /**
     * Two addresses (two IPv6 /64s of one /48 here) each hold their one-wait share with a message whose DNS never
     * answers: every other client's refusable end of DATA gets 451 "busy" for as long as they keep it up (one slow
     * message per address per deadline). The spoof of a p=reject domain by a third client is deferred, not refused.
     */
    @Test
    void twoSlashSixtyFoursTakeEveryWait() throws Exception {
        SessionAuthCheck hook = hookWithBudget(new SessionAuthCheckTest.Blackholed(new SessionAuthCheckTest.Counting()),
                Duration.ofSeconds(3), "maxWaiting", "2");
        SMTPSession a = greeted(hook, "2001:db8:0:1::66", "h.example", "a@ok.example");
        SMTPSession b = greeted(hook, "2001:db8:0:2::66", "h.example", "a@ok.example");
        CompletableFuture<HookResult> first = holding(hook, () -> data(hook, a, "a@ok.example",
                message("x.blackhole.example"), 100));
        CompletableFuture<HookResult> second = holding(hook, () -> data(hook, b, "a@ok.example",
                message("y.blackhole.example"), 100));
        SMTPSession other = greeted(hook, "192.0.2.1", "mx.ok.example", "x@other.example");
        HookResult reply = within(Duration.ofSeconds(1),
                () -> data(hook, other, "x@other.example", message("reject.example"), 100));
        try {
            assertThat(reply.getSmtpRetCode()).as(reply.getSmtpDescription()).isEqualTo("550");
        } finally {
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            hook.onDisconnect(a);
            hook.onDisconnect(b);
            hook.onDisconnect(other);
        }
    }

    /**
     * One address holds its own share with one slow message; its spoof of a p=reject domain on a second connection
     * then gets 451 instead of 550, without disturbing anyone else (before s17 it had to hold every wait).
     */
    @Test
    void aClientHoldingItsOwnShareTurnsItsOwn550Into451() throws Exception {
        SessionAuthCheck hook = hookWithBudget(new SessionAuthCheckTest.Blackholed(new SessionAuthCheckTest.Counting()),
                Duration.ofSeconds(3), "maxWaiting", "2");
        SMTPSession slow = greeted(hook, "198.51.100.66", "h.example", "a@ok.example");
        SMTPSession spoof = greeted(hook, "198.51.100.66", "mx.ok.example", "x@other.example");
        CompletableFuture<HookResult> held = holding(hook, () -> data(hook, slow, "a@ok.example",
                message("x.blackhole.example"), 100));
        HookResult reply = within(Duration.ofSeconds(1),
                () -> data(hook, spoof, "x@other.example", message("reject.example"), 100));
        try {
            assertThat(reply.getSmtpRetCode()).as(reply.getSmtpDescription()).isEqualTo("550");
        } finally {
            held.get(10, TimeUnit.SECONDS);
            hook.onDisconnect(slow);
            hook.onDisconnect(spoof);
        }
    }

    private static final String ZONE = """
            $ORIGIN .
            $TTL 300
            victim.example. IN TXT "v=spf1 ip4:192.0.2.44 -all"
            _dmarc.victim.example. IN TXT "v=DMARC1; p=reject"
            """;

    /**
     * The per-client DNS quota has no aggregate: SessionClientQuotasTest's 300 connections, but from ten /64s of one
     * /48 instead of one /64. Ten clients at 32 fill the transport's 256; the victim's spoof of a p=reject domain
     * (whose _dmarc lookup is not cached) is deferred "Server busy", not refused.
     */
    @Test
    void tenSlashSixtyFoursFillTheDnsTransport() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText(ZONE).start()) {
            server.drop("*.blackhole.example");
            server.drop("*.6.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(30),
                    DnsjavaResolver.DEFAULT_MAX_IN_FLIGHT);
            SessionAuthCheck hook = hook(new CachingDnsResolver(network));
            List<SMTPSession> attacker = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                SMTPSession s = session("2001:db8:66:" + Integer.toHexString(i % 10 + 1) + "::"
                        + Integer.toHexString(i + 1), null, false);
                s.setAttachment(SMTPSession.CURRENT_HELO_NAME, "h" + i + ".blackhole.example", State.Connection);
                hook.doHelo(s, "h" + i + ".blackhole.example");
                hook.doMail(s, MaybeSender.of(new MailAddress("x@n" + i + ".blackhole.example")));
                attacker.add(s);
            }
            try {
                SMTPSession victim = greeted(hook, "192.0.2.44", "mx.victim.example", "x@spoof.example");
                HookResult spoof = data(hook, victim, "x@spoof.example", message("r4711.victim.example"), 100);
                assertThat(spoof.getSmtpRetCode()).as(network.queriesInFlight() + " in flight; "
                        + spoof.getSmtpDescription() + " " + MailAttributes.results(SessionAuthCheckTest.lastMail))
                        .isEqualTo("550");
                hook.onDisconnect(victim);
            } finally {
                attacker.forEach(hook::onDisconnect);
            }
        }
    }
}
