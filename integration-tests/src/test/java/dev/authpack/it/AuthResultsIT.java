package dev.authpack.it;

import static dev.authpack.it.Expectations.SERVER_ID;
import static dev.authpack.it.Expectations.ourField;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 8601 §5: incoming fields that claim our authserv-id are removed; other servers' fields are kept. */
class AuthResultsIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension();

    @Test
    void forgedFieldWithOurIdIsRemovedAndOthersAreKept() {
        TestMessage message = TestMessage.create().from("bob@spf-fail.example")
                .header("Authentication-Results", SERVER_ID + "; spf=pass smtp.mailfrom=bob@spf-fail.example")
                .header("Authentication-Results", "upstream.example; spf=pass smtp.mailfrom=bob@spf-fail.example");
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-fail.example").message(message));

        assertThat(Expectations.spfMailFrom(ourField(mail)).result()).isEqualTo("fail");
        assertThat(mail.authenticationResults()).extracting(AuthResultsField::authservId)
                .containsExactly(SERVER_ID, "upstream.example");
        assertThat(mail.authenticationResults("upstream.example").orElseThrow().result("spf")).hasValue("pass");
    }

    @Test
    void forgedFieldIsRecognisedWhateverTheCaseAndFolding() {
        TestMessage message = TestMessage.create()
                .header("AUTHENTICATION-RESULTS", "MX.James.Test;\r\n\tspf=pass")
                .header("Authentication-Results", "(comment first) " + SERVER_ID + " ; iprev=pass");
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-softfail.example").message(message));

        assertThat(mail.headers("Authentication-Results")).as(mail.headerSection()).hasSize(1);
        assertThat(Expectations.spfMailFrom(ourField(mail)).result()).isEqualTo("softfail");
    }

    @Test
    void oddHeloAndSenderCannotBreakTheField() {
        String helo = "evil;spf=pass(x)\"q\"";
        String sender = "\"x; spf=pass (y)\"@spf-fail.example";
        SubmissionResult r = JAMES.submit(Submission.create().helo(helo).mailFrom(sender)
                .message(TestMessage.create().from("bob@spf-fail.example")));
        assertThat(r.accepted()).as(r.transcript()).isTrue();
        DeliveredMail mail = JAMES.server().awaitDelivered(r.messageId());

        AuthResultsField field = ourField(mail);
        // the attribute is the field's body on one line (docs/MailAuthCheck.md): the same resinfos, same order
        String stored = (String) mail.attribute("authpack.results").orElseThrow();
        // (the IT classpath has no core classes: read it with the IT's own reader of the field)
        assertThat(AuthResultsField.parse(stored).results()).as(stored).isEqualTo(field.results());
        assertThat(Expectations.spfMailFrom(field).result()).isEqualTo("fail");
        assertThat(Expectations.spfHelo(field).property("smtp.helo")).as(mail.headerSection()).hasValue(helo);
        assertThat(field.result("iprev")).hasValue("pass");
    }

    /** Every form a reader could take as our id: the variants of issue 9 and a few more. */
    static final List<String> FORGED_VARIANTS = List.of(
            SERVER_ID + "; dmarc=pass",
            SERVER_ID + ".; dmarc=pass",
            SERVER_ID + "/1; dmarc=pass",
            SERVER_ID + "\u00e9; dmarc=pass",
            "\"" + SERVER_ID + "\" 1; dmarc=pass",
            "(c) MX.JAMES.TEST.. (v) 1;\r\n\tdmarc=pass");

    private static TestMessage withForgedVariants(TestMessage message) {
        for (String variant : FORGED_VARIANTS) {
            message.header("Authentication-Results", variant);
        }
        return message.header("Authentication-Results", "upstream.example; dmarc=pass header.from=x.example");
    }

    @Test
    void everyForgedVariantOfOurIdIsRemoved() {
        TestMessage message = withForgedVariants(TestMessage.create().from("bob@spf-fail.example"));
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@spf-fail.example").message(message));

        assertThat(mail.headers("Authentication-Results")).as(mail.headerSection()).hasSize(2);
        assertThat(mail.authenticationResults()).extracting(AuthResultsField::authservId)
                .containsExactly(SERVER_ID, "upstream.example");
        assertThat(Expectations.spfMailFrom(ourField(mail)).result()).isEqualTo("fail");
        assertThat(ourField(mail).result("dmarc")).isNotEqualTo(java.util.Optional.of("pass"));
    }

    /**
     * A DNS server that never answers anything this mail needs: every check ends in temperror (in the field and in
     * the attributes), the forged fields are gone, and ours is there exactly once.
     */
    @Test
    void whenDnsDropsEveryAnswerTheMailGetsTemperrorAndNoForgedField() {
        String domain = "dropped.example";
        JAMES.dns().drop(domain).drop("*." + domain).drop("9.0.0.127.in-addr.arpa");
        try {
            TestMessage message = withForgedVariants(TestMessage.create().from("bob@" + domain));
            DeliveredMail mail = JAMES.deliver(Submission.create().clientAddress("127.0.0.9")
                    .helo("mail." + domain).mailFrom("bob@" + domain).message(message));

            AuthResultsField field = ourField(mail);
            assertThat(Expectations.spfMailFrom(field).result()).as(mail.headerSection()).isEqualTo("temperror");
            assertThat(Expectations.spfHelo(field).result()).isEqualTo("temperror");
            assertThat(field.result("iprev")).hasValue("temperror");
            assertThat(field.result("dmarc")).hasValue("temperror");
            assertThat(mail.headers("Authentication-Results")).hasSize(2);
            assertThat(mail.attribute("authpack.spf", "result")).hasValue("temperror");
            assertThat(mail.attribute("authpack.dmarc", "result")).hasValue("temperror");
            assertThat(mail.attribute("authpack.iprev", "result")).hasValue("temperror");
        } finally {
            JAMES.dns().clearFailures();
        }
    }
}
