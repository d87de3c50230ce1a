package dev.authpack.it;

import static dev.authpack.it.Expectations.SERVER_ID;
import static dev.authpack.it.Expectations.ourField;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MailAuthCheck with addAuthenticationResults=false stores its results only; AddAuthResults, later in the
 * pipeline and here only for mail from spf-fail.example, writes the field from those attributes.
 */
class AddAuthResultsIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b.edit("mailetcontainer.xml", xml -> xml
            .replace("<addAuthenticationResults>true</addAuthenticationResults>",
                    "<addAuthenticationResults>false</addAuthenticationResults>")
            .replace("<processor state=\"local-delivery\" enableJmx=\"false\">",
                    "<processor state=\"local-delivery\" enableJmx=\"false\">\n"
                            + "<mailet match=\"SenderHostIs=spf-fail.example\""
                            + " class=\"dev.authpack.james.AddAuthResults\"/>")));

    @Test
    void addAuthResultsWritesTheFieldFromTheAttributes() {
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-fail.example"));
        AuthResultsField field = ourField(mail);
        assertThat(Expectations.spfMailFrom(field).result()).isEqualTo("fail");
        assertThat(Expectations.spfMailFrom(field).property("smtp.mailfrom")).hasValue("spf-fail.example");
        assertThat(field.result("iprev")).hasValue("pass");
    }

    @Test
    void withoutAddAuthResultsThereIsNoFieldButTheAttributesAreThere() {
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-softfail.example"));
        assertThat(mail.headers("Authentication-Results")).as(mail.headerSection()).isEmpty();
        assertThat(mail.attribute("authpack.spf", "result")).hasValue("softfail");
        assertThat(mail.attribute("authpack.iprev", "result")).hasValue("pass");
    }

    @Test
    void forgedFieldIsRemovedEvenWhenNoFieldIsAdded() {
        TestMessage message = TestMessage.create().from("bob@spf-softfail.example")
                .header("Authentication-Results", SERVER_ID + "; spf=pass");
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-softfail.example").message(message));
        assertThat(mail.headers("Authentication-Results")).as(mail.headerSection()).isEmpty();
    }
}
