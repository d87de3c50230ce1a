package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.FaultMix;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SessionAuthCheck's bound on the waits that block James' SMTP I/O threads ({@code maxWaiting},
 * docs/SessionAuthCheck.md "Limits"), in a real James with {@code refuseSpfFail=mailfrom}: a sender whose DNS never
 * answers cannot hold every I/O thread.
 *
 * <p>James 3.8.1 runs the hooks on the I/O thread of the connection, and Netty gives new connections the I/O
 * threads in turn. Here there are {@value #IO_THREADS} I/O threads and {@code maxWaiting=1}; a separate acceptor
 * thread ({@code bossWorkerCount=1}) so that accepting connections does not share an I/O thread (without it,
 * James accepts on one of them). Two connections A1 and A2, opened one after the other (so on the two I/O threads),
 * send MAIL FROM at names whose DNS never answers: A1 takes the one wait and blocks its thread for
 * {@code mailFromWait}; A2 finds none free and gets its 250 at once (SPF left to the end of DATA), its thread
 * free. Two new connections B and C, one on each thread, each run greeting, EHLO, MAIL FROM and NOOP: the one on the
 * free thread finishes while A1 still waits. Without the bound ({@code maxWaiting} equal to the I/O threads) A2
 * blocks the second thread too, and neither A2 nor any new connection is answered before A1's wait ends.
 */
class SessionWaitsIT {
    static final int IO_THREADS = 2;
    static final int MAX_WAITING = 1;
    static final long MAIL_FROM_WAIT_MILLIS = 5000;
    /** Far above any reply that does not wait, far below {@link #MAIL_FROM_WAIT_MILLIS}. */
    static final Duration PROMPT = Duration.ofMillis(1500);

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(SessionEnforcementIT.ZONE)
            // longer than mailFromWait: a dropped query ends the wait at mailFromWait, not at the DNS timeout
            .placeholder("DNS_TIMEOUT", "15000")
            .edit("smtpserver.xml", xml -> {
                String jmx = "<jmxName>smtpserver</jmxName>";
                assertThat(xml).as("smtpserver.xml template").contains(jmx);
                return SessionEnforcementIT.withHook(xml.replace(jmx, jmx + "<ioWorkerCount>" + IO_THREADS
                                + "</ioWorkerCount><bossWorkerCount>1</bossWorkerCount>"),
                        "<refuseSpfFail>mailfrom</refuseSpfFail><maxWaiting>" + MAX_WAITING + "</maxWaiting>"
                                // the bound on the waits alone: A1's wait never yields to a later MAIL FROM here
                                // (it must be shorter than mailFromWait: review s22)
                                + "<waitYieldAfter>" + (MAIL_FROM_WAIT_MILLIS - 1) + "</waitYieldAfter>"
                                + "<mailFromWait>" + MAIL_FROM_WAIT_MILLIS + "</mailFromWait>");
            }));

    private static long drops() {
        return JAMES.dns().faultCounts().getOrDefault(FaultMix.Fault.DROP, 0L);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A new connection's greeting, EHLO, MAIL FROM (SPF passes) and NOOP; how long they took from the connect. */
    private static Duration aShortSession() {
        long start = System.nanoTime();
        try (SmtpClient client = JAMES.server().smtp()) {
            assertThat(client.greeting().code()).isEqualTo(220);
            assertThat(client.ehlo("mail.spf-pass.example").code()).as(client.transcriptText()).isEqualTo(250);
            assertThat(client.mailFrom("b@spf-pass.example").code()).as(client.transcriptText()).isEqualTo(250);
            assertThat(client.command("NOOP").code()).as(client.transcriptText()).isEqualTo(250);
            Duration took = since(start);
            client.quit();
            return took;
        }
    }

    /** Waits until one of {@code futures} is done, at most {@link #PROMPT}; the time waited. */
    private static Duration awaitAny(List<? extends Future<?>> futures) throws InterruptedException {
        long start = System.nanoTime();
        while (futures.stream().noneMatch(Future::isDone) && since(start).compareTo(PROMPT) < 0) {
            Thread.sleep(5);
        }
        return since(start);
    }

    @Test
    void aSenderWhoseDnsNeverAnswersHoldsAtMostMaxWaitingIoThreads() throws Exception {
        JAMES.dns().faults("*.blackhole.example", FaultMix.only(FaultMix.Fault.DROP));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SmtpClient a1 = JAMES.server().smtp(); SmtpClient a2 = JAMES.server().smtp()) {
            assertThat(a1.ehlo("mail.spf-pass.example").code()).as(a1.transcriptText()).isEqualTo(250);
            assertThat(a2.ehlo("mail.spf-pass.example").code()).as(a2.transcriptText()).isEqualTo(250);

            long before = drops();
            long a1Start = System.nanoTime();
            Future<SmtpReply> a1Reply = pool.submit(() -> a1.mailFrom("a@x1.blackhole.example"));
            // its SPF query reached the DNS server (started before the hook takes the wait): A1 now waits
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (drops() == before && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(drops()).as("A1's SPF query reached the DNS server").isGreaterThan(before);
            Thread.sleep(200);

            Future<SmtpReply> a2Reply = pool.submit(() -> a2.mailFrom("a@x2.blackhole.example"));
            Duration a2Took = awaitAny(List.of(a2Reply));
            Future<Duration> b = pool.submit(SessionWaitsIT::aShortSession);
            Future<Duration> c = pool.submit(SessionWaitsIT::aShortSession);
            // one of the two is on the free I/O thread; the other may wait behind A1
            Duration firstShort = awaitAny(List.of(b, c));
            boolean a1StillWaiting = !a1Reply.isDone();
            SoftAssertions.assertSoftly(soft -> {
                soft.assertThat(a2Reply.isDone() && a2Took.compareTo(PROMPT) < 0)
                        .as("A2, on the other I/O thread, finds no wait free: MAIL FROM answered within %s (%s)",
                                PROMPT, a2Took)
                        .isTrue();
                soft.assertThat(b.isDone() || c.isDone())
                        .as("a new connection on the free I/O thread is served (greeting, EHLO, MAIL FROM, NOOP)"
                                + " within %s while A1 waits (%s)", PROMPT, firstShort)
                        .isTrue();
                soft.assertThat(a1StillWaiting).as("A1 still waited meanwhile").isTrue();
            });
            assertThat(a2Reply.get().code()).as(a2.transcriptText()).isEqualTo(250);
            for (Future<Duration> f : List.of(b, c)) {
                if (f.isDone()) {
                    assertThat(f.get()).isLessThan(PROMPT);
                }
            }

            SmtpReply a1Got = a1Reply.get(MAIL_FROM_WAIT_MILLIS + 10_000, TimeUnit.MILLISECONDS);
            Duration a1Took = since(a1Start);
            assertThat(a1Got.code()).as("SPF not known in time, left to DATA: %s", a1.transcriptText())
                    .isEqualTo(250);
            assertThat(a1Took).as("A1 waited mailFromWait, no more than a few seconds over it")
                    .isBetween(Duration.ofMillis(MAIL_FROM_WAIT_MILLIS - 300),
                            Duration.ofMillis(MAIL_FROM_WAIT_MILLIS + 5000));
            // the connection that shared A1's I/O thread is served once A1's wait is over
            assertThat(b.get(10, TimeUnit.SECONDS)).isLessThan(Duration.ofMillis(MAIL_FROM_WAIT_MILLIS + 5000));
            assertThat(c.get(10, TimeUnit.SECONDS)).isLessThan(Duration.ofMillis(MAIL_FROM_WAIT_MILLIS + 5000));
            a1.quit();
            a2.quit();
        } finally {
            pool.shutdownNow();
            JAMES.dns().clearFailures();
        }
    }
}
