package dev.authpack.james.smtp;

import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.MimeMessageBytes;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22 (attacker: the SMTP client). {@code FixConformanceHook} refuses at the end of DATA the issues of its
 * {@code checks} ({@code NAME_ENDS_WITH_SPACE}: {@code From : ceo@victim.example}, read by some clients and not by
 * others), but accepted a message over {@code maxCheckedSize} unread: padding the body past the bound got the
 * refused header through. A hook that refuses mail now refuses such a message, {@code 552 5.3.4}, unread; one that
 * only repairs accepts it unchanged, marked {@code authpack.conformance.skipped}, as before.
 */
class ReviewS22FixConformanceOverSizeTest {
    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);
    private static final String SPOOF = "From : ceo@victim.example\r\nTo: b@example.org\r\nSubject: pay\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <x@attacker.example>\r\nMIME-Version: 1.0\r\n\r\n";

    private static FixConformanceHook hook(String checks, String fixes) throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        if (checks != null) {
            config.addProperty("checks", checks);
        }
        if (fixes != null) {
            config.addProperty("fixes", fixes);
        }
        config.addProperty("maxCheckedSize", "1K");
        FixConformanceHook hook = new FixConformanceHook();
        hook.init(config);
        return hook;
    }

    private static FakeMail mail(String body) throws Exception {
        return FakeMail.builder().name("m").mimeMessage(MimeMessageBytes.from((SPOOF + body)
                .getBytes(StandardCharsets.US_ASCII))).build();
    }

    @Test
    void paddingPastMaxCheckedSizeDoesNotGetARefusedIssueThrough() throws Exception {
        FixConformanceHook hook = hook("NAME_ENDS_WITH_SPACE", null);
        assertThat(hook.onMessage(SESSION, mail("Pay now.\r\n")).getSmtpRetCode()).as("within the bound")
                .isEqualTo("552");
        FakeMail padded = mail(("Pay now." + " ".repeat(60) + "\r\n").repeat(40));
        HookResult result = hook.onMessage(SESSION, padded);
        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("552");
        assertThat(result.getSmtpDescription())
                .isEqualTo("5.3.4 Message too big to check its conformance (at most 1024 octets)");
    }

    @Test
    void aHookThatOnlyRepairsAcceptsItUnchangedAndMarked() throws Exception {
        for (FixConformanceHook hook : new FixConformanceHook[] {hook(null, "NAME_ENDS_WITH_SPACE"),
                hook("LINE_TOO_LONG", "LINE_TOO_LONG|NAME_ENDS_WITH_SPACE")}) {
            FakeMail padded = mail(("Pay now." + " ".repeat(60) + "\r\n").repeat(40));
            assertThat(hook.onMessage(SESSION, padded)).isEqualTo(HookResult.DECLINED);
            assertThat(padded.getAttribute(MessageSizeLimit.CONFORMANCE_SKIPPED)).isPresent();
            assertThat(new String(MimeMessageBytes.of(padded.getMessage()), StandardCharsets.US_ASCII))
                    .startsWith("From : ceo@victim.example");
        }
        // a check the walk makes that is also a fix refuses a message whose walk stopped short (review s23 C1), so
        // one not read at all is refused too (before s23: accepted as above)
        HookResult refused = hook("NAME_ENDS_WITH_SPACE", "NAME_ENDS_WITH_SPACE")
                .onMessage(SESSION, mail(("Pay now." + " ".repeat(60) + "\r\n").repeat(40)));
        assertThat(refused.getSmtpRetCode()).isEqualTo("552");
        assertThat(refused.getSmtpDescription()).startsWith("5.3.4 ");
    }

    /** An error in a hook that only repairs: accepted unchanged, now marked as the mailet marks it. */
    @Test
    void aMessageARepairingHookCouldNotReadIsMarked() throws Exception {
        FixConformanceHook hook = hook(null, "MISSING_DATE_HEADER");
        FakeMail unreadable = FakeMail.builder().name("m").mimeMessage(new javax.mail.internet.MimeMessage(
                (javax.mail.Session) null) {
            @Override
            public void writeTo(java.io.OutputStream out) throws java.io.IOException {
                throw new java.io.IOException("spool file gone");
            }

            @Override
            public int getSize() {
                return 100;
            }
        }).build();
        assertThat(hook.onMessage(SESSION, unreadable)).isEqualTo(HookResult.DECLINED);
        assertThat(unreadable.getAttribute(MessageSizeLimit.CONFORMANCE_SKIPPED)).hasValueSatisfying(a ->
                assertThat(a.getValue().value()).isEqualTo("not checked: IOException"));
    }
}
