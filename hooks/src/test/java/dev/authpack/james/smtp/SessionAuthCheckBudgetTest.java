package dev.authpack.james.smtp;

import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.HeldWhole;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.PendingChecks;
import dev.authpack.james.SessionCheckedMail;
import dev.authpack.james.WholeReadBudget;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s19 (helper 62) in the session: the enforcing hook reads each message under {@code maxCheckedSize} whole on
 * James' I/O threads, as many at once as there are clients sending. {@code maxCheckedTotal} bounds the octets read
 * whole at once, JVM-wide (with MailAuthCheck); past it a message is checked from its header section with its body
 * streamed: a legitimately signed one still passes, a tampered one is still refused.
 */
class SessionAuthCheckBudgetTest {
    /** reject.example's key and zone (p=reject), other.example's SPF -all: SessionAuthCheckTest's. */
    private static final DkimSigningKey KEY = SessionAuthCheckTest.KEY;
    private static final String ZONE = SessionAuthCheckTest.ZONE;
    /** About 1 MiB: three fit in the test's budget (3 MiB), not four. */
    private static final int BODY = (1 << 20) - 8192;

    @AfterEach
    void nothingStaysHeld() {
        assertThat(WholeReadBudget.jvmHeld()).as("octets held after the test").isZero();
    }

    private static byte[] signed() throws Exception {
        String head = CountingMessages.signedHeader(
                "From: a@reject.example\r\nTo: b@example.net\r\nSubject: large\r\n\r\n", BODY,
                new DkimSigner(KEY, DkimSignOptions.of("reject.example", "big")));
        return CountingMessages.withBody(head, BODY);
    }

    private static byte[] tampered(byte[] octets) {
        byte[] changed = octets.clone();
        changed[changed.length - 10] ^= 1;
        return changed;
    }

    /** A transaction from a client SPF fails for, its DATA lines, then its end of DATA over {@code message}. */
    private static HookResult send(SessionAuthCheck hook, byte[] octets, HeldWhole.Message message) throws Exception {
        SMTPSession session = SessionAuthCheckTest.session("198.51.100.7", null, false);
        try {
            hook.doHelo(session, "mx.other.example");
            hook.doMail(session, MaybeSender.of(new MailAddress("x@other.example")));
            session.setHeaderComplete(false);
            for (String line : new String(octets, StandardCharsets.US_ASCII).split("(?<=\r\n)")) {
                hook.onLine(session, line.getBytes(StandardCharsets.US_ASCII), (s, l) -> null);
            }
            Mail mail = FakeMail.builder().name("large").sender("x@other.example").recipient("b@example.net")
                    .size(octets.length).mimeMessage(message).build();
            HookResult result = hook.onMessage(session, mail);
            // checks handed over: not left in the JVM's table for other tests
            mail.getAttribute(SessionCheckedMail.PENDING).ifPresent(token -> {
                handedOver++;
                PendingChecks.shared().discard(token.getValue().value().toString());
            });
            return result;
        } finally {
            message.done();
            hook.onDisconnect(session);
        }
    }

    /** Mails whose checks were handed over to MailAuthCheck (label-only). */
    private static volatile int handedOver;

    private static SessionAuthCheck hook(String... parameters) throws ConfigurationException {
        return SessionAuthCheckTest.hook(new ZoneFileResolver(ZONE), parameters);
    }

