package dev.authpack.james.smtp;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authpack.james.smtp.SessionAuthCheckTest.data;
import static dev.authpack.james.smtp.SessionAuthCheckTest.hookWithBudget;
import static dev.authpack.james.smtp.SessionAuthCheckTest.message;
import static dev.authpack.james.smtp.SessionAuthCheckTest.within;
import static dev.authpack.james.smtp.SessionClientQuotasTest.greeted;
import static dev.authpack.james.smtp.SessionClientQuotasTest.holding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s18 (NAT64/SIIT): James behind a SIIT (or NAT64) front end sees every IPv4 client as an IPv6 address of
 * 64:ff9b::/96 (RFC 6052). Each is the IPv4 client it embeds, in that address's /24 (docs/SessionAuthCheck.md,
 * "Limits"), not one IPv6 /48 network for the whole IPv4 Internet.
 */
class SessionQuotasBehindSiitTest {

    /**
     * Attack: with {@code maxWaiting=2} (a share of one wait per client and per network), an IPv4 client through
     * the translator holds a wait with a message whose DNS never answers. Read as IPv6, every IPv4 client was in its
     * /48: the victim's spoof of a p=reject domain from another IPv4 client, whose DNS answers take 300 ms, so that
     * it needs a wait, was deferred (451)
     * for as long as the attacker kept it up. Now the attacker's own share still holds (a second message of its /24
     * gets 451 at once) and the other IPv4 client gets the other wait and its 550.
     */
    @Test
    void anIpv4FloodThroughSiitLeavesTheOtherIpv4ClientsTheirWaits() throws Exception {
        floodThroughTheTranslator("64:ff9b::198.51.100.66", "64:ff9b::198.51.100.67", "64:ff9b::192.0.2.1");
    }

    /**
     * The same behind a network-specific prefix of the operator's (RFC 6052 §2.2 /48 embedding, the u octet skipped)
     * listed in {@code translatorPrefixes} (session 20): not read without it, one /48 for every IPv4 client.
     */
    @Test
    void theSameBehindAListedNetworkSpecificPrefix() throws Exception {
        floodThroughTheTranslator("2001:db8:64:c633:64:4200::", "2001:db8:64:c633:64:4300::",
                "2001:db8:64:c000:2:100::", "translatorPrefixes", "2001:db8:64::/48");
    }

    private static void floodThroughTheTranslator(String attackerIp, String neighbourIp, String otherIp,
                                                  String... parameters) throws Exception {
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("maxWaiting", "2", "waitYieldAfter",
                "4999"), java.util.Arrays.stream(parameters)).toArray(String[]::new);
        // every answer takes 300 ms, so that the victim's message needs a wait
        SessionAuthCheck hook = hookWithBudget(new SessionAuthCheckTest.Blackholed(
                new SessionAuthCheckTest.Delayed(new SessionAuthCheckTest.Counting(), 300)),
                Duration.ofSeconds(3), all);
        SMTPSession attacker = greeted(hook, attackerIp, "h.example", "a@ok.example");
        SMTPSession neighbour = greeted(hook, neighbourIp, "h.example", "a@ok.example");
        SMTPSession other = greeted(hook, otherIp, "mx.ok.example", "x@other.example");
        CompletableFuture<HookResult> held = holding(hook, () -> data(hook, attacker, "a@ok.example",
                message("x.blackhole.example"), 100));
        try {
            HookResult second = within(Duration.ofSeconds(1), () -> data(hook, neighbour, "a@ok.example",
                    message("y.blackhole.example"), 100));
            assertThat(second.getResult()).as("its /24's share").isEqualTo(HookReturnCode.denySoft());
            assertThat(second.getSmtpDescription()).startsWith("4.7.1 Too many messages");
            HookResult reply = within(Duration.ofSeconds(2),
                    () -> data(hook, other, "x@other.example", message("reject.example"), 100));
            assertThat(reply.getSmtpRetCode()).as(reply.getSmtpDescription()).isEqualTo("550");
            assertThat(reply.getSmtpDescription()).startsWith("5.7.1 ").contains("reject.example");
        } finally {
            held.get(10, TimeUnit.SECONDS);
            hook.onDisconnect(attacker);
            hook.onDisconnect(neighbour);
            hook.onDisconnect(other);
        }
    }
}
