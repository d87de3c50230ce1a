package dev.authpack.james.smtp;

import dev.authpack.check.MailAuthChecker;
import dev.authpack.dns.DnsResolver;
import dev.authpack.james.AuthpackEngines;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.authpack.james.smtp.SessionAuthCheckTest.checkerWithBudget;
import static dev.authpack.james.smtp.SessionAuthCheckTest.configured;
import static dev.authpack.james.smtp.SessionAuthCheckTest.data;
import static dev.authpack.james.smtp.SessionAuthCheckTest.message;
import static dev.authpack.james.smtp.SessionAuthCheckTest.session;
import static dev.authpack.james.smtp.SessionAuthCheckTest.within;
import static dev.authpack.james.smtp.SessionClientQuotasTest.greeted;
import static dev.authpack.james.smtp.SessionClientQuotasTest.holding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s18: the per-client and per-network quotas (waits, DNS queries in flight) are counted JVM-wide. One James
 * runs several SMTP servers (ports 25, 465, 587), each with its own hook instance; with counts per instance, an
 * attacker reaching two of them had twice its share. Each instance applies its own limits to the shared counts.
 *
 * <p>These tests make their hooks as James does ({@code new SessionAuthCheck(engines)}), so they share the JVM's
 * counts with every other such hook: the clients are addresses no other test uses, and every session leaves.
 */
class SessionQuotasAcrossServersTest {
    /** The attacker's /24; no other test uses it. */
    private static final String ATTACKER = "198.51.100.";

    /** A hook made as James makes it: the JVM's counts. */
    private static SessionAuthCheck server(DnsResolver dns, String... parameters) throws ConfigurationException {
        return configured(new SessionAuthCheck(AuthpackEngines.over(dns)), parameters);
    }

    /**
     * Waits: with {@code maxWaiting=2} on each of two servers (so one wait a client, one a network), the attacker
     * holds a wait on port 25 with a message whose DNS never answers. Its message on port 587, from the same
     * address or from another of its /24, finds its share taken and gets 451 at once, instead of holding one of
     * that server's waits too (for {@code dataWait}).
     */
    @Test
    void aClientsWaitsOnOneServerCountOnTheOther() throws Exception {
        for (String second : new String[] {ATTACKER + "201", ATTACKER + "202"}) {
            SessionAuthCheckTest.Blackholed dns = new SessionAuthCheckTest.Blackholed(
                    new SessionAuthCheckTest.Counting());
            String[] parameters = {"maxWaiting", "2", "dataWait", "3000", "waitYieldAfter", "2999"};
            SessionAuthCheck port25 = server(dns, parameters);
            SessionAuthCheck port587 = server(dns, parameters);
            SMTPSession a = greeted(port25, ATTACKER + "201", "h.example", "a@ok.example");
            SMTPSession b = greeted(port587, second, "h.example", "a@ok.example");
            try {
                CompletableFuture<HookResult> held = holding(port25, () -> data(port25, a, "a@ok.example",
                        message("x.blackhole.example"), 100));
                assertThat(port25.freeWaits()).isEqualTo(1);
                HookResult reply = within(Duration.ofSeconds(1), () -> data(port587, b, "a@ok.example",
                        message("y.blackhole.example"), 100));
                assertThat(reply.getResult()).as(second).isEqualTo(HookReturnCode.denySoft());
                assertThat(reply.getSmtpDescription()).as(second).startsWith("4.7.1 Too many messages");
                assertThat(port587.freeWaits()).isEqualTo(2);
                held.get(10, TimeUnit.SECONDS);
            } finally {
                port25.onDisconnect(a);
                port587.onDisconnect(b);
            }
        }
    }

    /** A test's hook over {@code counts}, its checks given {@code budget}. */
    private static SessionAuthCheck server(SessionCounts counts, DnsResolver dns, Duration budget,
                                           String... parameters) throws ConfigurationException {
        MailAuthChecker checker = checkerWithBudget(dns, budget);
        return configured(new SessionAuthCheck(settings -> checker, settings -> dns, counts), parameters);
    }

    /**
     * Each instance applies its own shares to the shared counts: port 587 lets a client hold two waits, port 25
     * one. The attacker holds a wait on port 587; its message on port 25 is refused at once (it holds port 25's
     * share already), its next on port 587 gets a wait (within that server's share).
     */
    @Test
    void eachServerAppliesItsOwnSharesToTheSharedCounts() throws Exception {
        SessionCounts counts = SessionCounts.fresh();
        SessionAuthCheckTest.Blackholed dns = new SessionAuthCheckTest.Blackholed(new SessionAuthCheckTest.Counting());
        SessionAuthCheck port25 = server(counts, dns, Duration.ofSeconds(2), "maxWaiting", "4",
                "maxWaitingPerClient", "1", "maxWaitingPerNetwork", "4", "waitYieldAfter", "4999");
        SessionAuthCheck port587 = server(counts, dns, Duration.ofSeconds(2), "maxWaiting", "4",
                "maxWaitingPerClient", "2", "maxWaitingPerNetwork", "4", "waitYieldAfter", "4999");
        String attacker = "203.0.113.66";
        SMTPSession a = greeted(port587, attacker, "h.example", "a@ok.example");
        SMTPSession b = greeted(port25, attacker, "h.example", "a@ok.example");
        SMTPSession c = greeted(port587, attacker, "h.example", "a@ok.example");
        try {
            CompletableFuture<HookResult> first = holding(port587, () -> data(port587, a, "a@ok.example",
                    message("x.blackhole.example"), 100));
            HookResult refused = within(Duration.ofSeconds(1), () -> data(port25, b, "a@ok.example",
                    message("y.blackhole.example"), 100));
            assertThat(refused.getSmtpDescription()).startsWith("4.7.1 Too many messages");
            CompletableFuture<HookResult> second = holding(port587, () -> data(port587, c, "a@ok.example",
                    message("z.blackhole.example"), 100));
            assertThat(port587.freeWaits()).isEqualTo(2);
            assertThat(port25.freeWaits()).isEqualTo(4);
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        } finally {
            port587.onDisconnect(a);
            port25.onDisconnect(b);
            port587.onDisconnect(c);
        }
        assertThat(counts.waits().clients()).isZero();
        assertThat(counts.queries().clients()).isZero();
    }

    /**
     * DNS queries: with {@code maxQueriesPerClient=1}, the attacker's MAIL FROM on port 25 at a name that never
     * answers holds its one query in flight; its session on port 587 starts no early lookup (the end of DATA asks
     * them, as for a client at its quota on one server).
     */
    @Test
    void aClientsQueriesInFlightOnOneServerCountOnTheOther() throws Exception {
        SessionAuthCheckTest.Counting asked = new SessionAuthCheckTest.Counting();
        SessionAuthCheckTest.Blackholed dns = new SessionAuthCheckTest.Blackholed(asked);
        SessionAuthCheck port25 = server(dns, "maxQueriesPerClient", "1", "mailFromWait", "100");
        SessionAuthCheck port587 = server(dns, "maxQueriesPerClient", "1", "mailFromWait", "100");
        SMTPSession holder = greeted(port25, ATTACKER + "203", "h.blackhole.example", "a@n.blackhole.example");
        SMTPSession next = session(ATTACKER + "203", null, false);
        try {
            port587.doHelo(next, "mx.ok.example");
            port587.doMail(next, MaybeSender.of(new MailAddress("b@ok.example")));
            assertThat(asked.asked).as("nothing asked early on port 587").doesNotContain("TXT ok.example");
        } finally {
            port25.onDisconnect(holder);
            port587.onDisconnect(next);
        }
    }
}
