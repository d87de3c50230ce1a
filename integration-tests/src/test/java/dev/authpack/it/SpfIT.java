package dev.authpack.it;

import static dev.authpack.it.Expectations.domainOf;
import static dev.authpack.it.Expectations.ourField;
import static dev.authpack.it.Expectations.spfHelo;
import static dev.authpack.it.Expectations.spfMailFrom;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPF through a real James: the demo zone publishes one domain per result; the client is 127.0.0.1. Every mail is
 * delivered (MailAuthCheck reports, it does not refuse) with the verdict in Authentication-Results and in the
 * authpack.spf attribute.
 */
class SpfIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension();

    @ParameterizedTest(name = "{0} -> spf={1}")
    @CsvSource({
        "spf-pass.example,      pass",
        "spf-include.example,   pass",
        "spf-fail.example,      fail",
        "spf-softfail.example,  softfail",
        "spf-neutral.example,   neutral",
        "spf-none.example,      none",
        "spf-permerror.example, permerror",
        "no-such-domain.example, none",
    })
    void mailFromResult(String domain, String expected) {
        assertSpf("bob@" + domain, expected);
    }

    @Test
    void servfailIsTemperror() {
        JAMES.dns().servfail("spf-temperror.example");
        assertSpf("bob@spf-temperror.example", "temperror");
    }

    @Test
    void noAnswerIsTemperror() {
        JAMES.dns().drop("spf-timeout.example");
        long t0 = System.nanoTime();
        assertSpf("bob@spf-timeout.example", "temperror");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until delivery").isLessThan(15_000);
    }

    @Test
    void heloIdentityIsCheckedToo() {
        DeliveredMail mail = JAMES.deliver(Submission.create().helo("mail.spf-pass.example")
                .mailFrom("bob@spf-fail.example"));
        assertThat(mail.attribute("authpack.spf-helo", "result")).hasValue("pass");
        assertThat(mail.attribute("authpack.spf", "result")).hasValue("fail");
        AuthResultsField field = ourField(mail);
        assertThat(spfHelo(field).result()).isEqualTo("pass");
        assertThat(spfHelo(field).property("smtp.helo")).hasValue("mail.spf-pass.example");
        assertThat(spfMailFrom(field).result()).isEqualTo("fail");
    }

    @Test
    void nullSenderIsCheckedWithTheHeloName() {
        DeliveredMail mail = JAMES.deliver(Submission.create().helo("mail.spf-pass.example").mailFrom("")
                .message(TestMessage.create().from("mailer-daemon@spf-pass.example")));
        // RFC 7208 §2.4: the MAIL FROM identity is postmaster@<HELO name>
        assertThat(mail.attribute("authpack.spf", "result")).hasValue("pass");
        assertThat(ourField(mail).result("spf")).hasValue("pass");
    }

    private static void assertSpf(String mailFrom, String expected) {
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom(mailFrom));
        assertThat(mail.recipients()).containsExactly(JamesExtension.ALICE);
        AuthResultsField field = ourField(mail);
        AuthResultsField.Resinfo spf = spfMailFrom(field);
        assertThat(spf.result()).as(mail.headerSection()).isEqualTo(expected);
        assertThat(spf.property("smtp.mailfrom")).hasValue(domainOf(mailFrom));
        assertThat(mail.attribute("authpack.spf", "result")).hasValue(expected);
    }
}
