package dev.authpack.it;

import static dev.authpack.it.DmarcRouting.DELIVERED;
import static dev.authpack.it.DmarcRouting.QUARANTINE;
import static dev.authpack.it.DmarcRouting.REJECT;
import static dev.authpack.it.DmarcRouting.disposition;
import static dev.authpack.it.DmarcRouting.dmarc;
import static dev.authpack.it.DmarcRouting.dmarcResinfo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MailAuthCheck with {@code <dmarcMode>rfc7489</dmarcMode>} in a real James: the same records as {@link DmarcIT}
 * (src/test/resources/dmarc/dmarc.zone) and the same DmarcDisposition routing, where RFC 7489 differs from
 * RFC 9989: {@code pct} is honoured, {@code t=} is not, and the organizational domain comes from the Public Suffix
 * List (Guava's, the one James ships).
 */
class DmarcRfc7489IT {
    private static final String UNALIGNED_SENDER = "bob@spf-pass.example";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zoneFile(RawMail.resourceFile("dmarc/dmarc.zone"))
            .placeholder("DNS_TIMEOUT", DmarcRouting.DNS_TIMEOUT_MILLIS)
            .edit("mailetcontainer.xml", xml -> DmarcRouting.withRules(
                    DmarcRouting.withMailAuthCheckParameters(xml, "<dmarcMode>rfc7489</dmarcMode>"))));

    private static DeliveredMail routedTo(String repository, String author) {
        return DmarcRouting.routedTo(JAMES.server(), repository, Submission.create().mailFrom(UNALIGNED_SENDER)
                .message(TestMessage.create().from(author)));
    }

    @Test
    void pctZeroLeavesEveryFailingMailOutOfTheRejectPolicy() {
        // RFC 7489 §6.6.4: outside the sample, reject becomes quarantine
        DeliveredMail mail = routedTo(QUARANTINE, "ops@dmarc-pct0.example");
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).hasValue("quarantine");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("mode")).isEqualTo("rfc7489");
        assertThat(dmarc.get("policy")).isEqualTo("quarantine");
        assertThat(String.valueOf(dmarc.get("reason"))).contains("pct=0");
        assertThat(disposition(mail)).isEqualTo("quarantine");
    }

    @Test
    void testModeIsNotPartOfRfc7489() {
        DeliveredMail mail = routedTo(REJECT, "ops@dmarc-testing.example");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).as(mail.headerSection()).hasValue("reject");
        assertThat(dmarc(mail).get("test_mode")).isEqualTo(false);
    }

    @Test
    void rejectPolicyStillRejects() {
        DeliveredMail mail = routedTo(REJECT, "ceo@dmarc-reject.example");
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).hasValue("reject");
    }

    @Test
    void publicSuffixListMakesTheNameItsOwnOrganizationalDomain() {
        // blogspot.com is a public suffix: its record does not apply to alice.blogspot.com (DmarcIT: it does)
        DeliveredMail mail = routedTo(DELIVERED, "alice@alice.blogspot.com");
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("none");
        assertThat(disposition(mail)).isEqualTo("none");
    }

    @Test
    void publicSuffixListOrganizationalDomainAlignsRelaxed() {
        DeliveredMail mail = DmarcRouting.routedTo(JAMES.server(), DELIVERED, Submission.create()
                .mailFrom("bounces@treewalk.example")
                .message(TestMessage.create().from("robot@a.b.c.d.e.f.g.h.treewalk.example")));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("pass");
        assertThat(dmarc(mail).get("spf_aligned")).isEqualTo(true);
        assertThat(dmarc(mail).get("policy_domain")).isEqualTo("treewalk.example");
    }
}
