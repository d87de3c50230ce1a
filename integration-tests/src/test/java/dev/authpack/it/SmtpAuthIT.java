package dev.authpack.it;

import static dev.authpack.it.Expectations.ourField;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The auth method: James tells the mailet who authenticated (Mail.SMTP_AUTH_USER). */
class SmtpAuthIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension();

    @Test
    void authenticatedClientGetsAuthPass() {
        DeliveredMail mail = JAMES.deliver(Submission.create()
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                .mailFrom(JamesExtension.ALICE).rcptTo(JamesExtension.ALICE));
        AuthResultsField.Resinfo auth = ourField(mail).method("auth").orElseThrow();
        assertThat(auth.result()).isEqualTo("pass");
        assertThat(auth.property("smtp.auth")).hasValue(JamesExtension.ALICE);
        assertThat(mail.attribute("authpack.smtp-auth", "result")).hasValue("pass");
    }

    @Test
    void wrongPasswordIsRefusedBySmtp() {
        SubmissionResult r = JAMES.submit(Submission.create().auth(JamesExtension.ALICE, "wrong"));
        assertThat(r.accepted()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(535);
    }

    @Test
    void anonymousClientGetsNoAuthPass() {
        DeliveredMail mail = JAMES.deliver(Submission.create());
        assertThat(ourField(mail).result("auth")).isNotEqualTo(java.util.Optional.of("pass"));
        assertThat(mail.attribute("authpack.smtp-auth", "result")).isNotEqualTo(java.util.Optional.of("pass"));
    }
}
