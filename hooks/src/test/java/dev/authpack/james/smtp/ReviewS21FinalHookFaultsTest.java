package dev.authpack.james.smtp;

import dev.authpack.james.FaultyMail;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.base.test.FakeMail;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import javax.mail.internet.MimeMessage;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Final review of session 21 (helper 85), attacker's tests: an error must never be cheaper than a fail.
 */
class ReviewS21FinalHookFaultsTest {
    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);

    /**
     * FixConformanceHook configured to refuse (checks) answers a message it could not check, a StackOverflowError or
     * OutOfMemoryError included since session 21, with DECLINED: accepted unchanged. A message that fails the check
     * gets 552; one whose check errs gets in. Fail closed would be the 451 the hook already gives when
     * maxCheckedTotal leaves no room ("never accepted unchecked", FixConformanceHook.tryLater): the client retries.
     * (Before session 21 an Error went to James' Netty handler: 421 and the connection closed, the message not
     * accepted.)
     */
    @Test
    void aRefusingHookDefersAMessageItCouldNotCheck() throws Exception {
        FixConformanceHook hook = new FixConformanceHook();
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("checks", "MISSING_MESSAGE_ID_HEADER");
        hook.init(config);
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Supplier<? extends Throwable>> fault : FaultyMail.faults().entrySet()) {
            MimeMessage message = FaultyMail.message(FaultsAtTheBoundaryTest.MESSAGE, fault.getValue());
            FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).recipient("b@example.org").build();
            HookResult result = hook.onMessage(SESSION, mail);
            softly.assertThat(result).as(fault.getKey()).isNotEqualTo(HookResult.DECLINED);
            if (result != HookResult.DECLINED) {
                softly.assertThat(AbstractHookableCmdHandler.calcDefaultSMTPResponse(result).getRetCode())
                        .as(fault.getKey()).isEqualTo("451");
            }
        }
        softly.assertAll();
    }
}
