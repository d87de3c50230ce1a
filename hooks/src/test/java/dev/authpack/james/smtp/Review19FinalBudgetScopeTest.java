package dev.authpack.james.smtp;

import dev.authpack.james.HeldWhole;
import dev.authpack.james.WholeReadBudget;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s19 final (attacker's test, helper 68): {@code maxCheckedTotal} bounds the messages MailAuthCheck and
 * SessionAuthCheck read whole at once, JVM-wide, against the attack that motivated it: clients sending many messages
 * just under {@code maxCheckedSize} (64 MiB by default) at once, each read whole on an I/O thread at the end of DATA.
 * FixConformanceHook runs on the same I/O threads at the same moment, reads every message within its own
 * {@code maxCheckedSize} whole ({@code MimeMessageBytes.of}) and builds conformance copies from it, outside the
 * budget: with it configured, 8 concurrent clients still have 8 messages held whole at once, whatever
 * {@code maxCheckedTotal} says (FixConformance, ArcSeal and AddAuthResults in the spool likewise).
 */
class Review19FinalBudgetScopeTest {
    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);

    @Test
    void fixConformanceHookWholeReadsAreBoundedLikeTheChecks() throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("checks", "MISSING_MESSAGE_ID_HEADER");
        config.addProperty("maxCheckedSize", "2M");
        config.addProperty("maxCheckedTotal", "3M");
        FixConformanceHook hook = new FixConformanceHook();
        hook.init(config);
        // the budget the checks would have with maxCheckedSize=2M, maxCheckedTotal=3M: three such messages at once
        long budget = 3L << 20;
        byte[] octets = ("From: a@example.com\r\nMessage-ID: <m@example.com>\r\nSubject: s\r\n\r\n"
                + ("x".repeat(998) + "\r\n").repeat(1000)).getBytes(StandardCharsets.US_ASCII);
        int n = 8;
        HeldWhole group = new HeldWhole(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                HeldWhole.Message message = group.message(octets);
                FakeMail mail = FakeMail.builder().name("m" + i).sender("a@example.com")
                        .recipient("b@example.org").mimeMessage(message).size(octets.length).build();
                runs.add(pool.submit(() -> {
                    try {
                        hook.onMessage(SESSION, mail);
                    } finally {
                        message.done();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat((long) group.peak() * octets.length)
                .as("octets held whole at once by FixConformanceHook (%d messages of %d); maxCheckedTotal %d,"
                        + " JVM count %d", group.peak(), octets.length, budget, WholeReadBudget.jvmHeld())
                .isLessThanOrEqualTo(budget);
    }
}
