package dev.authpack.james.matchers;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.FaultyMail;
import dev.authpack.james.RelayTestSupport;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.MessagingException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.assertj.core.api.SoftAssertions;

/**
 * Session 21: no exception out of a matcher, whatever James' calls throw (docs/security.md, "Errors"). James 3.8.1's
 * matcher splitter catches only {@link Exception} (and {@link NoClassDefFoundError}): any other {@link Error} out of
 * {@code match} leaves the mail's queue item never acknowledged and a spool slot taken for good. A matcher that
 * cannot decide matches nothing (as for a RuntimeException), and the mail goes on.
 */
class FaultsAtTheBoundaryTest {
    @TempDir
    Path dir;

    private static Map<String, Supplier<? extends Throwable>> faults() {
        return FaultyMail.faults();
    }

    private static Matcher init(Matcher matcher, String condition) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return matcher;
    }

    private Map<String, Matcher> matchers() throws Exception {
        Map<String, Matcher> matchers = new LinkedHashMap<>();
        matchers.put("DmarcDisposition", init(new DmarcDisposition(), "reject"));
        matchers.put("HasAuthResult", init(new HasAuthResult(), "dkim=pass"));
        matchers.put("IsAuthenticated", init(new IsAuthenticated(), null));
        matchers.put("RelayAllowed", init(new RelayAllowed(FakeFileSystem.under(dir)),
                RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY).toString()));
        matchers.put("IsOobBounce", init(new IsOobBounce(), null));
        matchers.put("IsArfReport", init(new IsArfReport(), null));
        matchers.put("IsDmarcReport", init(new IsDmarcReport(), null));
        return matchers;
    }

    @Test
    void whatJamesThrowsNeverThrowsOutOfAMatcher() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        Map<String, Matcher> matchers = matchers();
        for (String method : List.of("getAttribute", "getRecipients", "getMessage", "getRemoteAddr",
                "getMaybeSender", "getMessageSize")) {
            for (Map.Entry<String, Supplier<? extends Throwable>> fault : faults().entrySet()) {
                for (Map.Entry<String, Matcher> matcher : matchers.entrySet()) {
                    String as = matcher.getKey() + " / " + method + " / " + fault.getKey();
                    FakeMail fake = FakeMail.builder().name("m1").sender("alice@example.com")
                            .recipients("bob@example.org", "carol@example.org").remoteAddr("192.0.2.1")
                            .mimeMessage(dev.authpack.james.ReportSamples.message(
                                    dev.authpack.james.ReportSamples.DSN)).build();
                    fake.setState(Mail.DEFAULT);
                    Mail mail = FaultyMail.throwingOn(fake, method, fault.getValue());
                    softly.assertThatCode(() -> matcher.getValue().match(mail)).as(as).doesNotThrowAnyException();
                    softly.assertThat(fake.getRecipients()).as(as).hasSize(2);
                    softly.assertThat(fake.getState()).as(as).isEqualTo(Mail.DEFAULT);
                }
            }
        }
        softly.assertAll();
    }
}