    @Test
    void concurrentLargeMessagesAreNotAllHeldWholeOnTheIoThreadsAndKeepTheirVerdicts() throws Exception {
        int n = 8;
        byte[] good = signed();
        byte[] bad = tampered(good);
        SessionAuthCheck enforcing = hook("maxCheckedSize", "2M", "maxCheckedTotal", "3M", "maxWaiting", "16",
                "maxWaitingPerClient", "16", "maxWaitingPerNetwork", "16");
        HeldWhole shared = new HeldWhole(n);
        ExecutorService io = Executors.newFixedThreadPool(n);
        List<Future<HookResult>> results = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                byte[] octets = i % 2 == 0 ? good : bad;
                HeldWhole.Message message = shared.message(octets);
                results.add(io.submit(() -> send(enforcing, octets, message)));
            }
            for (int i = 0; i < n; i++) {
                HookResult result = results.get(i).get(60, TimeUnit.SECONDS);
                // signed by its p=reject domain: accepted on its DKIM pass; its body changed: refused
                if (i % 2 == 0) {
                    assertThat(result).as("mail " + i).isEqualTo(HookResult.DECLINED);
                } else {
                    assertThat(result.getSmtpRetCode()).as("mail " + i).isEqualTo("550");
                }
            }
        } finally {
            io.shutdownNow();
        }
        assertThat(shared.peak()).as("messages held whole at once").isBetween(1, 3);
    }

    @Test
    void whatIsHeldIsReleasedOnEveryPathAndAMessageOverTheBudgetIsStreamed() throws Exception {
        byte[] good = signed();
        SessionAuthCheck enforcing = hook("maxCheckedSize", "2M", "maxCheckedTotal", "2M");
        SessionAuthCheck labelOnly = hook("maxCheckedSize", "2M", "maxCheckedTotal", "2M", "refuseDmarcReject",
                "false", "handOverMaxSize", "2097152");
        for (int round = 0; round < 3; round++) {
            HeldWhole whole = new HeldWhole(0);
            assertThat(send(enforcing, good, whole.message(good))).isEqualTo(HookResult.DECLINED);
            assertThat(whole.peak()).isEqualTo(1);
            assertThat(send(enforcing, tampered(good), new HeldWhole(0).message(tampered(good))).getSmtpRetCode())
                    .isEqualTo("550");
            // unreadable as it is read whole: accepted unchecked here (MailAuthCheck checks it), nothing stays held
            assertThat(send(enforcing, good, new HeldWhole(0).failing(good, new IllegalStateException("broken"))))
                    .isNotNull();
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            // an Error as it is read whole: since session 21, accepted unchecked here too (docs/security.md, "Errors")
            assertThat(send(enforcing, good, new HeldWhole(0).failing(good, new OutOfMemoryError("test"))))
                    .isEqualTo(HookResult.DECLINED);
            assertThat(WholeReadBudget.jvmHeld()).isZero();
            // label-only: handed over to MailAuthCheck, its octets then counted by the hand-over table alone
            int before = handedOver;
            HeldWhole handed = new HeldWhole(0);
            assertThat(send(labelOnly, good, handed.message(good))).isEqualTo(HookResult.DECLINED);
            assertThat(handed.peak()).isEqualTo(1);
            assertThat(handedOver).isEqualTo(before + 1);
            assertThat(WholeReadBudget.jvmHeld()).isZero();
        }
        // the budget spent elsewhere (MailAuthCheck on the spool, say): streamed, the same verdicts, never held
        WholeReadBudget other = WholeReadBudget.read("2M", MessageSizeLimit.parse("maxCheckedSize", "2M"));
        try (WholeReadBudget.Hold held = other.tryHold(2L << 20)) {
            assertThat(held).isNotNull();
            HeldWhole streamed = new HeldWhole(0);
            assertThat(send(enforcing, good, streamed.message(good))).isEqualTo(HookResult.DECLINED);
            HeldWhole.Message changed = streamed.message(tampered(good));
            assertThat(send(enforcing, tampered(good), changed).getSmtpRetCode()).isEqualTo("550");
            assertThat(streamed.peak()).as("read whole").isZero();
            // label-only: not read here, left to MailAuthCheck (as a message over maxCheckedSize)
            HeldWhole left = new HeldWhole(0);
            int before = handedOver;
            assertThat(send(labelOnly, good, left.message(good))).isEqualTo(HookResult.DECLINED);
            assertThat(left.peak()).isZero();
            assertThat(handedOver).isEqualTo(before);
            assertThat(other.held()).isEqualTo(2L << 20);
        }
    }

    @Test
    void maxCheckedTotalIsValidatedAtInit() {
        assertThatThrownBy(() -> hook("maxCheckedSize", "2M", "maxCheckedTotal", "1M"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SessionAuthCheck: maxCheckedTotal must be a size from 2097152 to")
                .hasMessageContaining("at least maxCheckedSize");
    }
}
