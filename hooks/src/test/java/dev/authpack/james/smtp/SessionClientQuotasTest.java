package dev.authpack.james.smtp;

import dev.authpack.check.CheckOptions;
import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.dns.DnsjavaResolver;
import dev.authpack.dns.TransportShare;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.PendingChecks;
import dev.authpack.james.SessionCheckedMail;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attacker's review, round 3: one client address (many connections, many transactions) must not take the
 * server's waits or DNS transport from the others (docs/SessionAuthCheck.md, "Limits"). The attacker owns DNS
 * servers that never answer; the victim's mail is checked as usual: never a temperror, never a 451.
 */
class SessionClientQuotasTest {
    /** The victim's domain: SPF passes for 192.0.2.44, DMARC p=reject. */
    private static final String ZONE = """
            $ORIGIN .
            $TTL 300
            victim.example. IN TXT "v=spf1 ip4:192.0.2.44 -all"
            _dmarc.victim.example. IN TXT "v=DMARC1; p=reject"
            """;
    private static final String VICTIM = "192.0.2.44";

    static CompletableFuture<HookResult> async(java.util.concurrent.Callable<HookResult> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** {@code call} on another thread, once it holds one of the hook's waits (at most 2 s later). */
    static CompletableFuture<HookResult> holding(SessionAuthCheck hook,
                                                         java.util.concurrent.Callable<HookResult> call)
            throws InterruptedException {
        int free = hook.freeWaits();
        CompletableFuture<HookResult> held = async(call);
        for (int i = 0; i < 200 && hook.freeWaits() == free; i++) {
            Thread.sleep(10);
        }
        return held;
    }

    /** {@code held} ends with its wait, accepted; then the sessions leave. */
    private static void settle(SessionAuthCheck hook, CompletableFuture<HookResult> held, SMTPSession... sessions)
            throws Exception {
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(HookResult.DECLINED);
        for (SMTPSession s : sessions) {
            hook.onDisconnect(s);
        }
    }

    static SMTPSession greeted(SessionAuthCheck hook, String ip, String helo, String mailFrom)
            throws Exception {
        SMTPSession session = session(ip, null, false);
        hook.doHelo(session, helo);
        hook.doMail(session, MaybeSender.of(new MailAddress(mailFrom)));
        return session;
    }

    /** The replies to the second holder's end of DATA and to the spoof ({@link #contest}). */
    private record Contest(HookResult second, HookResult spoof) {
    }

    /**
     * With {@code maxWaiting=2} (and {@code parameters}): connections from {@code first} and {@code second} at an end
     * of DATA whose DKIM and DMARC names never answer (checks of 3 s), the second 300 ms after the first holds its
     * wait; then another client's spoof of a p=reject domain whose answers take 300 ms, so that it needs a wait. The
     * first ends with its wait, accepted; everyone leaves.
     */
    private static Contest contest(String first, String second, String... parameters) throws Exception {
        SessionAuthCheckTest.Blackholed blackholed = new SessionAuthCheckTest.Blackholed(
                new SessionAuthCheckTest.Delayed(new SessionAuthCheckTest.Counting(), 300));
        List<String> all = new ArrayList<>(List.of("maxWaiting", "2", "waitYieldAfter", "4999"));
        all.addAll(List.of(parameters));
        SessionAuthCheck hook = hookWithBudget(blackholed, Duration.ofSeconds(3), all.toArray(String[]::new));
        SMTPSession a = greeted(hook, first, "h.example", "a@ok.example");
        SMTPSession b = greeted(hook, second, "h.example", "a@ok.example");
        CompletableFuture<HookResult> held = holding(hook, () -> data(hook, a, "a@ok.example",
                message("x.blackhole.example"), 100));
        CompletableFuture<HookResult> next = async(() -> data(hook, b, "a@ok.example",
                message("y.blackhole.example"), 100));
        Thread.sleep(300);
        SMTPSession victim = greeted(hook, "192.0.2.1", "mx.ok.example", "x@other.example");
        HookResult spoof = within(Duration.ofSeconds(2),
                () -> data(hook, victim, "x@other.example", message("reject.example"), 100));
        HookResult secondReply = next.get(10, TimeUnit.SECONDS);
        settle(hook, held, a, b, victim);
        return new Contest(secondReply, spoof);
    }

    private static void deferredAsBusy(HookResult reply) {
        assertThat(reply.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(reply.getSmtpDescription()).startsWith("4.7.1 Too many messages");
    }

    private static void refusedForDmarc(HookResult reply) {
        assertThat(reply.getSmtpRetCode()).as(reply.getSmtpDescription()).isEqualTo("550");
        assertThat(reply.getSmtpDescription()).startsWith("5.7.1 ").contains("reject.example");
    }

    /**
     * Waits: with {@code maxWaiting=2}, two connections of one client at an end of DATA whose DKIM and DMARC names
     * never answer. The first holds one wait; the second finds its client's share taken and gets 451 at once; the
     * victim's message spoofing a p=reject domain, which needs a wait, still gets the other one and is refused
     * (550), not deferred.
     */
    @Test
    void oneClientCannotTakeEveryWaitAtTheEndOfData() throws Exception {
        Contest c = contest("198.51.100.66", "198.51.100.66");
        deferredAsBusy(c.second());
        refusedForDmarc(c.spoof());
    }

    /**
     * Waits at MAIL FROM ({@code refuseSpfFail=mailfrom}, {@code maxWaiting=2}): the client's first MAIL FROM at a
     * name that never answers holds one wait; its second finds its share taken and goes on at once (SPF left to
     * the end of DATA); another client's MAIL FROM gets the other wait and its SPF fail is refused there.
     */
    @Test
    void oneClientCannotTakeEveryWaitAtMailFrom() throws Exception {
        SessionAuthCheckTest.Blackholed blackholed = new SessionAuthCheckTest.Blackholed(
                new SessionAuthCheckTest.Counting());
        SessionAuthCheck hook = hookWithBudget(blackholed, Duration.ofSeconds(25), "refuseSpfFail", "mailfrom",
                "refuseDmarcReject", "false", "maxWaiting", "2", "mailFromWait", "3000");
        SMTPSession a1 = session("198.51.100.66", null, false);
        SMTPSession a2 = session("198.51.100.66", null, false);
        hook.doHelo(a1, "h.example");
        hook.doHelo(a2, "h.example");
        CompletableFuture<HookResult> first = holding(hook, () -> hook.doMail(a1,
                MaybeSender.of(new MailAddress("a@x1.blackhole.example"))));
        assertThat(within(Duration.ofSeconds(1), () -> hook.doMail(a2,
                MaybeSender.of(new MailAddress("a@x2.blackhole.example"))))).isEqualTo(HookResult.DECLINED);
        SMTPSession victim = session("192.0.2.1", null, false);
        hook.doHelo(victim, "mx.ok.example");
        HookResult refused = within(Duration.ofSeconds(1),
                () -> hook.doMail(victim, MaybeSender.of(new MailAddress("x@other.example"))));
        assertThat(refused.getSmtpRetCode()).isEqualTo("550");
        assertThat(refused.getSmtpDescription()).startsWith("5.7.23 ");
        settle(hook, first, a1, a2, victim);
    }

    /**
     * 300 connections, connection {@code i} from {@code address.apply(i)}, each with HELO and MAIL FROM at names of
     * its own whose servers never answer.
     */
    static List<SMTPSession> silentMailFroms(SessionAuthCheck hook, java.util.function.IntFunction<String> address)
            throws Exception {
        List<SMTPSession> sessions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            SMTPSession s = session(address.apply(i), null, false);
            s.setAttachment(SMTPSession.CURRENT_HELO_NAME, "h" + i + ".blackhole.example", State.Connection);
            hook.doHelo(s, "h" + i + ".blackhole.example");
            hook.doMail(s, MaybeSender.of(new MailAddress("x@n" + i + ".blackhole.example")));
            sessions.add(s);
        }
        return sessions;
    }

    /**
     * DNS slots, early lookups: 300 connections from one IPv6 /64 (a different address each) send MAIL FROM at
     * names whose servers never answer, against the default transport of 256 queries in flight. The victim's
     * lookups must still be sent: its spoof of a p=reject domain is refused (550, not "451 Server busy") and its
     * own mail passes without a temperror.
     */
    @Test
    void oneClientsEarlyLookupsLeaveTheDnsTransportToTheOthers() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText(ZONE).start()) {
            // every query of the attacker's goes unanswered: its HELO, MAIL FROM and reverse names
            server.drop("*.blackhole.example");
            server.drop("*.6.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(30),
                    DnsjavaResolver.DEFAULT_MAX_IN_FLIGHT);
            SessionAuthCheck hook = hook(new CachingDnsResolver(network));
            List<SMTPSession> attacker = silentMailFroms(hook,
                    i -> "2001:db8:66:1::" + Integer.toHexString(i + 1));
            // without the quota all 256 slots are the attacker's here; with it, its /64 has at most 32
            assertThat(network.queriesInFlight()).isBetween(1, SessionLimits.DEFAULT_MAX_QUERIES_PER_CLIENT);
            try {
                SMTPSession victim = greeted(hook, VICTIM, "mx.victim.example", "x@spoof.example");
                HookResult spoof = data(hook, victim, "x@spoof.example", message("r4711.victim.example"), 100);
                assertThat(spoof.getSmtpRetCode()).as(spoof.getSmtpDescription() + " "
                        + MailAttributes.results(SessionAuthCheckTest.lastMail)).isEqualTo("550");
                assertThat(spoof.getSmtpDescription()).startsWith("5.7.1 ").contains("r4711.victim.example");
                hook.doMail(victim, MaybeSender.of(new MailAddress("b@victim.example")));
                HookResult own = data(hook, victim, "b@victim.example", message("victim.example"), 100);
                assertThat(own).isEqualTo(HookResult.DECLINED);
                assertThat(MailAttributes.results(SessionAuthCheckTest.lastMail).orElseThrow().toString())
                        .contains("method=spf, result=pass", "method=dmarc, result=pass")
                        .doesNotContain("temperror");
                hook.onDisconnect(victim);
            } finally {
                attacker.forEach(hook::onDisconnect);
            }
        }
    }

    /**
     * DNS slots, label-only: one client sends 300 messages whose From domain's servers never answer; each gets its
     * 250 at once, and without a bound each handed-over check would hold DNS queries until their timeout. Another
     * client's mail must still be checked: no temperror in its results.
     */
    @Test
    void oneClientsHandedOverChecksLeaveTheDnsTransportToTheOthers() throws Exception {
        List<Mail> handedOver = new ArrayList<>();
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText(ZONE).start()) {
            server.drop("*.blackhole.example");
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(10),
                    DnsjavaResolver.DEFAULT_MAX_IN_FLIGHT);
            SessionAuthCheck hook = hook(new CachingDnsResolver(network), "refuseDmarcReject", "false");
            SMTPSession attacker = session("198.51.100.66", null, false);
            hook.doHelo(attacker, "h.example");
            try {
                for (int i = 0; i < 300; i++) {
                    hook.doMail(attacker, MaybeSender.of(new MailAddress("a@victim.example")));
                    assertThat(data(hook, attacker, "a@victim.example", message("m" + i + ".blackhole.example"),
                            100)).isEqualTo(HookResult.DECLINED);
                    handedOver.add(SessionAuthCheckTest.lastMail);
                }
                SMTPSession victim = greeted(hook, VICTIM, "mx.victim.example", "b@victim.example");
                assertThat(data(hook, victim, "b@victim.example", message("victim.example"), 100))
                        .isEqualTo(HookResult.DECLINED);
                Mail mail = SessionAuthCheckTest.lastMail;
                assertThat(mail.getAttribute(SessionCheckedMail.PENDING)).isPresent();
                assertThat(SessionCheckedMail.results(mail, "mx.test", CheckOptions.ALL).orElseThrow().toString())
                        .contains("method=spf, result=pass", "method=dmarc, result=pass")
                        .doesNotContain("temperror");
                hook.onDisconnect(victim);
            } finally {
                hook.onDisconnect(attacker);
                discard(handedOver);
            }
        }
    }

    /**
     * The hand-over table's bytes: label-only messages of 4 MiB (handOverMaxSize raised to that) whose checks never
     * finish, each from another client, stay on the heap until their deadline. At most the table's byte bound of
     * them are handed over; the next is not (awaited in the session here, a wait being free, or else left to
     * MailAuthCheck, which checks it from the spool): nothing is lost.
     */
    @Test
    void theHandOverTableHoldsAtMostItsByteBound() throws Exception {
        int size = 4 << 20;
        byte[] big = large("x.blackhole.example", size);
        long bound = PendingChecks.shared().maxBytes();
        int fit = (int) (bound / big.length);
        SessionAuthCheck hook = hookWithBudget(new SessionAuthCheckTest.Blackholed(new SessionAuthCheckTest.Counting()),
                Duration.ofSeconds(5), "refuseDmarcReject", "false", "handOverMaxSize", String.valueOf(size));
        List<Mail> mails = new ArrayList<>();
        try {
            for (int i = 0; i <= fit; i++) {
                SMTPSession s = greeted(hook, "198.51.100." + (i + 1), "h.example", "a@ok.example");
                assertThat(data(hook, s, "a@ok.example", big, big.length)).isEqualTo(HookResult.DECLINED);
                mails.add(SessionAuthCheckTest.lastMail);
                hook.onDisconnect(s);
            }
            long handed = mails.stream().filter(m -> m.getAttribute(SessionCheckedMail.PENDING).isPresent()).count();
            // other tests' small entries may share the table
            assertThat(handed).isBetween((long) fit - 1, (long) fit);
            Mail last = mails.get(mails.size() - 1);
            assertThat(last.getAttribute(SessionCheckedMail.PENDING)).isEmpty();
            // awaited in the session: its results are on the mail for MailAuthCheck
            assertThat(MailAttributes.results(last)).isPresent();
        } finally {
            discard(mails);
        }
    }

    /**
     * A client with {@code maxQueriesPerClient=1} query in flight on one connection (MAIL FROM at a name
     * that never answers): its next connection starts no early lookup, and its message gets the plain check's
     * results at the end of DATA, never a temperror or a 451 for that. Strict SPF at MAIL FROM is decided at the
     * end of DATA instead, still refused; a label-only hook leaves the client's message to MailAuthCheck.
     */
    @Test
    void aQueryBeyondTheClientsQuotaIsAskedAtTheEndOfDataNeverAFailure() throws Exception {
        SessionAuthCheckTest.Counting asked = new SessionAuthCheckTest.Counting();
        SessionAuthCheckTest.Blackholed blackholed = new SessionAuthCheckTest.Blackholed(asked);
        SessionAuthCheck hook = hook(blackholed, "maxQueriesPerClient", "1", "refuseSpfFail", "data");
        SMTPSession holder = greeted(hook, "192.0.2.1", "h.blackhole.example", "a@n.blackhole.example");
        SMTPSession next = greeted(hook, "192.0.2.1", "mx.ok.example", "b@ok.example");
        assertThat(asked.asked).as("nothing asked early").doesNotContain("TXT ok.example");
        HookResult own = data(hook, next, "b@ok.example", message("ok.example"), 100);
        assertThat(own).isEqualTo(HookResult.DECLINED);
        assertThat(MailAttributes.results(SessionAuthCheckTest.lastMail).orElseThrow().toString())
                .contains("method=spf, result=pass", "method=dmarc, result=pass", "method=iprev, result=pass")
                .doesNotContain("temperror");
        assertThat(asked.asked).contains("TXT ok.example", "TXT _dmarc.ok.example");
        hook.onDisconnect(next);

        // (the holder's own MAIL FROM waits mailFromWait, then goes on with its query in flight)
        SessionAuthCheck strict = hook(blackholed, "maxQueriesPerClient", "1", "refuseSpfFail", "mailfrom",
                "refuseDmarcReject", "false", "mailFromWait", "100");
        SMTPSession strictHolder = greeted(strict, "192.0.2.1", "h.blackhole.example", "a@n.blackhole.example");
        SMTPSession spoofer = session("192.0.2.1", null, false);
        strict.doHelo(spoofer, "mx.ok.example");
        assertThat(strict.doMail(spoofer, MaybeSender.of(new MailAddress("x@other.example"))))
                .as("not a 451 Server busy: decided at the end of DATA").isEqualTo(HookResult.DECLINED);
        HookResult refused = data(strict, spoofer, "x@other.example", message("ok.example"), 100);
        assertThat(refused.getSmtpRetCode()).isEqualTo("550");
        assertThat(refused.getSmtpDescription()).startsWith("5.7.23 ");
        strict.onDisconnect(spoofer);

        // another client's is handed over as usual
        leftToMailAuthCheckWhileAnotherIsHandedOver(blackholed, "maxQueriesPerClient", "192.0.2.1", "192.0.2.1",
                "192.0.2.2");
        hook.onDisconnect(holder);
        strict.onDisconnect(strictHolder);
    }

    /**
     * Review s17, M2 (network share): two /64s of one /48 each send a message whose DNS never answers; with
     * {@code maxWaiting=2} their network holds one wait, the second gets 451 at once, and another client's spoof,
     * which needs a wait, gets the other wait and its 550. With {@code maxWaitingPerNetwork=2} the two /64s take
     * both waits and that spoof is deferred.
     */
    @Test
    void oneNetworkHoldsItsShareOfTheWaitsWhateverItsClients() throws Exception {
        Contest shared = contest("2001:db8:0:1::66", "2001:db8:0:2::66");
        deferredAsBusy(shared.second());
        refusedForDmarc(shared.spoof());
        Contest unshared = contest("2001:db8:0:1::66", "2001:db8:0:2::66", "maxWaitingPerNetwork", "2");
        assertThat(unshared.second()).isEqualTo(HookResult.DECLINED);
        deferredAsBusy(unshared.spoof());
    }

    /**
     * Review s17, M2 (yielding): two clients of two networks hold both waits with messages whose DNS never
     * answers. Past {@code waitYieldAfter} the oldest yields to another client's spoof that needs a wait: the spoof
     * gets its 550, the message that held the wait a 451 at once (not after its 8 s of checks); the younger one
     * keeps its wait.
     */
    @Test
    void aWaitHeldPastWaitYieldAfterGoesToAMessageThatFindsNone() throws Exception {
        SessionAuthCheckTest.Blackholed blackholed = new SessionAuthCheckTest.Blackholed(
                new SessionAuthCheckTest.Delayed(new SessionAuthCheckTest.Counting(), 200));
        SessionAuthCheck hook = hookWithBudget(blackholed, Duration.ofSeconds(8), "maxWaiting", "2",
                "waitYieldAfter", "1500");
        SMTPSession a = greeted(hook, "198.51.100.66", "h.example", "a@ok.example");
        SMTPSession b = greeted(hook, "203.0.113.66", "h.example", "a@ok.example");
        CompletableFuture<HookResult> oldest = holding(hook, () -> data(hook, a, "a@ok.example",
                message("x.blackhole.example"), 100));
        Thread.sleep(300);
        CompletableFuture<HookResult> younger = holding(hook, () -> data(hook, b, "a@ok.example",
                message("y.blackhole.example"), 100));
        assertThat(hook.freeWaits()).isZero();
        // both younger than 1.5 s: no wait yields, the spoof is deferred
        SMTPSession early = greeted(hook, "192.0.2.1", "mx.ok.example", "x@other.example");
        assertThat(within(Duration.ofSeconds(1), () -> data(hook, early, "x@other.example",
                message("reject.example"), 100)).getSmtpRetCode()).isEqualTo("451");
        Thread.sleep(1300);
        // the oldest is past 1.5 s: it yields (the oldest first)
        SMTPSession victim = greeted(hook, "192.0.2.1", "mx.ok.example", "x@other.example");
        long start = System.nanoTime();
        HookResult refused = within(Duration.ofSeconds(2),
                () -> data(hook, victim, "x@other.example", message("reject.example"), 100));
        assertThat(refused.getSmtpRetCode()).as(refused.getSmtpDescription()).isEqualTo("550");
        HookResult yielded = oldest.get(1, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(yielded.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(yielded.getSmtpDescription()).startsWith("4.7.1 Too many messages");
        assertThat(younger.isDone()).as("the younger keeps its wait").isFalse();
        settle(hook, younger, a, b, early, victim);
        assertThat(hook.freeWaits()).isEqualTo(2);
    }

    /**
     * Review s17, M2 ({@code dataWait}): a message whose DNS never answers holds a wait at most {@code dataWait}
     * (here 600 ms, its checks having 5 s), then gets 451 and frees the wait; one whose answers take 200 ms is
     * checked as usual.
     */
    @Test
    void theWaitAtTheEndOfDataEndsAtDataWait() throws Exception {
        SessionAuthCheckTest.Blackholed blackholed = new SessionAuthCheckTest.Blackholed(
                new SessionAuthCheckTest.Delayed(new SessionAuthCheckTest.Counting(), 200));
        SessionAuthCheck hook = hookWithBudget(blackholed, Duration.ofSeconds(5), "maxWaiting", "2",
                "dataWait", "600");
        SMTPSession slow = greeted(hook, "198.51.100.66", "h.example", "a@ok.example");
        long start = System.nanoTime();
        HookResult deferred = within(Duration.ofSeconds(3), () -> data(hook, slow, "a@ok.example",
                message("x.blackhole.example"), 100));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(deferred.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(deferred.getSmtpDescription()).isEqualTo("4.7.1 The checks of this message are taking too long;"
                + " try again later");
        assertThat(took).isBetween(Duration.ofMillis(550), Duration.ofMillis(2500));
        assertThat(MailAttributes.results(SessionAuthCheckTest.lastMail)).as("no partial results stored").isEmpty();
        assertThat(hook.freeWaits()).isEqualTo(2);
        SMTPSession spoof = greeted(hook, "192.0.2.1", "mx.ok.example", "x@other.example");
        assertThat(data(hook, spoof, "x@other.example", message("reject.example"), 100).getSmtpRetCode())
                .isEqualTo("550");
        for (SMTPSession s : List.of(slow, spoof)) {
            hook.onDisconnect(s);
        }
    }

    /**
     * Review s17, M1, the aggregate: 300 connections from 300 networks (one /48 each, so each client and network
     * is far under its quota) send MAIL FROM at names whose servers never answer. No early lookup is sent past
     * three quarters of the transport's 256 slots; the victim's lookups (started at the end of DATA) find the last
     * quarter: its spoof of a p=reject domain is refused, not "451 Server busy".
     */
    @Test
    void manyNetworksLeaveTheLastQuarterOfTheDnsTransport() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText(ZONE).start()) {
            server.drop("*.blackhole.example");
            server.drop("*.8.b.d.0.1.0.0.2.ip6.arpa");
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(30),
                    DnsjavaResolver.DEFAULT_MAX_IN_FLIGHT);
            SessionAuthCheck hook = hook(new CachingDnsResolver(network));
            List<SMTPSession> attacker = silentMailFroms(hook, i -> "2001:db8:" + Integer.toHexString(i + 1) + "::1");
            assertThat(network.queriesInFlight()).as("three quarters of 256")
                    .isBetween(150, 256 * TransportShare.EARLY / 8);
            try {
                SMTPSession victim = greeted(hook, VICTIM, "mx.victim.example", "x@spoof.example");
                HookResult spoof = data(hook, victim, "x@spoof.example", message("r4711.victim.example"), 100);
                assertThat(spoof.getSmtpRetCode()).as(spoof.getSmtpDescription() + " "
                        + MailAttributes.results(SessionAuthCheckTest.lastMail)).isEqualTo("550");
                assertThat(spoof.getSmtpDescription()).startsWith("5.7.1 ").contains("r4711.victim.example");
                hook.onDisconnect(victim);
            } finally {
                attacker.forEach(hook::onDisconnect);
            }
        }
    }

    /**
     * A label-only hook does not hand over the message of a client whose network has its quota of DNS queries in
     * flight ({@code maxQueriesPerNetwork=1}: a neighbour's MAIL FROM at a name that never answers): MailAuthCheck
     * checks it from the spool. A client of another network is handed over as usual.
     */
    @Test
    void aLabelOnlyHookLeavesTheMailOfANetworkAtItsQuotaToMailAuthCheck() throws Exception {
        leftToMailAuthCheckWhileAnotherIsHandedOver(new SessionAuthCheckTest.Blackholed(
                new SessionAuthCheckTest.Counting()), "maxQueriesPerNetwork", "192.0.2.200", "192.0.2.1",
                "198.51.100.1");
    }

    /**
     * A label-only hook with {@code quota} at 1, {@code holderIp}'s MAIL FROM at a name that never answers holding
     * it: the message of {@code senderIp} is not handed over (MailAuthCheck checks it from the spool), that of
     * {@code otherIp} is.
     */
    private static void leftToMailAuthCheckWhileAnotherIsHandedOver(SessionAuthCheckTest.Blackholed dns, String quota,
                                                                    String holderIp, String senderIp, String otherIp)
            throws Exception {
        SessionAuthCheck labelOnly = hook(dns, quota, "1", "refuseDmarcReject", "false");
        SMTPSession holder = greeted(labelOnly, holderIp, "h.blackhole.example", "a@n.blackhole.example");
        SMTPSession sender = greeted(labelOnly, senderIp, "mx.ok.example", "b@ok.example");
        assertThat(data(labelOnly, sender, "b@ok.example", message("ok.example"), 100))
                .isEqualTo(HookResult.DECLINED);
        assertThat(SessionAuthCheckTest.lastMail.getAttribute(SessionCheckedMail.PENDING)).isEmpty();
        assertThat(MailAttributes.results(SessionAuthCheckTest.lastMail)).as("left to MailAuthCheck").isEmpty();
        SMTPSession other = greeted(labelOnly, otherIp, "mx.ok.example", "b@ok.example");
        data(labelOnly, other, "b@ok.example", message("ok.example"), 100);
        discard(List.of(SessionAuthCheckTest.lastMail));
        assertThat(SessionAuthCheckTest.lastMail.getAttribute(SessionCheckedMail.PENDING)).isPresent();
        for (SMTPSession s : List.of(holder, sender, other)) {
            labelOnly.onDisconnect(s);
        }
    }

    @Test
    void theQuotasAreParametersReadAtInit() throws Exception {
        assertThat(SessionLimits.read(name -> name.equals("maxWaiting") ? "8" : null).maxWaitingPerClient())
                .isEqualTo(4);
        assertThat(SessionLimits.read(name -> name.equals("maxWaiting") ? "1" : null).maxWaitingPerClient())
                .isEqualTo(1);
        SessionLimits defaults = SessionLimits.read(name -> null);
        assertThat(defaults.maxWaitingPerClient()).isEqualTo(Math.max(1, defaults.maxWaiting() / 2));
        assertThat(defaults.maxQueriesPerClient()).isEqualTo(32);
        SessionLimits set = SessionLimits.read(name -> switch (name) {
            case "maxWaitingPerClient" -> "3";
            case "maxQueriesPerClient" -> "100";
            default -> null;
        });
        assertThat(set.maxWaitingPerClient()).isEqualTo(3);
        assertThat(set.maxQueriesPerClient()).isEqualTo(100);
        // review s17: the networks' shares, the yield and the end-of-DATA bound
        assertThat(defaults.maxWaitingPerNetwork()).isEqualTo(defaults.maxWaitingPerClient());
        assertThat(defaults.maxQueriesPerNetwork()).isEqualTo(64);
        assertThat(defaults.waitYieldAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.dataWait()).isEqualTo(Duration.ofSeconds(10));
        SessionLimits more = SessionLimits.read(name -> switch (name) {
            case "maxWaiting" -> "8";
            case "maxWaitingPerNetwork" -> "6";
            case "maxQueriesPerNetwork" -> "128";
            case "waitYieldAfter" -> "500";
            case "dataWait" -> "20000";
            default -> null;
        });
        assertThat(more.maxWaitingPerClient()).isEqualTo(4);
        assertThat(more.maxWaitingPerNetwork()).isEqualTo(6);
        assertThat(more.maxQueriesPerNetwork()).isEqualTo(128);
        assertThat(more.waitYieldAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(more.dataWait()).isEqualTo(Duration.ofSeconds(20));
        for (String[] bad : List.of(new String[] {"maxWaitingPerNetwork", "0"},
                new String[] {"maxQueriesPerNetwork", "65537"}, new String[] {"waitYieldAfter", "soon"},
                new String[] {"dataWait", "0"}, new String[] {"dataWait", "120001"})) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> hook(new SessionAuthCheckTest.Counting(),
                            bad[0], bad[1]))
                    .isInstanceOf(org.apache.commons.configuration2.ex.ConfigurationException.class)
                    // a wait's bound from 2 ms: at 1 it could not yield before its end (ReviewAS22ShortWaitTest)
                    .hasMessageContaining(bad[0] + " must be a whole number from "
                            + (bad[0].equals("dataWait") ? 2 : 1) + " to ");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hook(new SessionAuthCheckTest.Counting(),
                        "maxWaitingPerClient", "0"))
                .isInstanceOf(org.apache.commons.configuration2.ex.ConfigurationException.class)
                .hasMessageContaining("maxWaitingPerClient must be a whole number from 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hook(new SessionAuthCheckTest.Counting(),
                        "maxQueriesPerClient", "many"))
                .isInstanceOf(org.apache.commons.configuration2.ex.ConfigurationException.class)
                .hasMessageContaining("maxQueriesPerClient");
    }

    /** Drops the runs handed over for {@code mails} from the shared table (other tests use it too). */
    private static void discard(List<Mail> mails) {
        for (Mail m : mails) {
            m.getAttribute(SessionCheckedMail.PENDING).ifPresent(a -> PendingChecks.shared()
                    .discard((String) a.getValue().value()));
        }
    }

    /** A message of about {@code octets} octets from {@code domain}. */
    static byte[] large(String domain, int octets) {
        StringBuilder s = new StringBuilder(new String(message(domain), StandardCharsets.US_ASCII));
        String line = "x".repeat(998) + "\r\n";
        while (s.length() + line.length() <= octets) {
            s.append(line);
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
