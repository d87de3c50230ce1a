package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SessionAuthCheck with {@code refuseSpfFail=mailfrom} (vSMTP's "strict") and {@code temperror=defer}: SPF
 * {@code fail} is refused at MAIL FROM, and a temporary error answers 451 instead of accepting.
 */
class SessionEnforcementStrictIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(SessionEnforcementIT.ZONE + """
                    enforce-dmarctemp.example.       300 TXT "v=spf1 ip4:127.0.0.0/8 -all"
                    _dmarc.enforce-dmarctemp.example. 0  TXT "v=DMARC1; p=reject"
                    """)
            .edit("smtpserver.xml", xml -> SessionEnforcementIT.withHook(xml,
                    "<refuseSpfFail>mailfrom</refuseSpfFail><temperror>defer</temperror>")));

    @Test
    void spfFailIsRefusedAtMailFrom() {
        SubmissionResult r = JAMES.submit(Submission.create().mailFrom("bob@enforce-spffail.example")
                .message(TestMessage.create().from("bob@enforce-spffail.example")));
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        assertThat(r.last().text()).as(r.transcript()).startsWith("5.7.23");
        assertThat(r.replies()).as(r.transcript()).noneMatch(reply -> reply.code() == 354);
    }

    @Test
    void anSpfTemperrorIsDeferredWith451WhenConfigured() {
        JAMES.dns().servfail("enforce-temp.example");
        try {
            SubmissionResult r = JAMES.submit(Submission.create().mailFrom("bob@enforce-temp.example")
                    .message(TestMessage.create().from("bob@enforce-temp.example")));
            assertThat(r.accepted()).as(r.transcript()).isFalse();
            assertThat(r.last().code()).as(r.transcript()).isEqualTo(451);
            assertThat(r.last().text()).as(r.transcript()).startsWith("4.7.24");
        } finally {
            JAMES.dns().clearFailures();
        }
    }

    @Test
    void aDmarcTemperrorIsDeferredWith451AtTheEndOfData() {
        JAMES.dns().servfail("_dmarc.enforce-dmarctemp.example");
        try {
            SubmissionResult r = JAMES.submit(Submission.create().mailFrom("bob@enforce-dmarctemp.example")
                    .message(TestMessage.create().from("news@enforce-dmarctemp.example")));
            assertThat(r.accepted()).as(r.transcript()).isFalse();
            assertThat(r.last().code()).as(r.transcript()).isEqualTo(451);
            assertThat(r.last().text()).as(r.transcript()).startsWith("4.7.1").contains("enforce-dmarctemp.example");
        } finally {
            JAMES.dns().clearFailures();
        }
    }

    @Test
    void passingMailIsStillDelivered() {
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@enforce-pass.example")
                .message(TestMessage.create().from("news@enforce-pass.example")));
        assertThat(mail.authenticationResults("mx.james.test").orElseThrow().result("dmarc")).hasValue("pass");
    }
}
