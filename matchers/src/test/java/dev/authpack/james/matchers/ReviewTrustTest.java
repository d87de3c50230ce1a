package dev.authpack.james.matchers;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of issue 9: James 3.8.1 sets {@code SMTPIsAuthNetwork} for every client that passed SMTP AUTH
 * (UsersRepositoryAuthHook calls setRelayingAllowed(true)), wherever it connects from; a bare trusted-authserv id
 * ("believed from James' authorizedAddresses") must not be believed in such a user's mail.
 */
class ReviewTrustTest {
    private static final String CONDITION = "dmarc=pass; trusted-authserv=filter.example.net";

    private static Mail mail(String clientIp, boolean authNetwork, String authUser) throws Exception {
        String text = "Received: from x ([" + clientIp + "]) by mx.example.org\r\n"
                + "Authentication-Results: filter.example.net; dmarc=pass header.from=bank.example\r\n"
                + "From: ceo@bank.example\r\nSubject: s\r\n\r\nbody\r\n";
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        FakeMail.Builder b = FakeMail.builder().name("m").recipients("a@x.example").mimeMessage(message)
                .remoteAddr(clientIp);
        if (authNetwork) {
            b.attribute(new Attribute(AttributeName.of(HasAuthResult.SMTP_IS_AUTH_NETWORK), AttributeValue.of(true)));
        }
        if (authUser != null) {
            b.attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(authUser)));
        }
        return b.build();
    }

    private static HasAuthResult matcher() throws Exception {
        HasAuthResult m = new HasAuthResult();
        m.init(FakeMatcherConfig.builder().matcherName("HasAuthResult").condition(CONDITION)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    @Test
    void anAuthenticatedUserFromAnywhereIsNotTheTrustedServer() throws Exception {
        assertThat(matcher().match(mail("203.0.113.9", true, "mallory@example.org"))).isEmpty();
    }

    @Test
    void aClientInAuthorizedAddressesWithoutAuthIsStillBelieved() throws Exception {
        assertThat(matcher().match(mail("10.1.2.3", true, null))).hasSize(1);
    }
}
