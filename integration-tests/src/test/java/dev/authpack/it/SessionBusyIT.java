package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.FaultMix;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An enforcing SessionAuthCheck with {@code maxWaiting=1} in a real James (docs/SessionAuthCheck.md "Limits"): while
 * one connection waits at its end of DATA for a DMARC policy whose DNS never answers, another client's end of DATA
 * whose check still needs DNS is answered {@code 451 4.7.1 Too many messages are being checked now} at once (never
 * an unchecked 250), and the server goes on answering other connections. Two I/O threads and a separate acceptor, as in {@link SessionWaitsIT}:
 * connections opened one after the other get the I/O threads in turn, so the waiting one blocks only its own.
 */
class SessionBusyIT {
    static final String HOLE = "*.busy-hole.example";
    /** Far above any reply that does not wait, far below the wait (the DMARC budget of the hook's checks). */
    static final Duration PROMPT = Duration.ofSeconds(1);

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(SessionEnforcementIT.ZONE)
            // longer than the hook's checks: a dropped query ends the wait at the DMARC budget
            .placeholder("DNS_TIMEOUT", "15000")
            .edit("smtpserver.xml", xml -> SessionEnforcementIT.withHook(ioThreads(xml, 2),
                    "<refuseSpfFail>never</refuseSpfFail><maxWaiting>1</maxWaiting><dmarcTimeout>4000</dmarcTimeout>"
                            // the bound on the waits alone: A's wait, at most dmarcTimeout, never yields here
                            // (SessionClientQuotasTest); shorter than mailFromWait, 5000 (review s22)
                            + "<waitYieldAfter>4999</waitYieldAfter>")));

    /** {@code smtpserver.xml} with {@code threads} I/O threads and a separate acceptor thread. */
    static String ioThreads(String xml, int threads) {
        String jmx = "<jmxName>smtpserver</jmxName>";
        assertThat(xml).as("smtpserver.xml template").contains(jmx);
        return xml.replace(jmx, jmx + "<ioWorkerCount>" + threads + "</ioWorkerCount><bossWorkerCount>1</bossWorkerCount>");
    }

    static long drops(JamesExtension james) {
        return james.dns().faultCounts().getOrDefault(FaultMix.Fault.DROP, 0L);
    }

    /** Waits (up to 5 s) until the DNS server has dropped more than {@code before} queries. */
    static void awaitDropsAbove(JamesExtension james, long before) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (drops(james) <= before && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(drops(james)).as("a query reached the DNS server").isGreaterThan(before);
    }

    /** A connection from {@code local}, through EHLO, MAIL FROM and RCPT TO: ready for DATA. */
    static SmtpClient ready(JamesExtension james, String local, String mailFrom) {
        SmtpClient c = james.server().smtpFrom(local);
        assertThat(c.ehlo("mail.spf-pass.example").code()).as(c.transcriptText()).isEqualTo(250);
        assertThat(c.mailFrom(mailFrom).code()).as(c.transcriptText()).isEqualTo(250);
        assertThat(c.rcptTo(JamesExtension.ALICE).code()).as(c.transcriptText()).isEqualTo(250);
        return c;
    }

    static String message(String from) {
        return "From: " + from + "\r\nTo: " + JamesExtension.ALICE + "\r\nSubject: busy\r\n\r\nhi\r\n";
    }

    static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void withTheOneWaitTakenAnotherEndOfDataGets451AtOnceAndTheServerKeepsAnswering() throws Exception {
        JAMES.dns().faults(HOLE, FaultMix.only(FaultMix.Fault.DROP));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        // opened one after the other: A and B on the two I/O threads, C and D again on one each
        try (SmtpClient a = ready(JAMES, "127.0.0.2", "bob@spf-pass.example");
             SmtpClient b = ready(JAMES, "127.0.0.3", "bob@spf-pass.example");
             SmtpClient c = JAMES.server().smtpFrom("127.0.0.4");
             SmtpClient d = JAMES.server().smtpFrom("127.0.0.5")) {
            assertThat(c.ehlo("mail.spf-pass.example").code()).isEqualTo(250);
            assertThat(d.ehlo("mail.spf-pass.example").code()).isEqualTo(250);
            long before = drops(JAMES);
            long aStart = System.nanoTime();
            Future<SmtpReply> aReply = pool.submit(() -> a.data(message("news@x.busy-hole.example")));
            // its DMARC query reached the DNS server (at the header section); then A waits at its end of DATA
            awaitDropsAbove(JAMES, before);
            Thread.sleep(300);

            // B's DMARC answer takes 700 ms: its check is not finished at its end of DATA, so it needs the wait
            // (a check whose answers are all in needs none and would get its verdict at once)
            JAMES.dns().faults("_dmarc.enforce-pass.example", FaultMix.delay(Duration.ofMillis(700)));
            long bStart = System.nanoTime();
            SmtpReply busy = pool.submit(() -> b.data(message("news@enforce-pass.example")))
                    .get(PROMPT.toMillis() + 500, TimeUnit.MILLISECONDS);
            Duration bTook = since(bStart);
            assertThat(busy.code()).as(b.transcriptText()).isEqualTo(451);
            assertThat(busy.text()).as(b.transcriptText())
                    .startsWith("4.7.1 Too many messages are being checked now; try again later");
            assertThat(bTook).as("B answered at once, not after A's wait").isLessThan(PROMPT);

            // a third connection's NOOP, on the I/O thread A does not hold, is answered meanwhile
            List<Future<SmtpReply>> noops = List.of(pool.submit(() -> c.command("NOOP")),
                    pool.submit(() -> d.command("NOOP")));
            long noopStart = System.nanoTime();
            while (noops.stream().noneMatch(Future::isDone) && since(noopStart).compareTo(PROMPT) < 0) {
                Thread.sleep(5);
            }
            assertThat(noops.stream().anyMatch(Future::isDone)).as("a NOOP answered within %s", PROMPT).isTrue();
            assertThat(aReply.isDone()).as("A still waits meanwhile").isFalse();

            // A's DMARC temperror is accepted (temperror=accept); then B, trying again, is checked and accepted
            SmtpReply aGot = aReply.get(30, TimeUnit.SECONDS);
            assertThat(aGot.code()).as(a.transcriptText()).isEqualTo(250);
            assertThat(since(aStart)).isGreaterThan(Duration.ofSeconds(2));
            for (Future<SmtpReply> noop : noops) {
                assertThat(noop.get(10, TimeUnit.SECONDS).code()).isEqualTo(250);
            }
            assertThat(b.mailFrom("bob@enforce-pass.example").code()).as(b.transcriptText()).isEqualTo(250);
            assertThat(b.rcptTo(JamesExtension.ALICE).code()).as(b.transcriptText()).isEqualTo(250);
            assertThat(b.data(message("news@enforce-pass.example")).code()).as(b.transcriptText()).isEqualTo(250);
            for (SmtpClient client : List.of(a, b, c, d)) {
                client.quit();
            }
        } finally {
            pool.shutdownNow();
            JAMES.dns().clearFailures();
        }
    }
}
