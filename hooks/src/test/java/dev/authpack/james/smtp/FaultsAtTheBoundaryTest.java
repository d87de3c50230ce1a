package dev.authpack.james.smtp;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.FaultyMail;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.RelayTestSupport;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.internet.MimeMessage;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Session 21: the hooks that see the mail at the end of DATA, and the RCPT hook, answer for what James and the
 * engines throw, Errors included (docs/security.md, "Errors"); without this, James' Netty handler answered an
 * Error with "421 ... closing" and dropped the connection in the middle of a transaction.
 */
class FaultsAtTheBoundaryTest {
    static final String MESSAGE = "From: a@example.com\r\nTo: b@example.org\r\nSubject : hi\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMIME-Version: 1.0\r\n\r\nHello.\r\n";
    @TempDir
    Path dir;

    private static Map<String, Supplier<? extends Throwable>> faults() {
        return FaultyMail.faults();
    }

    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);

    /** An unreadable message at the end of DATA: accepted unchanged, as the mailet passes it on unchanged. */
    @Test
    void fixConformanceHookAcceptsAnUnreadableMessageUnchanged() throws Exception {
        FixConformanceHook hook = new FixConformanceHook();
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("fixes", "MISSING_MESSAGE_ID_HEADER");
        hook.init(config);
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Supplier<? extends Throwable>> fault : faults().entrySet()) {
            MimeMessage message = FaultyMail.message(MESSAGE, fault.getValue());
            FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).recipient("b@example.org").build();
            softly.assertThatCode(() -> softly.assertThat(hook.onMessage(SESSION, mail)).as(fault.getKey())
                    .isEqualTo(HookResult.DECLINED)).as(fault.getKey()).doesNotThrowAnyException();
            softly.assertThat(mail.getMessage()).as(fault.getKey()).isSameAs(message);

            FakeMail readable = FakeMail.builder().name("m").recipient("b@example.org")
                    .mimeMessage(MimeMessageBytes.from(MESSAGE.getBytes(StandardCharsets.US_ASCII))).build();
            Mail noMessage = FaultyMail.throwingOn(readable, "getMessage", fault.getValue());
            softly.assertThatCode(() -> softly.assertThat(hook.onMessage(SESSION, noMessage)).as(fault.getKey())
                    .isEqualTo(HookResult.DECLINED)).as("getMessage " + fault.getKey()).doesNotThrowAnyException();
        }
        softly.assertAll();
    }

    /** An Error in the relay decision is a 451, as a RuntimeException is: the client tries again. */
    @Test
    void relayPolicyRcptHookRefusesTemporarilyOnAnError() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        for (Map.Entry<String, Supplier<? extends Throwable>> fault : faults().entrySet()) {
            if (fault.getKey().equals("MessagingException")) {
                continue; // the local-domain test declares none
            }
            RelayPolicyRcptHook broken = new RelayPolicyRcptHook(Optional.of(FakeFileSystem.under(dir)), d -> {
                throw FaultsAtTheBoundaryTest.<RuntimeException>sneaky(fault.getValue().get());
            }, settings -> null);
            BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
            config.addProperty("policyFile", "file://conf/relay-policy.conf");
            broken.init(config);
            softly.assertThatCode(() -> {
                HookResult r = broken.doRcpt(RelayPolicyRcptHookTest.session(
                        java.net.InetAddress.getByName("203.0.113.9"), null), MaybeSender.nullSender(),
                        new MailAddress("x@inbound.example"));
                softly.assertThat(AbstractHookableCmdHandler.calcDefaultSMTPResponse(r).getRetCode())
                        .as(fault.getKey()).isEqualTo("451");
            }).as(fault.getKey()).doesNotThrowAnyException();

            SMTPSession failing = (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(),
                    new Class<?>[] {SMTPSession.class}, (proxy, method, args) -> {
                        throw fault.getValue().get();
                    });
            FakeMail mail = FakeMail.builder().name("m").recipient("b@example.org").build();
            softly.assertThatCode(() -> softly.assertThat(broken.onMessage(failing, mail)).as(fault.getKey())
                    .isEqualTo(HookResult.DECLINED)).as("onMessage " + fault.getKey()).doesNotThrowAnyException();
        }
        softly.assertAll();
    }

    /** The check at the end of DATA fails: not checked in the session (MailAuthCheck checks it), accepted. */
    @Test
    void sessionAuthCheckLeavesTheMailToTheMailetOnAnError() throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(new SessionAuthCheckTest.Silent(), "awaitAtData", "always");
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Supplier<? extends Throwable>> fault : faults().entrySet()) {
            SMTPSession session = SessionAuthCheckTest.session("192.0.2.1", null, false);
            FakeMail fake = FakeMail.builder().name("m").sender("a@example.com").recipient("b@example.org")
                    .mimeMessage(MimeMessageBytes.from(MESSAGE.getBytes(StandardCharsets.US_ASCII))).build();
            Mail mail = FaultyMail.throwingOn(fake, "getMaybeSender", fault.getValue());
            softly.assertThatCode(() -> softly.assertThat(hook.onMessage(session, mail)).as(fault.getKey())
                    .isEqualTo(HookResult.DECLINED)).as(fault.getKey()).doesNotThrowAnyException();
        }
        softly.assertAll();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
