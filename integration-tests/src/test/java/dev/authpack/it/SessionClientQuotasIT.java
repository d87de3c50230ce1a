package dev.authpack.it;

import static dev.authpack.it.SessionBusyIT.drops;
import static dev.authpack.it.SessionBusyIT.message;
import static dev.authpack.it.SessionBusyIT.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.FaultMix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SessionAuthCheck's per-client bounds in a real James (docs/SessionAuthCheck.md "Limits"), clients on distinct
 * loopback addresses ({@code 127.0.0.2}, {@code 127.0.0.3}, ...): one client holds at most
 * {@code maxWaitingPerClient} of the waits (here 1 of {@code maxWaiting=2}) and has at most
 * {@code maxQueriesPerClient} (here 4) DNS queries in flight for its sessions, however many connections it opens;
 * another client is served as usual. The waits are shared per network too (IPv4 /24: one of the two here), so the
 * client that needs the other wait is in another /24 ({@code 127.0.1.3}). Four I/O threads and a separate acceptor: connections opened one after the
 * other are each on their own thread.
 */
class SessionClientQuotasIT {
    static final int QUERIES_PER_CLIENT = 4;
    static final Duration PROMPT = SessionBusyIT.PROMPT;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(SessionEnforcementIT.ZONE)
            .placeholder("DNS_TIMEOUT", "15000")
            .edit("smtpserver.xml", xml -> SessionEnforcementIT.withHook(SessionBusyIT.ioThreads(xml, 4),
                    "<refuseSpfFail>never</refuseSpfFail><maxWaiting>2</maxWaiting><dmarcTimeout>4000</dmarcTimeout>"
                            + "<maxQueriesPerClient>" + QUERIES_PER_CLIENT + "</maxQueriesPerClient>"
                            // the shares alone: no wait, at most dmarcTimeout, yields here (SessionClientQuotasTest);
                            // shorter than mailFromWait, 5000 (review s22)
                            + "<waitYieldAfter>4999</waitYieldAfter>")));

    @Test
    void oneClientHoldsOneOfTheTwoWaitsAndAnotherClientsSpoofIsStillRefused() throws Exception {
        JAMES.dns().faults("*.quota-hole.example", FaultMix.only(FaultMix.Fault.DROP));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (SmtpClient a1 = ready(JAMES, "127.0.0.2", "bob@spf-pass.example");
             SmtpClient a2 = ready(JAMES, "127.0.0.2", "bob@spf-pass.example");
             SmtpClient victim = ready(JAMES, "127.0.1.3", "bob@spf-pass.example")) {
            long before = drops(JAMES);
            Future<SmtpReply> first = pool.submit(() -> a1.data(message("news@x.quota-hole.example")));
            SessionBusyIT.awaitDropsAbove(JAMES, before);
            Thread.sleep(300);
            // the same client's second end of DATA finds its share taken: 451 at once, its I/O thread free
            SmtpReply second = pool.submit(() -> a2.data(message("news@y.quota-hole.example")))
                    .get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(second.code()).as(a2.transcriptText()).isEqualTo(451);
            assertThat(second.text()).startsWith("4.7.1 Too many messages are being checked now");
            // another client gets the other wait: its spoof of a p=reject domain is refused, not deferred
            SmtpReply refused = pool.submit(() -> victim.data(message("news@enforce-reject.example")))
                    .get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(refused.code()).as(victim.transcriptText()).isEqualTo(550);
            assertThat(refused.text()).startsWith("5.7.1").contains("enforce-reject.example");
            assertThat(first.isDone()).as("the first still waits").isFalse();
            assertThat(first.get(30, TimeUnit.SECONDS).code()).as(a1.transcriptText()).isEqualTo(250);
            for (SmtpClient c : List.of(a1, a2, victim)) {
                c.quit();
            }
        } finally {
            pool.shutdownNow();
            JAMES.dns().clearFailures();
        }
    }

    /**
     * Ten connections of one client each send MAIL FROM at a name whose DNS never answers: only
     * {@code maxQueriesPerClient} of their SPF queries are sent; another client's is sent as usual; and the
     * first client's own mail, its lookups started at the end of DATA, is checked as without the quota.
     */
    @Test
    void oneClientsEarlyLookupsStopAtItsQuotaAndItsMailIsStillChecked() throws Exception {
        JAMES.dns().faults("*.quota-hole.example", FaultMix.only(FaultMix.Fault.DROP));
        List<SmtpClient> attacker = new ArrayList<>();
        try {
            long before = drops(JAMES);
            for (int i = 0; i < 10; i++) {
                SmtpClient c = JAMES.server().smtpFrom("127.0.0.2");
                attacker.add(c);
                assertThat(c.ehlo("mail.spf-pass.example").code()).isEqualTo(250);
                assertThat(c.mailFrom("x@n" + i + ".quota-hole.example").code()).as(c.transcriptText())
                        .isEqualTo(250);
            }
            Thread.sleep(1000);
            long sent = drops(JAMES) - before;
            assertThat(sent).as("the client's SPF queries sent").isBetween(1L, (long) QUERIES_PER_CLIENT);
            try (SmtpClient other = JAMES.server().smtpFrom("127.0.0.3")) {
                assertThat(other.ehlo("mail.spf-pass.example").code()).isEqualTo(250);
                assertThat(other.mailFrom("x@v.quota-hole.example").code()).isEqualTo(250);
                SessionBusyIT.awaitDropsAbove(JAMES, before + sent);
                other.quit();
            }
            DeliveredMail mail = SessionEnforcementIT.deliverPassing(JAMES, "127.0.0.2");
            assertThat(mail.attribute("authpack.checked-in-session")).isPresent();
        } finally {
            attacker.forEach(SmtpClient::close);
            JAMES.dns().clearFailures();
        }
    }
}
