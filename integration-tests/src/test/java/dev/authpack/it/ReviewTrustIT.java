package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review of issue 9, real James: an SMTP AUTH client from anywhere gets SMTPIsAuthNetwork=true from James 3.8.1
 * (UsersRepositoryAuthHook: setRelayingAllowed(true)); a bare trusted-authserv id, "believed from James'
 * authorizedAddresses", must not be believed in its mail. Same James set-up as {@link HasAuthResultIT}.
 */
class ReviewTrustIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zoneFile(RawMail.resourceFile("dkim/suite.zone"))
            .edit("smtpserver.xml", HasAuthResultIT::withAuthorizedAddress)
            .edit("mailetcontainer.xml", xml -> HasAuthResultIT.withSnippetAndRules(
                    DmarcRouting.withMailAuthCheckParameters(xml, "<dmarc>false</dmarc>"))));

    @Test
    void anAuthenticatedUserWritingABareTrustedIdIsNotBelieved() {
        TestMessage message = TestMessage.create().header("Authentication-Results", HasAuthResultIT.BARE
                + "; dmarc=fail");
        String id = JAMES.server().send(Submission.create().clientAddress(HasAuthResultIT.STRANGER_IP)
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD).mailFrom(JamesExtension.ALICE)
                .message(message));
        DeliveredMail mail = JAMES.server().awaitMail("delivered", m -> m.headers("Message-ID").contains(id),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
        assertThat(mail.attribute("org.apache.james.SMTPIsAuthNetwork")).as("what James sets").hasValue(true);
        assertThat(mail.headers("X-It-Bare")).as(mail.headerSection()).isEmpty();
    }
}
