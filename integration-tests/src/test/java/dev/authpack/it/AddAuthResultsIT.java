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
    /** The id of a second AddAuthResults (mail from spf-pass.example): MailAuthCheck does not strip it. */
    static final String OTHER_ID = "mx2.james.test";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b.edit("mailetcontainer.xml", xml -> xml
            .replace("<addAuthenticationResults>true</addAuthenticationResults>",
                    "<addAuthenticationResults>false</addAuthenticationResults>")
            .replace("<processor state=\"local-delivery\" enableJmx=\"false\">",
                    "<processor state=\"local-delivery\" enableJmx=\"false\">\n"
                            + "<mailet match=\"SenderHostIs=spf-fail.example\""
                            + " class=\"dev.authpack.james.mailets.AddAuthResults\"/>\n"
                            + "<mailet match=\"SenderHostIs=spf-pass.example\""
                            + " class=\"dev.authpack.james.mailets.AddAuthResults\"><serverId>" + OTHER_ID
                            + "</serverId></mailet>")));

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

    /** Only AddAuthResults knows this id: the forged fields claiming it get past MailAuthCheck, not past it. */
    @Test
    void addAuthResultsRemovesEveryForgedVariantOfItsId() {
        TestMessage message = TestMessage.create().from("bob@spf-pass.example");
        for (String variant : AuthResultsIT.FORGED_VARIANTS) {
            message.header("Authentication-Results", variant.replaceAll("(?i)mx\\.james\\.test", OTHER_ID));
        }
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-pass.example").message(message));
        assertThat(mail.headers("Authentication-Results")).as(mail.headerSection()).hasSize(1);
        AuthResultsField field = mail.authenticationResults().get(0);
        assertThat(field.authservId()).isEqualTo(OTHER_ID);
        assertThat(Expectations.spfMailFrom(field).result()).isEqualTo("pass");
    }
}
