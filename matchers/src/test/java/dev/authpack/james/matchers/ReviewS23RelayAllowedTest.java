package dev.authpack.james.matchers;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.MailRelayRequests;
import dev.authpack.james.RelayTestSupport;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s23 ({@code authpack.relay.trusted-client}, which DkimSign trusts to sign). RelayAllowed records on each mail
 * it judges whether the policy trusted the client itself, and removes an earlier record otherwise (a mail judged
 * again, or a copy of another's: {@code MailImpl.duplicate} copies attributes). On an unexpected error it denied the
 * relay but left an earlier record in place: a mail it could not judge kept another judgement's trust, and
 * DkimSign, reached by another path, signed it. Now the record goes on that path too (fail closed).
 */
class ReviewS23RelayAllowedTest {
    @TempDir
    Path dir;

    @Test
    void aMailItCannotJudgeLosesAnEarlierTrust() throws Exception {
        RelayAllowed matcher = new RelayAllowed(FakeFileSystem.under(dir));
        matcher.init(FakeMatcherConfig.builder().matcherName("RelayAllowed")
                .condition(RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY).toString())
                .mailetContext(FakeMailContext.defaultContext()).build());
        FakeMail judged = FakeMail.builder().name("m1").remoteAddr("203.0.113.9").remoteHost("203.0.113.9")
                .sender("user@us.example").recipients("a@inbound.example").build();
        judged.setAttribute(new Attribute(MailRelayRequests.TRUSTED_CLIENT, AttributeValue.of("relay_hosts")));
        Mail failing = (Mail) Proxy.newProxyInstance(Mail.class.getClassLoader(), new Class<?>[] {Mail.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getRecipients")) {
                        throw new IllegalStateException("recipients unreadable");
                    }
                    try {
                        return method.invoke(judged, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

        assertThat(matcher.match(failing)).as("relay denied").isEmpty();
        assertThat(MailRelayRequests.trustedClient(judged)).as("the earlier trust").isFalse();
    }
}
