package dev.authpack.james.smtp;

import dev.authpack.james.HeldWhole;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.WholeReadBudget;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s19 final: FixConformanceHook reads a message whole only while {@code maxCheckedTotal} (the JVM-wide count of
 * MailAuthCheck and SessionAuthCheck) holds its octets, released on every path; one it leaves no room for is refused
 * for now with {@code 451 4.3.1}, never accepted unchecked (the reject set still applies once there is room).
 */
class FixConformanceHookBudgetTest {
    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);
    /** No Message-ID: in the reject set of the test. */
    private static final byte[] NON_CONFORMANT = ("From: a@example.com\r\nSubject: s\r\n\r\n"
            + ("x".repeat(998) + "\r\n").repeat(200)).getBytes(StandardCharsets.US_ASCII);

    @AfterEach
    void nothingStaysHeld() {
        assertThat(WholeReadBudget.jvmHeld()).as("octets held after the test").isZero();
    }

    private static FixConformanceHook hook(String total) throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("checks", "MISSING_MESSAGE_ID_HEADER");
        config.addProperty("maxCheckedSize", "1M");
        config.addProperty("maxCheckedTotal", total);
        FixConformanceHook hook = new FixConformanceHook();
        hook.init(config);
        return hook;
    }

    private static FakeMail mail(HeldWhole.Message message, long size) throws Exception {
        return FakeMail.builder().name("m").sender("a@example.com").recipient("b@example.org")
                .mimeMessage(message).size(size).build();
    }

    @Test
    void heldWhileReadReleasedAfterAndRefusedFor451WithNoRoom() throws Exception {
        FixConformanceHook hook = hook("1M");
        HeldWhole.Message whole = new HeldWhole(0).message(NON_CONFORMANT);
        HookResult checked = hook.onMessage(SESSION, mail(whole, NON_CONFORMANT.length));
        assertThat(whole.heldAtWholeRead()).as("held while read").isEqualTo(NON_CONFORMANT.length);
        assertThat(checked.getSmtpRetCode()).isEqualTo("552");
        assertThat(WholeReadBudget.jvmHeld()).isZero();

        WholeReadBudget other = WholeReadBudget.read("1M", MessageSizeLimit.parse("maxCheckedSize", "1M"));
        try (WholeReadBudget.Hold held = other.tryHold(1L << 20)) {
            assertThat(held).isNotNull();
            HeldWhole.Message refused = new HeldWhole(0).message(NON_CONFORMANT);
            FakeMail mail = mail(refused, NON_CONFORMANT.length);
            HookResult later = hook.onMessage(SESSION, mail);
            assertThat(refused.readWhole()).isFalse();
            // refused for now, not accepted unchecked: the client retries into the reject set
            assertThat(later.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(later.getSmtpRetCode()).isEqualTo("451");
            assertThat(later.getSmtpDescription()).startsWith("4.3.1 ").containsIgnoringCase("try again later");
            assertThat(mail.getAttribute(MessageSizeLimit.CONFORMANCE_SKIPPED)).isEmpty();
            assertThat(other.held()).isEqualTo(1L << 20);
        }
    }

    @Test
    void releasedWhenTheReadFails() throws Exception {
        FixConformanceHook hook = hook("1M");
        HeldWhole.Message failing = new HeldWhole(0).failing(NON_CONFORMANT, new IllegalStateException("spool"));
        HookResult result = hook.onMessage(SESSION, mail(failing, NON_CONFORMANT.length));
        assertThat(failing.heldAtWholeRead()).isEqualTo(NON_CONFORMANT.length);
        // the hook refuses (checks): not checked is refused for now, never accepted (review s21 final)
        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(WholeReadBudget.jvmHeld()).isZero();
    }

    @Test
    void maxCheckedTotalIsCheckedAtInit() {
        assertThatThrownBy(() -> hook("512K")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxCheckedTotal");
    }
}
