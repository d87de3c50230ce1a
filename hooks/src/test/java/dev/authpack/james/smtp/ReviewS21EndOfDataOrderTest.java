package dev.authpack.james.smtp;

import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.SessionCheckedMail;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s21 (fail closed). An enforcing hook stored the session's results on the mail (every attribute, and the
 * SHA-256 of the whole message, a pass over all of it on the I/O thread) before it decided the reply: a refused
 * spoof cost that pass for nothing (the mail is not spooled), and anything that went wrong while storing (a
 * RuntimeException) was caught as "not checked in the session" and the spoof of a {@code p=reject} domain accepted,
 * an error cheaper than the {@code fail}. Now the reply is decided first: a refused mail stores nothing, and a
 * failure to store loses only the hand-over (MailAuthCheck checks the mail), never the refusal.
 */
class ReviewS21EndOfDataOrderTest {
    private static Mail spoof(boolean failingAttributes) throws Exception {
        FakeMail mail = FakeMail.builder().name("spoof").sender("x@other.example").recipient("b@example.net")
                .remoteAddr("127.0.0.1").mimeMessage(MimeMessageBytes.from(SessionAuthCheckTest.message(
                        "reject.example"))).build();
        if (!failingAttributes) {
            return mail;
        }
        return (Mail) Proxy.newProxyInstance(Mail.class.getClassLoader(), new Class<?>[] {Mail.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setAttribute")) {
                        throw new IllegalStateException("attribute store failed");
                    }
                    try {
                        return method.invoke(mail, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static HookResult endOfData(Mail mail) throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(new SessionAuthCheckTest.Counting());
        SMTPSession session = SessionAuthCheckTest.session("192.0.2.1", null, false);
        hook.doHelo(session, "mx.ok.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("x@other.example")));
        try {
            return hook.onMessage(session, mail);
        } finally {
            hook.onDisconnect(session);
        }
    }

    @Test
    void aRefusedSpoofIsNotStoredNorHashed() throws Exception {
        Mail mail = spoof(false);
        HookResult reply = endOfData(mail);
        assertThat(reply.getSmtpRetCode()).isEqualTo("550");
        assertThat(mail.attributes().map(Attribute::getName).map(n -> n.asString()).toList())
                .as("nothing stored on a mail that is refused").isEmpty();
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_MESSAGE)).isEmpty();
    }

    @Test
    void aFailureToStoreTheResultsDoesNotTurnTheRefusalIntoAnAcceptance() throws Exception {
        HookResult reply = endOfData(spoof(true));
        assertThat(reply.getSmtpRetCode()).as("the spoof of a p=reject domain").isEqualTo("550");
        assertThat(reply.getSmtpDescription()).contains("reject.example");
    }
}
