package dev.authpack.james.smtp;

import dev.authpack.james.CountingMessages;
import dev.authpack.james.JamesSources;
import dev.authpack.james.MessageSizeLimit;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s19 (attacker's test): session 18 bounded what the mailets and SessionAuthCheck read whole
 * ({@code maxCheckedSize}, 64 MiB by default: James' own {@code maxmessagesize} is unlimited by default), but not
 * {@code FixConformanceHook}, which reads every message whole on James' I/O thread at the end of DATA
 * ({@code MimeMessageBytes.of}) and builds the conformance copies from it: one SMTP client sending a message of a few
 * hundred MiB (a few at once) fills the heap; past 2 GiB the {@code OutOfMemoryError} leaves the hook. A message over
 * the bound must go on unread, as the mailet's does (review s22: refused unread when the hook refuses mail).
 */
class Review19FixConformanceHookSizeTest {
    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);

    @Test
    void aMessageOverTheDefaultBoundIsNotReadWholeAtTheEndOfData() throws Exception {
        JamesSources.jamesDefaultThreshold();
        // just over the default bound (64 MiB), generated as it is read: the test holds none of it
        CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(
                "From: a@example.com\r\nSubject: no date, no id\r\n\r\n", MessageSizeLimit.DEFAULT + (1 << 20));
        MailImpl mail = MailImpl.builder().name("large").sender("a@example.com").addRecipient("b@example.org")
                .build();
        mail.setMessageNoCopy(new MimeMessageWrapper(source));
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("checks", "LINE_TOO_LONG");
        config.addProperty("fixes", "MISSING_DATE_HEADER|MISSING_MESSAGE_ID_HEADER");
        FixConformanceHook hook = new FixConformanceHook();
        hook.init(config);
        try {
            HookResult result = hook.onMessage(SESSION, mail);

            // a hook that refuses mail (checks) refuses it unread (review s22); one that only repairs accepts it
            assertThat(result.getSmtpRetCode()).isEqualTo("552");
            assertThat(result.getSmtpDescription()).startsWith("5.3.4 ");
            assertThat(source.read()).as("octets the hook read of a message of %d", source.getMessageSize())
                    .isLessThan(1 << 20);
        } finally {
            mail.dispose();
        }
    }

    /** The hook takes the mailet's {@code maxCheckedSize}, checked at init; a message within it is still checked. */
    @Test
    void maxCheckedSizeIsTheMailetsParameter() throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("checks", "MISSING_MESSAGE_ID_HEADER");
        config.addProperty("maxCheckedSize", "1K");
        FixConformanceHook hook = new FixConformanceHook();
        hook.init(config);
        byte[] small = "From: a@example.com\r\nSubject: s\r\n\r\nhi\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        org.apache.mailet.base.test.FakeMail within = org.apache.mailet.base.test.FakeMail.builder().name("m")
                .mimeMessage(dev.authpack.james.MimeMessageBytes.from(small)).build();
        assertThat(hook.onMessage(SESSION, within).getSmtpRetCode()).isEqualTo("552");
        byte[] large = ("From: a@example.com\r\nSubject: s\r\n\r\n" + "x".repeat(2000) + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        org.apache.mailet.base.test.FakeMail over = org.apache.mailet.base.test.FakeMail.builder().name("m")
                .mimeMessage(dev.authpack.james.MimeMessageBytes.from(large)).build();
        assertThat(hook.onMessage(SESSION, over).getSmtpRetCode()).as("refused unread (review s22)").isEqualTo("552");
        FixConformanceHook repairing = new FixConformanceHook();
        BaseHierarchicalConfiguration repairs = new BaseHierarchicalConfiguration();
        repairs.addProperty("fixes", "MISSING_MESSAGE_ID_HEADER");
        repairs.addProperty("maxCheckedSize", "1K");
        repairing.init(repairs);
        assertThat(repairing.onMessage(SESSION, over)).isEqualTo(HookResult.DECLINED);
        assertThat(over.getAttribute(MessageSizeLimit.CONFORMANCE_SKIPPED)).isPresent();

        BaseHierarchicalConfiguration bad = new BaseHierarchicalConfiguration();
        bad.addProperty("maxCheckedSize", "12 parsecs");
        assertThatThrownBy(() -> new FixConformanceHook().init(bad))
                .isInstanceOf(org.apache.commons.configuration2.ex.ConfigurationException.class)
                .hasMessageContaining("maxCheckedSize must be a size");
    }
}
