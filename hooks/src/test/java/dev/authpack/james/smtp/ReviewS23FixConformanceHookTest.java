package dev.authpack.james.smtp;

import dev.authpack.conformance.ConformanceLimits;
import dev.authpack.james.ConformanceParameters;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.PastTheFieldBound;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s23 C1 at the end of DATA, as the mailet ({@code ReviewS23FixConformanceTest}): {@code Reply-To :} after
 * 1,000 padding fields was accepted unrepaired and unmarked when the label was a fix, or a check and a fix.
 */
class ReviewS23FixConformanceHookTest {
    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);

    private static byte[] padded(int pads) {
        return PastTheFieldBound.message(pads);
    }

    private static HookResult onMessage(FakeMail mail, String... settings) throws Exception {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        for (int i = 0; i < settings.length; i += 2) {
            config.addProperty(settings[i], settings[i + 1]);
        }
        FixConformanceHook hook = new FixConformanceHook();
        hook.init(config);
        return hook.onMessage(SESSION, mail);
    }

    private static FakeMail mail(byte[] message) throws Exception {
        return FakeMail.builder().name("m").mimeMessage(MimeMessageBytes.from(message)).build();
    }

    @Test
    void aCheckedAndFixedNameEndingWithSpacePastTheFieldBoundIsRefused() throws Exception {
        HookResult result = onMessage(mail(padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS)),
                "checks", "NAME_ENDS_WITH_SPACE", "fixes", "NAME_ENDS_WITH_SPACE");
        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpDescription())
                .isEqualTo("5.6.0 Message has conformance issues: NAME_ENDS_WITH_SPACE");
    }

    @Test
    void aFixedNameEndingWithSpacePastTheFieldBoundIsAcceptedMarkedUnchecked() throws Exception {
        FakeMail mail = mail(padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS));
        assertThat(onMessage(mail, "fixes", "NAME_ENDS_WITH_SPACE")).isEqualTo(HookResult.DECLINED);
        assertThat(mail.getAttribute(ConformanceParameters.UNCHECKED).map(a -> (String) a.getValue().value()))
                .contains("NAME_ENDS_WITH_SPACE");

        FakeMail within = mail(padded(10));
        assertThat(onMessage(within, "fixes", "NAME_ENDS_WITH_SPACE")).isEqualTo(HookResult.DECLINED);
        assertThat(within.getAttribute(ConformanceParameters.UNCHECKED)).isEmpty();
        assertThat(within.getAttribute(ConformanceParameters.FIXED).map(a -> (String) a.getValue().value()))
                .contains("NAME_ENDS_WITH_SPACE");
    }
}
